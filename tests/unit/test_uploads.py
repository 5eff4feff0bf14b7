"""An uploaded list stays in memory and within its limit (bot/web/dashboard/uploads.py), with
Starlette's own multipart parser: its default would move a file past 1 MB to a temporary file
on disk."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import Message, Scope

from bot.web.dashboard.uploads import BoundedBody, TooBig, UploadRequest

BOUNDARY = "batas"
FILE = (
    b"reg_no;kind;date;time;place\n" + b"SRG-2026-00001;wawancara;07/12/2026;09:00;BBPVP\n" * 50_000
)


def body(data: bytes) -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\ntoken\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="berkas"; filename="j.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def scope() -> Scope:
    content_type = f"multipart/form-data; boundary={BOUNDARY}".encode()
    return {"type": "http", "method": "POST", "path": "/", "headers": [
        (b"content-type", content_type)]}  # fmt: skip


def receiver(data: bytes, chunk: int = 65_536) -> Callable[[], object]:
    parts = [data[i : i + chunk] for i in range(0, len(data), chunk)]

    async def receive() -> Message:
        piece = parts.pop(0)
        return {"type": "http.request", "body": piece, "more_body": bool(parts)}

    return receive


async def test_a_file_past_one_megabyte_stays_in_memory() -> None:
    assert len(FILE) > 2_000_000
    data = body(FILE)
    plain = await Request(scope(), receiver(data)).form()
    default = plain["berkas"]
    assert isinstance(default, UploadFile)
    assert default.file._rolled  # type: ignore[attr-defined]  # Starlette alone: on disk
    await plain.close()

    request = UploadRequest(scope(), BoundedBody(receiver(data), 3_100_000))
    form = await request.form()
    upload = form["berkas"]
    assert isinstance(upload, UploadFile)
    assert not upload.file._rolled  # type: ignore[attr-defined]
    assert await upload.read() == FILE
    assert form["csrf_token"] == "token"
    await form.close()


async def test_a_body_past_the_limit_is_refused_as_it_arrives() -> None:
    received = BoundedBody(receiver(body(FILE)), 1_000_000)
    with pytest.raises(TooBig):
        await UploadRequest(scope(), received).form()
    assert received.seen <= 1_000_000 + 65_536  # stopped at the chunk that passed the limit
    assert not received.finished
    await received.drain()
    assert received.finished
