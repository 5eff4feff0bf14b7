"""The bot's HTTP client for the Bot API: PTB's BaseRequest over aiohttp.

PTB's default HTTPXRequest spends most of the bot's time per update in httpx's pure-Python
HTTP machinery (benchmark 1, profiled with py-spy: the bot's own code was 10-15 % of it).
aiohttp parses HTTP in C and is already a dependency (the Bot API simulator is built on it),
so the same calls cost the bot much less CPU, and a crowd of residents is served faster.

Parameters go as one JSON body (the Bot API reads JSON), files as multipart/form-data.
Errors are PTB's: a timeout is TimedOut, any other transport failure NetworkError, so the
rest of the bot (bot/channels/telegram/errors.py, the rate limiter) sees what it saw with httpx.

While Telegram cannot be reached, every call fails, and PTB's polling loop logged a full
traceback for each (833 lines in 40 s, issue 10). ``Reachability``, shared by the bot's two
clients, logs one line when calls begin to fail (no answer, or a 5xx) and one when an answer
comes again, with how long it lasted; the polling loop's own report is then left quiet
(bot/runner.py).
"""

from __future__ import annotations

import functools
import logging
import ssl
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import certifi  # the CA bundle httpx used (it comes with PTB): not only the system's
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_JSON = {"Content-Type": "application/json"}

log = logging.getLogger(__name__)

# Told of every call: (Bot API method, HTTP status or None for a transport failure).
CallObserver = Callable[[str, int | None], None]


class Reachability:
    """Whether Telegram answers: one log line when an outage begins, one when it ends."""

    def __init__(self) -> None:
        self.down_since: float | None = None
        self.failures = 0  # calls failed in the current (or last) outage
        self.outages = 0

    def failed(self, why: str) -> None:
        if self.down_since is None:
            self.down_since = time.monotonic()
            self.failures = 0
            self.outages += 1
            log.warning("Telegram cannot be reached (%s); retrying quietly until it answers", why)
        self.failures += 1

    def answered(self) -> None:
        if self.down_since is not None:
            lasted = time.monotonic() - self.down_since
            self.down_since = None
            log.warning("Telegram answers again after %.0f s (%d calls failed meanwhile)",
                        lasted, self.failures)  # fmt: skip


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One per process: reading the CA bundle takes about 30 ms of CPU, and a context is
    meant to be shared (both of the bot's clients, every restart in the tests)."""
    return ssl.create_default_context(cafile=certifi.where())


class AiohttpRequest(BaseRequest):
    """One aiohttp session with up to ``connection_pool_size`` connections."""

    def __init__(
        self,
        connection_pool_size: int = 8,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        reachability: Reachability | None = None,
        observer: CallObserver | None = None,
    ) -> None:
        self._observer = observer
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self.reachability = reachability or Reachability()

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, ssl=_ssl_context())
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                trust_env=False,  # a proxy set in the environment must not catch loopback
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _timeout(
        self, read: Any, write: Any, connect: Any, pool: Any, *, files: bool
    ) -> aiohttp.ClientTimeout:
        def given(value: Any, default: float | None) -> float | None:
            return default if value is BaseRequest.DEFAULT_NONE else value

        read = given(read, self._read_timeout)
        write = given(write, self._media_write_timeout if files else self._write_timeout)
        connect = given(connect, self._connect_timeout)
        pool = given(pool, self._pool_timeout)
        # aiohttp has no write or pool timeout of its own: waiting for a pooled connection
        # counts as connecting, and sending the body is bounded together with reading.
        return aiohttp.ClientTimeout(
            connect=None if connect is None or pool is None else connect + pool,
            sock_read=None if read is None or write is None else read + write,
        )

    def _observe(self, url: str, status: int | None) -> None:
        if self._observer is not None:
            self._observer(_method(url), status)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = bool(request_data and request_data.contains_files)
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, pool_timeout,
                                files=files)  # fmt: skip
        body: Any = None
        headers: dict[str, str] | None = None
        if request_data is not None:
            if files:
                body = _form(request_data)
            else:
                body = request_data.json_payload
                headers = _JSON
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                status, payload = response.status, await response.read()
        except TimeoutError as err:
            self.reachability.failed("no answer in time")
            self._observe(url, None)
            raise TimedOut from err
        except aiohttp.ClientError as err:
            self.reachability.failed(f"aiohttp.{err.__class__.__name__}")
            self._observe(url, None)
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err
        self._observe(url, status)
        if status >= 500:
            self.reachability.failed(f"HTTP {status}")
        else:
            self.reachability.answered()
        return status, payload


def _method(url: str) -> str:
    return url.rpartition("/")[2]  # the Bot API method is the URL's last part


def _form(request_data: RequestData) -> aiohttp.FormData:
    """Multipart: the parameters as fields, each file as a part with its name and type."""
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, part in (request_data.multipart_data or {}).items():
        filename, content, *rest = part
        form.add_field(name, content, filename=filename,
                       content_type=rest[0] if rest else None)  # fmt: skip
    return form
