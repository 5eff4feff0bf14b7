"""A loopback Telegram Bot API server, as strict as Telegram, for tests, benchmarks and demos.

It runs in the caller's event loop on 127.0.0.1 (a free port) and answers the Bot API
methods this bot uses with Telegram-shaped results and Telegram's own error descriptions:
HTML parse errors, text and caption lengths, keyboard and callback_data limits, blocked and
deactivated users, "message is not modified", stale callback queries and flood control
(429 with retry_after). Simulated users (`sim.user(...)`) send messages, share contacts and
press buttons; every call, message, edit and button press is recorded for assertions.
"""

from bot.simulator.errors import ApiError
from bot.simulator.html_check import HtmlParseError, ParsedText, parse_html, utf16_len
from bot.simulator.limits import FloodControl
from bot.simulator.models import (
    ApiCall,
    Attachment,
    CallbackQueryRecord,
    ChatState,
    SentMessage,
    StoredFile,
)
from bot.simulator.server import BotApiSimulator
from bot.simulator.users import SimUser

__all__ = [
    "ApiCall",
    "ApiError",
    "Attachment",
    "BotApiSimulator",
    "CallbackQueryRecord",
    "ChatState",
    "FloodControl",
    "HtmlParseError",
    "ParsedText",
    "SentMessage",
    "SimUser",
    "StoredFile",
    "parse_html",
    "utf16_len",
]
