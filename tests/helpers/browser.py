"""A staff member's real browser: Debian's headless Chromium driven by Playwright against the
bot's own HTTP server. Used by the browser tests (tests/browser) and the screenshots
(scripts/screenshots.py).

Playwright drives the distribution's /usr/bin/chromium (`executable_path`), never a browser
of its own: `playwright install` downloads one, which neither CI nor an office machine
without internet can do. Without chromium the browser tests skip and say why.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

from playwright.async_api import Browser, Playwright, ViewportSize

# Debian's `chromium` package; `chromium-browser` where a distribution names it so.
CHROMIUM_NAMES = ("chromium", "chromium-browser")
LAPTOP: ViewportSize = {"width": 1366, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


def chromium_path() -> Path | None:
    """The chromium executable on PATH, or None."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


async def launch(playwright: Playwright, executable: Path) -> Browser:
    # No sandbox: CI runs as root, where Chromium refuses its sandbox; the pages come from
    # the bot's own server on 127.0.0.1 only.
    return await playwright.chromium.launch(
        executable_path=executable, headless=True, chromium_sandbox=False
    )


def free_port(host: str = "127.0.0.1") -> int:
    """A port free at this moment: the bot's server is told it before it starts, so that
    WEB_BASE_URL (the address in the /dasbor link) is the server's own."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
