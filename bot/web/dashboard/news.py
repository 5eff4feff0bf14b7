"""What a page says after a form: the form answers with a redirect to the page, naming the
outcome in its address (?kabar=KEY, never anything personal), and the page reads it back
from its own table of keys to catalog texts."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.i18n import _


def news_from(request: Request, table: Mapping[str, str]) -> str | None:
    """The sentence for this address's ?kabar=, in the reader's language; None for none or
    a key the page does not know."""
    key = request.query_params.get("kabar", "")
    return _(table[key]) if key in table else None


def back_to(address: str, key: str) -> Response:
    """Back to ``address`` after a form, saying ``key``."""
    return RedirectResponse(f"{address}?kabar={key}", status_code=303)
