"""Terminal input for the demo: lines from a text stream, read without blocking the loop."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from typing import TextIO


async def lines_from(stream: TextIO) -> AsyncIterator[str]:
    """Each line of `stream` (without its newline); ends at end of input.

    A daemon thread does the blocking readline: a thread from the default executor would
    keep the process alive after Ctrl-C until Enter was pressed."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:
        try:
            while True:
                line = stream.readline()
                if not line:
                    break
                loop.call_soon_threadsafe(queue.put_nowait, line.rstrip("\r\n"))
        except (OSError, ValueError, RuntimeError):  # stream or loop closed under us
            pass
        with contextlib.suppress(RuntimeError):  # the loop closed first: nobody is reading
            loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=read, name="demo-stdin", daemon=True).start()
    while True:
        line = await queue.get()
        if line is None:
            return
        yield line
