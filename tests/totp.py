"""Codes of an authenticator app (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), written here
so that the tests check allauth's TOTP against an independent implementation."""

import base64
import hashlib
import hmac
import time

# The authenticator app secret of staff accounts made by UserFactory (base32).
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    counter = int((time.time() if at is None else at) // step)
    key = base64.b32decode(secret.replace(" ", "").upper())
    digest = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)
