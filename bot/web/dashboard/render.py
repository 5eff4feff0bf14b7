"""The templates: Jinja2, autoescaped, texts from the catalogs in the reader's language."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from bot.i18n import _, format_number, get_locale, ngettext

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,  # a missing value is an error in the tests, not a blank
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Looked up at render time: the locale is the request's (bot.i18n's context variable).
    env.globals.update(_=_, ngettext=ngettext, number=format_number, locale=get_locale)
    return env


def render(template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    html = environment().get_template(template).render(**values)
    return HTMLResponse(html, status_code=status_code)
