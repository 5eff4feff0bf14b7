"""The form token: every POST of a session carries the session's own token, or is refused.

A browser on another site can make a staff member's browser send a form here (the session
cookie is SameSite=Lax, which stops most of it, but not every browser or every case); it
cannot read a page here, so it cannot know the token. The check comes before the form's
fields are looked at, and an Origin header from another host is refused outright.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


def same_origin(request: Request) -> bool:
    """No Origin (older browsers, some same-site requests) passes on to the token check, and
    so does "null": what a browser sends for the pages' own forms under their no-referrer
    policy (the Fetch standard serializes the origin of such a request as "null"); it says
    nothing about where the form was, so the token decides."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


async def checked_form(request: Request, expected: str) -> FormData | None:
    """The POST's form when it carries this session's token; None when it does not."""
    if not same_origin(request):
        return None
    form = await request.form()
    given = request.headers.get(HEADER) or form.get(FIELD)
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), expected.encode()):
        await form.close()
        return None
    return form
