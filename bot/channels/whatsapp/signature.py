"""X-Hub-Signature-256: Meta signs each webhook delivery with the app secret.

The header is "sha256=" and the hex HMAC-SHA256 of the raw body, exactly as sent: it is
checked on those bytes before any JSON parsing, and compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Hub-Signature-256"


def sign(body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def is_signed(body: bytes, header: str, app_secret: str) -> bool:
    return hmac.compare_digest(header.encode(), sign(body, app_secret).encode())
