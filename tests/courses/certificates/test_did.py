"""did:web: the Open Badges credential's issuer is the installation's DID when it has a configured
public address, and an independent resolver (here: the document fetched as did:web says, the key
read from it with cryptography, the JWT checked by PyJWT) verifies the credential with it."""
from __future__ import annotations

import base64
from urllib.parse import unquote

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from courses.certificates import did, keys, services, verification
from tests.courses.certificates.factories import complete, make_quiz_course
from tests.factories import make_user

PUBLIC = "https://elearn.example"
pytestmark = pytest.mark.parametrize("app_config", [{"BASE_URL": PUBLIC}])
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _b58decode(text: str) -> bytes:  # written from the alphabet, not with the code under test
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def _resolve(client, identifier: str) -> dict:
    """did:web resolution: did:web:<host> is the document at https://<host>/.well-known/did.json."""
    assert identifier.startswith("did:web:") and ":" not in identifier.removeprefix("did:web:")
    host = unquote(identifier.removeprefix("did:web:"))
    response = client.get("/.well-known/did.json", base_url=f"https://{host}")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def test_the_credential_issued_by_the_did_verifies_with_the_key_of_the_did_document(app, app_config, client):
    cert = complete(make_user(), make_quiz_course())
    token = verification.credential_jwt(cert, PUBLIC)
    header, unverified = jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})
    issuer = unverified["iss"]
    assert issuer == "did:web:elearn.example" == unverified["issuer"]["id"]
    assert header["kid"].startswith(issuer + "#")

    document = _resolve(client, issuer)
    assert document["id"] == issuer and header["kid"] in document["assertionMethod"]
    method = next(m for m in document["verificationMethod"] if m["id"] == header["kid"])
    assert method["type"] == "JsonWebKey2020" and method["controller"] == issuer
    x = method["publicKeyJwk"]["x"]
    key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)))
    claims = jwt.decode(token, key, algorithms=["EdDSA"], issuer=issuer, options={"require": ["iss", "nbf"]})
    assert claims["credentialSubject"]["identifier"][0]["identityHash"] == cert.full_name

    # The Multikey twin is the same Ed25519 key (multicodec 0xed01, base58btc).
    twin = next(m for m in document["verificationMethod"] if m["id"] == header["kid"] + "-multikey")
    raw = _b58decode(twin["publicKeyMultibase"].removeprefix("z"))
    assert raw[:2] == b"\xed\x01"
    assert raw[2:] == key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    # A changed credential fails the independent check; ours says forged, not valid.
    head, body, signature = token.split(".")
    changed = jwt.utils.base64url_encode(jwt.utils.base64url_decode(body).replace(
        cert.full_name.encode(), "Người Khác".encode())).decode()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(f"{head}.{changed}.{signature}", key, algorithms=["EdDSA"], issuer=issuer)
    assert verification.check_credential(token.encode()).verdict is verification.Verdict.VALID
    assert verification.check_credential(f"{head}.{changed}.{signature}".encode()).verdict is verification.Verdict.FORGED


def test_a_rotated_key_stays_in_the_did_document(app, app_config, client):
    cert = complete(make_user(), make_quiz_course())
    before = verification.credential_jwt(cert, PUBLIC)
    keys.rotate(services.key_folder())
    document = _resolve(client, "did:web:elearn.example")
    old_kid = jwt.get_unverified_header(before)["kid"]
    assert document["verificationMethod"][0]["id"] != old_kid  # the signing key first
    method = next(m for m in document["verificationMethod"] if m["id"] == old_kid)
    x = method["publicKeyJwk"]["x"]
    key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)))
    jwt.decode(before, key, algorithms=["EdDSA"], issuer="did:web:elearn.example")


@pytest.mark.parametrize(("url", "expected"), [
    ("https://elearn.example", "did:web:elearn.example"),
    ("https://elearn.example:8443/", "did:web:elearn.example%3A8443"),
    ("https://tuyengiao.thaibinh.gov.vn/elearn", None),  # a path: no document at /.well-known
    ("http://elearn.example", None),                      # did:web is HTTPS only
    ("", None),
])
def test_the_did_of_an_address(url, expected, app_config):
    assert did.did_for(url) == expected
