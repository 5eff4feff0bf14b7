"""bot/http.py against a real HTTP server on 127.0.0.1: what reaches the server, and which
PTB error each transport failure becomes (the rest of the bot acts on PTB's errors only)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.channels.telegram.errors import classify
from bot.http import AiohttpRequest
from bot.services.delivery import Outcome


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A server that records each request and answers like the Bot API; /slow never does."""
    seen: list[dict[str, Any]] = []
    done = asyncio.Event()

    async def handle(request: web.Request) -> web.Response:
        if request.path.endswith("/slow"):
            await done.wait()
        agent = request.headers.get("User-Agent", "")
        record: dict[str, Any] = {"type": request.content_type, "agent": agent}
        if request.content_type == "application/json":
            record["json"] = await request.json()
        else:
            form = await request.post()
            record["form"] = {
                k: (v.filename, v.content_type, v.file.read()) if hasattr(v, "file") else v
                for k, v in form.items()
            }
        seen.append(record)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/{method}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        done.set()
        await runner.cleanup()


def _data(**params: Any) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in params.items()])


async def test_parameters_go_as_one_json_body_with_text_intact(server: Any) -> None:
    url, seen = server
    async with AiohttpRequest() as request:
        text = "Selamat datang — Kota Serang ✓"
        result = await request.post(f"{url}/sendMessage", _data(chat_id=5, text=text))
    assert result is True
    assert seen[0]["type"] == "application/json"
    assert seen[0]["json"] == {"chat_id": "5", "text": text}  # PTB sends every value as text
    assert "python-telegram-bot" in seen[0]["agent"]


async def test_a_file_goes_as_multipart_with_its_name_and_type(server: Any) -> None:
    url, seen = server
    document = InputFile(b"no;nama\n1;Siti\n", filename="pendaftar.csv")
    async with AiohttpRequest() as request:
        await request.post(f"{url}/sendDocument",
                           _data(chat_id=7, caption="Ekspor", document=document))  # fmt: skip
    form = seen[0]["form"]
    assert seen[0]["type"] == "multipart/form-data"
    assert form["chat_id"] == "7" and form["caption"] == "Ekspor"
    filename, content_type, content = form["document"]
    assert filename == "pendaftar.csv"
    assert content_type == "text/csv"
    assert content == b"no;nama\n1;Siti\n"


async def test_no_answer_in_time_is_timed_out_and_retried_by_a_broadcast(server: Any) -> None:
    url, _seen = server
    async with AiohttpRequest(read_timeout=0.2, write_timeout=0.0) as request:
        with pytest.raises(TimedOut) as caught:
            await request.post(f"{url}/slow", _data(chat_id=1, text="x"))
    assert classify(caught.value).outcome is Outcome.RETRY


async def test_nobody_listening_is_a_network_error_not_an_aiohttp_one() -> None:
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"http://127.0.0.1:{port}/getMe", None)
    assert not isinstance(caught.value, TimedOut)
    assert "aiohttp." in str(caught.value)
    assert classify(caught.value).outcome is Outcome.RETRY


async def test_a_closed_client_says_so() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/getMe", "POST")
    await request.initialize()
    await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/getMe", "POST")
