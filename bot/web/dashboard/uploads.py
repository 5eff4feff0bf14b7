"""A file sent with a form, read within a size limit and kept in memory only.

Starlette parses a multipart form into temporary files that move to disk past 1 MB; an
uploaded list holds residents' registration numbers and names of places, and a temporary file
on disk outlives the request in the disk's free blocks. Here the body is counted as it
arrives (a request past the limit is refused before more of it is read, whatever its
Content-Length claims) and the file part stays in memory, dropped with the request.

``bounded`` wraps a page that ``staff_page`` already guards: the session and the form token
are still checked first, on the bounded request.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import Message, Receive, Scope

log = logging.getLogger(__name__)

Page = Callable[[Request], Awaitable[Response]]

# What is read and dropped of a refused body so that the browser gets the answer rather
# than a broken connection; past it the connection is simply closed.
DRAIN_LIMIT = 64 * 1024 * 1024


class TooBig(Exception):
    """The body passed the limit: refused, the rest not read."""


class Unreadable(Exception):
    """A multipart body that is not one."""


class BoundedBody:
    """The request's body, counted as it is received."""

    def __init__(self, receive: Receive, limit: int) -> None:
        self._receive = receive
        self.limit = limit
        self.seen = 0
        self.finished = False

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            self.finished = not message.get("more_body", False)
            if self.seen > self.limit:
                raise TooBig
        return message

    async def drain(self) -> None:
        """Read what is left of the body and drop it."""
        while not self.finished and self.seen <= DRAIN_LIMIT:
            message = await self._receive()
            if message["type"] != "http.request":
                return
            self.seen += len(message.get("body", b""))
            self.finished = not message.get("more_body", False)


class UploadRequest(Request):
    """A request whose multipart form is parsed in memory, within ``limit`` bytes."""

    def __init__(self, scope: Scope, body: BoundedBody) -> None:
        super().__init__(scope, body.receive)
        self.limit = body.limit

    async def _get_form(
        self,
        *,
        max_files: int | float = 1000,
        max_fields: int | float = 1000,
        max_part_size: int = 1024 * 1024,
    ) -> FormData:
        if self._form is None and self.headers.get("content-type", "").startswith(
            "multipart/form-data"
        ):
            parser = MultiPartParser(
                self.headers, self.stream(), max_files=1, max_fields=20,
                max_part_size=max_part_size,
            )  # fmt: skip
            parser.spool_max_size = self.limit + 1  # never rolls over into a file on disk
            try:
                self._form = await parser.parse()
            except MultiPartException as exc:
                raise Unreadable from exc
        return await super()._get_form(
            max_files=max_files, max_fields=max_fields, max_part_size=max_part_size
        )


def bounded(page: Page, limit: int, too_big: str, unreadable: str) -> Page:
    """``page`` with a body of at most ``limit`` bytes; past it, or when the body cannot be
    read as a form, the browser is sent on (303) to ``too_big`` / ``unreadable``, pages that
    check the session as any other and say so politely."""

    async def run(request: Request) -> Response:
        body = BoundedBody(request.receive, limit)
        declared = request.headers.get("content-length", "")
        try:
            if declared.isdigit() and int(declared) > limit:
                raise TooBig
            return await page(UploadRequest(request.scope, body))
        except TooBig:
            log.info("upload refused: over %d bytes", limit)
            await body.drain()
            return RedirectResponse(too_big, status_code=303)
        except Unreadable:
            log.info("upload refused: not a readable form")
            await body.drain()
            return RedirectResponse(unreadable, status_code=303)

    return run
