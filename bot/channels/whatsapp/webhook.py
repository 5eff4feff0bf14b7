"""/webhooks/whatsapp: Meta's verification and its deliveries, on the bot's HTTP server.

GET is Meta's subscription check: the challenge is echoed only for hub.mode=subscribe and
the right WHATSAPP_VERIFY_TOKEN (compared in constant time); anything else is 403.

POST is a delivery. Who is asking is checked before anything is read from it: the body's
raw bytes must carry Meta's X-Hub-Signature-256 (HMAC-SHA256 with WHATSAPP_APP_SECRET),
else 403 and the body is never parsed. A signed notification is answered 200 as soon as it
is queued and handled after (channel.py); while the bot starts or stops the answer is 503,
and Meta delivers it again later. With WhatsApp off the path does not exist (404).
"""

from __future__ import annotations

import hmac
import json
import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.whatsapp.channel import WhatsAppChannel
from bot.channels.whatsapp.signature import HEADER, is_signed
from bot.deps import Deps

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/whatsapp"
# Meta's notifications are small (a batch is a few kB); anything much larger is not one.
MAX_BODY = 3_000_000


def routes() -> list[BaseRoute]:
    return [
        Route(WEBHOOK_PATH, verify, methods=["GET"]),
        Route(WEBHOOK_PATH, receive, methods=["POST"]),
    ]


def _channel(request: Request) -> WhatsAppChannel | None:
    d = getattr(request.app.state, "deps", None)
    return d.whatsapp if isinstance(d, Deps) else None


async def verify(request: Request) -> Response:
    channel = _channel(request)
    secret = channel.d.settings.whatsapp_verify_token if channel is not None else None
    if channel is None or secret is None:
        return PlainTextResponse("Not Found", status_code=404)
    query = request.query_params
    given = query.get("hub.verify_token", "")
    challenge = query.get("hub.challenge", "")
    right = hmac.compare_digest(given.encode(), secret.encode())
    if query.get("hub.mode") != "subscribe" or not right or not challenge:
        log.warning("WhatsApp webhook verification refused")
        return PlainTextResponse("Forbidden", status_code=403)
    log.info("WhatsApp webhook verified by Meta")
    return PlainTextResponse(challenge)


async def receive(request: Request) -> Response:
    channel = _channel(request)
    secret = channel.d.settings.whatsapp_app_secret if channel is not None else None
    if channel is None or secret is None:
        return PlainTextResponse("Not Found", status_code=404)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return PlainTextResponse("Too large", status_code=413)
    if not is_signed(body, request.headers.get(HEADER, ""), secret):
        channel.counts["forged"] += 1
        log.warning("WhatsApp webhook delivery without a valid signature refused")
        return PlainTextResponse("Forbidden", status_code=403)
    if not channel.accepting:
        return PlainTextResponse("Stopping, try again", status_code=503)
    try:
        notification = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return PlainTextResponse("Not a notification", status_code=400)
    channel.take(notification)
    return Response(status_code=200)
