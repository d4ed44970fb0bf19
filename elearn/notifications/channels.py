"""Text-message channels behind one interface: an HTTP SMS gateway, or Zalo's notification service
(ZNS: pre-approved templates, numbers written 84xxxxxxxxx). Configured by environment; with none
configured ``configured()`` is None, nothing is sent, and the pages say so.

    SMS_GATEWAY_URL=https://sms.example.vn/api/send  SMS_GATEWAY_TOKEN=...  SMS_SENDER=BANTUYENGIAO
    ZALO_ZNS_TOKEN=...  ZALO_ZNS_TEMPLATE_ID=123456  [ZALO_ZNS_URL=https://business.openapi.zalo.me/message/template]

Zalo wins when both are set. ``send`` raises ``ChannelRefused`` when the provider refuses this
message for good (a bad number, a template not approved: HTTP 4xx, or Zalo's error code) and
``ChannelUnavailable`` when it cannot be reached or answers 5xx (try again later), like the mail.
A cadre's number comes from the account import (column "Số điện thoại", stored 84xxxxxxxxx); the
reminder pass queues a text beside the mail when a channel is configured, and the worker sends them
(``delivery.send_sms_batch``, scheduler task ``sms``).
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

ZALO_DEFAULT_URL = "https://business.openapi.zalo.me/message/template"
_VN_MOBILE = re.compile(r"^84(3|5|7|8|9)\d{8}$")


class ChannelError(Exception):
    pass


class ChannelRefused(ChannelError):
    """This message will never go (bad number, template refused)."""


class ChannelUnavailable(ChannelError):
    """The provider cannot be reached now; try again later."""


def normalize_phone(raw: str) -> str | None:
    """A Vietnamese mobile number as 84xxxxxxxxx (from 0912 345 678, +84 912-345-678, 84912345678),
    or None when it is not one."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    return digits if _VN_MOBILE.match(digits) else None


class Channel(Protocol):
    name: str

    def send(self, phone: str, text: str, data: dict[str, str], tracking_id: str) -> str:
        """Send one message; returns the provider's message id."""


def _post(url: str, body: dict, headers: dict[str, str], timeout: float) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode(), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8", **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - a configured https URL
            payload = response.read(65536)
    except urllib.error.HTTPError as error:
        if 400 <= error.code < 500 and error.code not in (408, 429):
            raise ChannelRefused(f"HTTP {error.code}") from None
        raise ChannelUnavailable(f"HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ChannelUnavailable(str(error)) from None
    try:
        return json.loads(payload or b"{}")
    except ValueError:
        raise ChannelUnavailable("the provider answered something that is not JSON") from None


@dataclass
class HttpSmsGateway:
    """A generic SMS gateway: POST {"to", "text", "sender", "id"} with a bearer token."""

    url: str
    token: str
    sender: str = ""
    timeout: float = 10
    name: str = "sms"

    def send(self, phone: str, text: str, data: dict[str, str], tracking_id: str) -> str:
        number = normalize_phone(phone)
        if number is None:
            raise ChannelRefused("not a Vietnamese mobile number")
        answer = _post(self.url, {"to": number, "text": text[:640], "sender": self.sender, "id": tracking_id},
                       {"Authorization": f"Bearer {self.token}"}, self.timeout)
        return str(answer.get("id") or answer.get("message_id") or tracking_id)


@dataclass
class ZaloZns:
    """Zalo Notification Service: a pre-approved template filled with ``data``; the text is not sent
    (Zalo shows the approved wording)."""

    token: str
    template_id: str
    url: str = ZALO_DEFAULT_URL
    timeout: float = 10
    name: str = "zalo"

    def send(self, phone: str, text: str, data: dict[str, str], tracking_id: str) -> str:
        number = normalize_phone(phone)
        if number is None:
            raise ChannelRefused("not a Vietnamese mobile number")
        answer = _post(self.url, {"phone": number, "template_id": self.template_id,
                                  "template_data": {k: str(v)[:100] for k, v in data.items()},
                                  "tracking_id": tracking_id}, {"access_token": self.token}, self.timeout)
        error = answer.get("error", 0)
        if error:  # Zalo answers 200 with an error code; negative codes are about the request itself
            raise ChannelRefused(f"Zalo error {error}: {answer.get('message', '')}"[:300])
        return str((answer.get("data") or {}).get("msg_id") or tracking_id)


def configured(config) -> Channel | None:
    """The channel the environment configures, or None (nothing is sent; the pages say so)."""
    if config.get("ZALO_ZNS_TOKEN") and config.get("ZALO_ZNS_TEMPLATE_ID"):
        return ZaloZns(config["ZALO_ZNS_TOKEN"], str(config["ZALO_ZNS_TEMPLATE_ID"]),
                       config.get("ZALO_ZNS_URL") or ZALO_DEFAULT_URL)
    if config.get("SMS_GATEWAY_URL") and config.get("SMS_GATEWAY_TOKEN"):
        return HttpSmsGateway(config["SMS_GATEWAY_URL"], config["SMS_GATEWAY_TOKEN"], config.get("SMS_SENDER") or "")
    return None
