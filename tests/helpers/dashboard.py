"""A staff member's browser, as far as the HTTP tests need one: httpx against the bot's real
server, logged in through the link the bot sent them in the simulator."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import httpx

from bot.runner import BotRunner
from bot.simulator import SimUser
from tests.e2e.residents import say

LINK = re.compile(r"https?://[^\s]+/dasbor/masuk/[A-Za-z0-9_-]+")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# Every address a page points to: links, forms, styles, scripts, images.
ADDRESSES = re.compile(r'\b(?:href|action|src)="([^"]*)"')


def browser(bot: BotRunner) -> httpx.AsyncClient:
    assert bot.http is not None
    return httpx.AsyncClient(base_url=bot.http.base_url, trust_env=False, timeout=15)


async def link_from_bot(staff: SimUser) -> str:
    """The full login link of the bot's answer to /dasbor."""
    reply = await say(staff, "/dasbor")
    found = LINK.search(reply.text)
    assert found is not None, reply.text
    return found.group(0)


def path_of(url: str) -> str:
    return urlsplit(url).path


@asynccontextmanager
async def logged_in(bot: BotRunner, staff: SimUser) -> AsyncIterator[httpx.AsyncClient]:
    """A browser holding a session of this staff member."""
    link = await link_from_bot(staff)
    async with browser(bot) as client:
        response = await client.get(path_of(link))
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/dasbor"
        yield client


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, html
    return found.group(1)
