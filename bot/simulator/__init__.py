"""A loopback Telegram Bot API server, as strict as Telegram, for tests, benchmarks and demos.

It runs in the caller's event loop on 127.0.0.1 (a free port) and answers the Bot API
methods this bot uses with Telegram-shaped results and Telegram's own error descriptions:
HTML parse errors, text and caption lengths, keyboard and callback_data limits, blocked and
deactivated users, "message is not modified", stale callback queries and flood control
(429 with retry_after). Simulated users (`sim.user(...)`) send messages, share contacts and
press buttons; every call, message, edit and button press is recorded for assertions.

    sim = BotApiSimulator(bot_username="serang_pmi_bot", flood_limit=False)
    await sim.start()                  # then Application.builder().base_url(sim.base_url)
    user = sim.user(1001, "Siti", "id")
    await user.send("/start kel_cipocok")
    reply = await user.next_message()  # a SentMessage: text, html, buttons, edits, ...
    await user.tap("Setuju")
    await sim.stop()

Choices worth knowing (each one is in the tests):
- Flood control is on by default: 30 sends+edits per sliding second overall, and per
  private chat a bucket of 10 refilled at 1/s (groups: 20 per minute). A scripted user who
  answers instantly can hit the per-chat bucket; turn it off with `sim.chat_flood_limit`
  or everything with `sim.flood_limit = False`.
- Only parse_mode HTML (or none) is accepted; this bot sends HTML only.
- Editing without reply_markup removes the inline keyboard, as on Telegram; results echo
  inline keyboards only (Telegram's Message.reply_markup is inline-only).
- answerCallbackQuery later than 15 s (`sim.callback_answer_timeout`) is "query is too old".
- A SentMessage is a value: edits and deletes replace it in `sim.chat(id).messages`, so a
  message returned by `next_message()` shows the chat as it was at that event.
- Groups: `sim.group(id, title, forum=True)` declares a supergroup (the bot an admin, so it
  gets every message there); members `group.add(user)` write with
  `user.send(text, chat_id=id, thread_id=topic)`. Forum topics (createForumTopic, close,
  reopen, delete, message_thread_id on sends, copyMessage) answer with the Bot API's own
  errors; `group.next_message(thread_id=...)`, `group.topics` and `group.delete_topic(...)`
  read the group and act in it as a human admin would.
"""

from bot.simulator.errors import ApiError
from bot.simulator.forum import ICON_COLORS, ForumTopic
from bot.simulator.groups import SimGroup
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
    "ICON_COLORS",
    "ApiCall",
    "ApiError",
    "Attachment",
    "BotApiSimulator",
    "CallbackQueryRecord",
    "ChatState",
    "FloodControl",
    "ForumTopic",
    "HtmlParseError",
    "ParsedText",
    "SentMessage",
    "SimGroup",
    "SimUser",
    "StoredFile",
    "parse_html",
    "utf16_len",
]
