"""The SMS and Zalo adapters against a local HTTP server that checks each request: the number in the
84 form, the token, the body; a refusal and an outage told apart."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from elearn.notifications import channels


class Provider:
    """A stand-in provider: records requests; answers with ``status`` and ``answer``."""

    def __init__(self):
        self.requests, self.status, self.answer = [], 200, {"error": 0, "data": {"msg_id": "zalo-42"}}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                provider.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                          "body": json.loads(body.decode("utf-8"))})
                payload = json.dumps(provider.answer).encode()
                self.send_response(provider.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider():
    p = Provider()
    yield p
    p.close()


@pytest.mark.parametrize("raw, expected", [
    ("0912 345 678", "84912345678"), ("+84 912-345-678", "84912345678"), ("84912345678", "84912345678"),
    ("(091) 234.5678", "84912345678"), ("0212345678", None), ("12345", None), ("", None), ("09123456789", None),
])
def test_numbers_are_written_as_zalo_wants_them(raw, expected):
    assert channels.normalize_phone(raw) == expected


def test_zalo_sends_the_approved_template_with_its_data(provider):
    zalo = channels.configured({"ZALO_ZNS_TOKEN": "tok-zalo", "ZALO_ZNS_TEMPLATE_ID": "246810",
                                "ZALO_ZNS_URL": provider.url + "/message/template"})
    assert zalo.name == "zalo"
    msg_id = zalo.send("0912 345 678", "ignored", {"hoten": "Nguyễn Thị Hằng", "han": "15/12/2026"}, "r1:e42")
    assert msg_id == "zalo-42"
    request = provider.requests[0]
    assert request["path"] == "/message/template" and request["headers"]["access_token"] == "tok-zalo"
    assert request["body"] == {"phone": "84912345678", "template_id": "246810", "tracking_id": "r1:e42",
                               "template_data": {"hoten": "Nguyễn Thị Hằng", "han": "15/12/2026"}}


def test_zalo_refusal_in_a_200_answer_is_a_refusal(provider):
    provider.answer = {"error": -124, "message": "Template not approved"}
    zalo = channels.ZaloZns("tok", "1", provider.url)
    with pytest.raises(channels.ChannelRefused, match="-124"):
        zalo.send("0912345678", "", {}, "x")


def test_sms_gateway_gets_the_text_and_the_token(provider):
    provider.answer = {"id": "sms-7"}
    sms = channels.configured({"SMS_GATEWAY_URL": provider.url + "/api/send", "SMS_GATEWAY_TOKEN": "tok-sms",
                               "SMS_SENDER": "BANTUYENGIAO"})
    assert sms.name == "sms"
    assert sms.send("+84 987 654 321", "Nhắc học: còn 7 ngày", {}, "r1:e1") == "sms-7"
    request = provider.requests[0]
    assert request["headers"]["authorization"] == "Bearer tok-sms"
    assert request["body"] == {"to": "84987654321", "text": "Nhắc học: còn 7 ngày", "sender": "BANTUYENGIAO",
                               "id": "r1:e1"}


def test_a_bad_number_never_reaches_the_provider(provider):
    sms = channels.HttpSmsGateway(provider.url, "tok")
    with pytest.raises(channels.ChannelRefused):
        sms.send("12345", "x", {}, "x")
    assert provider.requests == []


@pytest.mark.parametrize("status, error", [(400, channels.ChannelRefused), (401, channels.ChannelRefused),
                                           (429, channels.ChannelUnavailable), (503, channels.ChannelUnavailable)])
def test_http_errors_are_a_refusal_or_a_later_try(provider, status, error):
    provider.status = status
    with pytest.raises(error):
        channels.HttpSmsGateway(provider.url, "tok").send("0912345678", "x", {}, "x")


def test_an_unreachable_provider_is_a_later_try():
    with pytest.raises(channels.ChannelUnavailable):
        channels.HttpSmsGateway("http://127.0.0.1:9/none", "tok", timeout=2).send("0912345678", "x", {}, "x")


def test_nothing_configured_means_no_channel_and_the_page_says_so(client, login):
    assert channels.configured({}) is None
    assert channels.configured({"ZALO_ZNS_TOKEN": "t"}) is None  # a template is needed too
    from elearn.permissions import Role
    from tests.factories import make_user
    login(make_user(roles=(Role.TRAINER,)))
    html = client.get("/notifications/rules").get_data(as_text=True)
    assert "không có dịch vụ SMS hay Zalo nào được cấu hình" in html
