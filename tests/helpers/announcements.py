"""The Pengumuman page as a staff member's browser uses it: the form, its buttons, the audit."""

from __future__ import annotations

import json
from typing import Any

import httpx

from bot.storage.db import Database
from tests.helpers.dashboard import csrf_token

PATH = "/dasbor/pengumuman"


async def token(client: httpx.AsyncClient) -> str:
    return csrf_token((await client.get(PATH + "/baru")).text)


async def compose(
    client: httpx.AsyncClient,
    text: str,
    *,
    files: dict[str, tuple[str, bytes, str]] | None = None,
    **fields: str,
) -> httpx.Response:
    """The form sent with "Lihat pratinjau" (send now unless kapan=nanti is given)."""
    data = {"csrf_token": await token(client), "teks": text, "kapan": "sekarang",
            "aksi": "pratinjau", **fields}  # fmt: skip
    return await client.post(PATH + "/baru", data=data, files=files)


async def press(client: httpx.AsyncClient, broadcast_id: int, action: str) -> httpx.Response:
    """A button of the announcement's page (kirim, jadwalkan, hentikan, lanjutkan, buang)."""
    data = {"csrf_token": await token(client)}
    return await client.post(f"{PATH}/{broadcast_id}/{action}", data=data)


def draft_id(response: httpx.Response) -> int:
    """The announcement a "Lihat pratinjau" led to."""
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(PATH + "/"), location
    return int(location.rsplit("/", 1)[1])


async def audit_rows(db: Database, action: str = "broadcast") -> list[tuple[int, str, Any]]:
    rows = await db.fetchall(
        "SELECT actor_id, target, detail FROM audit_log WHERE action = ? ORDER BY id", (action,)
    )
    return [(int(r[0]), str(r[1]), json.loads(r[2]) if r[2] else None) for r in rows]
