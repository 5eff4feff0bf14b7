"""The bulk form and its preview, as a browser sends and reads them (tests/e2e/
test_dashboard_bulk.py)."""

from __future__ import annotations

import html
import re

import httpx

from bot.runner import BotRunner
from bot.services.bulk import Jobs

APPLY_FORM = re.compile(r'<form method="post" action="([^"]+)" class="apply">(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
JOB = re.compile(r"^/dasbor/pendaftar/massal/([A-Za-z0-9_-]+)$")


def apply_form(page: str) -> tuple[str, list[tuple[str, str]]]:
    """The preview's "Kirim / Terapkan" form: its address and every hidden field."""
    found = APPLY_FORM.search(page)
    assert found is not None, page
    fields = [(name, html.unescape(value)) for name, value in HIDDEN.findall(found.group(2))]
    return html.unescape(found.group(1)), fields


def as_form(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Fields as httpx sends them, a name repeated for each of its values."""
    form: dict[str, list[str]] = {}
    for name, value in fields:
        form.setdefault(name, []).append(value)
    return form


def jobs_of(bot: BotRunner) -> Jobs:
    assert bot.deps is not None and bot.deps.bulk is not None
    return bot.deps.bulk


async def applied(bot: BotRunner, client: httpx.AsyncClient, page: str) -> str:
    """Press "Kirim / Terapkan" on a preview; wait for the job; its result page."""
    action, fields = apply_form(page)
    response = await client.post(action, data=as_form(fields))
    assert response.status_code == 303, response.text
    found = JOB.match(response.headers["location"])
    assert found is not None, response.headers["location"]
    await jobs_of(bot).wait(found.group(1))
    result = await client.get(response.headers["location"])
    assert result.status_code == 200
    return result.text
