"""Serve an ASGI application with uvicorn inside the bot's event loop, as one start-up step.

The socket is bound here, before uvicorn starts, so that a port already in use is an
ordinary OSError at start-up (uvicorn itself would call sys.exit inside a task), and so
that port 0 (tests) can be read back. uvicorn's own signal handling is switched off: the
bot's runner owns SIGTERM and SIGINT and stops the server as one of its steps.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._exit = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the bot's runner handles signals; uvicorn must not take them

    def request_exit(self) -> None:
        self.should_exit = True
        self._exit.set()

    async def main_loop(self) -> None:
        """uvicorn's loop (a tick every 0.1 s: the Date header, should_exit), except that a
        stop is seen at once instead of at the next tick."""
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._exit.wait(), 0.1)
            should_exit = await self.on_tick(counter)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's shutdown, less its fixed 0.1 s for open connections to finish when none
        is open (a bot nobody was calling: every stop in the tests)."""
        if self.server_state.connections or self.server_state.tasks:
            await super().shutdown(sockets)
            return
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for server in self.servers:
            await server.wait_closed()
        await self.lifespan.shutdown()


@dataclass(frozen=True)
class Listening:
    host: str
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


@asynccontextmanager
async def serving(app: ASGIApp, host: str, port: int) -> AsyncIterator[Listening]:
    """Run ``app`` on host:port until the block ends; then finish open requests and stop."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(
            f"HTTP_HOST/HTTP_PORT: cannot listen on {host}:{port}: {exc.strerror}"
        ) from exc
    sock.listen(128)
    sock.setblocking(False)
    config = uvicorn.Config(
        app,
        log_config=None,  # the bot's logging set-up (no personal data) stays in charge
        access_log=False,  # request lines would be noise, and URLs can carry tokens
        lifespan="off",
        timeout_graceful_shutdown=5,
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name="http-server")
    try:
        while not server.started:
            if task.done():  # failed before it started: its error is the start-up error
                task.result()
                raise RuntimeError("the HTTP server stopped before it started")
            await asyncio.sleep(0.01)
        listening = Listening(host, int(sock.getsockname()[1]))
        log.info("HTTP server on %s", listening.base_url)
        yield listening
    finally:
        server.request_exit()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        sock.close()
