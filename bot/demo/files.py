"""Where the demo puts the files the bot sends: the names a phone would give them.

Telegram keeps a document's own name ("pendaftar.csv") and none for a photo, which a phone
saves as "photo_2026-12-02_08-48-00.jpg". A file sent from bytes without a name reaches
the simulator as PTB's placeholder "application.octet-stream"; it is named like a photo,
with the extension its content shows.
"""

from __future__ import annotations

import mimetypes
from datetime import datetime
from pathlib import Path, PurePath

# What python-telegram-bot calls an upload it was given no name for.
_PLACEHOLDER = "application.octet-stream"
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"GIF8", ".gif"),
    (b"%PDF", ".pdf"),
)


def file_name(
    kind: str, filename: str | None, mime_type: str | None, data: bytes, when: datetime
) -> str:
    """The name to save a received file under (`kind` is "photo" or "document")."""
    own = PurePath(filename or "").name
    if kind == "document" and own and own != _PLACEHOLDER and PurePath(own).suffix:
        return own
    return f"{kind}_{when:%Y-%m-%d_%H-%M-%S}{extension(mime_type, data)}"


def extension(mime_type: str | None, data: bytes) -> str:
    for signature, suffix in _SIGNATURES:
        if data.startswith(signature):
            return suffix
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    guessed = mimetypes.guess_extension(mime_type or "") if mime_type else None
    if guessed and mime_type != "application/octet-stream":
        return guessed
    return ".bin"


def free_path(wanted: Path) -> Path:
    """`wanted`, or "name_2.ext", "name_3.ext", ... when a file of that name is there."""
    candidate, n = wanted, 1
    while candidate.exists():
        n += 1
        candidate = wanted.with_name(f"{wanted.stem}_{n}{wanted.suffix}")
    return candidate
