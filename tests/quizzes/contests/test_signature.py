"""The ranking file's signature: a detached JWS by the certificates keyring's Ed25519 key over the
file's SHA-256 and Merkle root, downloadable beside the file, checked here by PyJWT (not the module
that signed it) with the key from /.well-known/jwks.json, and by ``elearn contests verify-ranking``."""
import base64
import hashlib
import json

import jwt

from elearn import db
from quizzes.contests import results
from quizzes.contests.models import ContestRankingFile
from tests.quizzes.contests.test_proof import _closed, independent_root


def _published(client):
    contest, r, _users, _entrants = _closed()
    results.publish_results(r, contest.organiser)
    db.session.commit()
    base = f"/contests/{contest.id}/rounds/{r.id}"
    content = client.get(base + "/ranking-file.csv").data
    token = client.get(base + "/ranking-file.jws").get_data(as_text=True).strip()
    return contest, r, content, token


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_pyjwt_checks_the_signature_with_the_published_key(app, client):
    contest, r, content, token = _published(client)
    header_part, empty, sig_part = token.split(".")
    assert empty == ""  # detached: the statement is rebuilt from the file, not sent
    header = json.loads(base64.urlsafe_b64decode(header_part + "=" * (-len(header_part) % 4)))
    jwks = client.get("/.well-known/jwks.json").get_json()
    jwk = next(k for k in jwks["keys"] if k["kid"] == header["kid"])

    lines = content.decode().splitlines()[2:]
    statement = json.dumps({"contest": contest.id, "entries": len(lines), "merkle_root": independent_root(lines),
                            "round": r.id, "sha256": hashlib.sha256(content).hexdigest()},
                           sort_keys=True, separators=(",", ":")).encode()
    key = jwt.PyJWK(jwk, algorithm="EdDSA").key
    signed = jwt.api_jws.decode_complete(f"{header_part}.{_b64(statement)}.{sig_part}", key, algorithms=["EdDSA"])
    assert json.loads(signed["payload"])["merkle_root"] == db.session.get(ContestRankingFile, r.id).merkle_root

    forged = statement.replace(b'"entries":', b'"entries":1')
    try:
        jwt.api_jws.decode_complete(f"{header_part}.{_b64(forged)}.{sig_part}", key, algorithms=["EdDSA"])
    except jwt.InvalidSignatureError:
        pass
    else:
        raise AssertionError("a changed statement passed")


def test_the_results_page_offers_the_signature(app, client):
    contest, r, _content, _token = _published(client)
    page = client.get(f"/contests/{contest.id}/rounds/{r.id}/results").get_data(as_text=True)
    assert "ranking-file.jws" in page and "href=\"/.well-known/jwks.json\"" in page


def test_verify_ranking_checks_the_signature_with_a_keys_file(app, client, runner, tmp_path):
    _contest, _r, content, token = _published(client)
    (tmp_path / "ranking.csv").write_bytes(content)
    (tmp_path / "ranking.jws").write_text(token)
    (tmp_path / "jwks.json").write_text(json.dumps(client.get("/.well-known/jwks.json").get_json()))
    args = ["contests", "verify-ranking", str(tmp_path / "ranking.csv"), "--signature", str(tmp_path / "ranking.jws")]
    ok = runner.invoke(args=[*args, "--keys", str(tmp_path / "jwks.json")])
    assert ok.exit_code == 0 and "signed by the platform's key" in ok.output, ok.output
    assert runner.invoke(args=args).exit_code != 0  # no keys: refused, not skipped

    other = json.loads((tmp_path / "jwks.json").read_text())
    other["keys"][0]["x"] = _b64(bytes(32))
    (tmp_path / "other.json").write_text(json.dumps(other))
    refused = runner.invoke(args=[*args, "--keys", str(tmp_path / "other.json")])
    assert refused.exit_code != 0 and "signature refused" in refused.output

    header, _empty, sig = token.split(".")
    (tmp_path / "ranking.jws").write_text(f"{header}..{sig[:-4]}AAAA")
    assert runner.invoke(args=[*args, "--keys", str(tmp_path / "jwks.json")]).exit_code != 0
