"""What a feature brings to the bot. bot/app.py collects a tuple of them; nothing else.

A feature module (handlers/registration.py, handlers/broadcast.py, ...) exposes one
``FEATURE = Feature(...)``:

- its handlers, by group (almost always ``Group.MAIN`` only);
- its conversations: for each kind of "what this person is in the middle of" it began (an
  awaited reason, a draft), the function that takes the person's next message;
- its fallbacks: catch-alls added after every feature's own handlers (plain text, commands
  nobody took);
- its lifespan: one async context manager that does its start-up work before the bot takes
  updates and its shut-down work after it stopped (a sender started, jobs re-created). When a
  later feature fails to start, what the earlier ones started is undone, in reverse order;
- the staff commands it adds to the staff menu;
- its HTTP routes, served by the bot's one HTTP server (bot/web) beside /healthz.

A feature never imports bot.app: the app depends on its features, never the other way round.
A later piece (the HTTP server, a WhatsApp channel) plugs in the same way: a lifespan that
starts and stops it, and handlers if it takes Telegram updates.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from starlette.routing import BaseRoute
from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, BaseHandler, MessageHandler, filters

from bot.context import BotContext
from bot.deps import Deps
from bot.services.roles import Role
from bot.storage.conversations import Conversation, Kind

App = Application[Any, Any, Any, Any, Any, Any]
Handler = BaseHandler[Any, Any, Any]

# Start-up and shut-down of one feature: ``async with lifespan(app, deps):`` runs while the
# bot runs. The app is initialised (its bot and job queue exist) but takes no update yet.
Lifespan = Callable[[App, Deps], AbstractAsyncContextManager[None]]

# The person's next message while they are in the middle of something this feature began:
# True when it took the message (the update stops there), False to let it go on.
TakeMessage = Callable[[Update, BotContext, Conversation], Awaitable[bool]]


class Group(IntEnum):
    """PTB's handler groups: the one place they are numbered, and why each exists.

    PTB tries the groups from the lowest number up; in each group the first handler whose
    filters match runs, and a handler stops the later groups by raising
    ApplicationHandlerStop. A group of its own is needed only where an update must be looked
    at before, and maybe instead of, the features' own handlers; a feature needs none of its
    own (it declares conversations instead).
    """

    # Edited messages (handlers/edits.py): first of all, since an edit must run nothing,
    # not even as a reason or a draft, and must not count as the person being back.
    EDITED = -10
    # The user's language, their applicant row and their conversation (what they are in the
    # middle of), read in one statement (load_locale in handlers/common.py); never stops.
    CONTEXT = -2
    # The one dispatcher on that conversation: when the person's message is what a feature
    # awaits (a reason for not coming, a draft's text), that feature's TakeMessage takes it
    # and the update stops here, before the residents' catch-all would read it as an
    # interview answer. Filters are synchronous, so "is this awaited?" cannot be a filter.
    CONVERSATION = -1
    # Every command and button of every feature, then the features' fallbacks.
    MAIN = 0


@dataclass(frozen=True)
class StaffCommand:
    """One entry of the staff menu. The handler guards itself (@staff_only, @admin_only);
    this only makes the command visible to the staff who may use it."""

    name: str  # without the slash, 1-32 characters of a-z, 0-9 and _
    description: str  # catalog key
    role: Role = Role.STAFF  # the lowest role that may use it


@dataclass(frozen=True)
class Feature:
    """Everything the app needs to know about one feature."""

    name: str
    handlers: Mapping[Group, Sequence[Handler]] = field(default_factory=dict)
    conversations: Mapping[Kind, TakeMessage] = field(default_factory=dict)
    fallbacks: Sequence[Handler] = ()
    lifespan: Lifespan | None = None
    staff_commands: Sequence[StaffCommand] = ()
    routes: Sequence[BaseRoute] = ()


def conversation_handler(features: Sequence[Feature]) -> Handler:
    """The one handler for Group.CONVERSATION: the person's conversation, read with their
    applicant row for this update, says which feature's TakeMessage gets the message."""
    takers: dict[Kind, TakeMessage] = {}
    for feature in features:
        for kind, take in feature.conversations.items():
            if kind in takers:
                raise ValueError(f"two features take {kind} messages ({feature.name})")
            takers[kind] = take

    async def dispatch(update: Update, context: BotContext) -> None:
        conversation = context.person.conversation if context.person is not None else None
        if conversation is None or conversation.kind not in takers:
            return  # in the middle of nothing but, maybe, the interview: MAIN's handlers
        if await takers[conversation.kind](update, context, conversation):
            raise ApplicationHandlerStop

    # A command in a caption is a command too (a CSV captioned /jadwalkan), not a draft's
    # content: filters.COMMAND looks at a text's entities only.
    caption_command = filters.CaptionRegex(r"^/[A-Za-z0-9_]+(@\w+)?(\s|$)")
    private_messages = (
        filters.ChatType.PRIVATE & ~filters.COMMAND & ~caption_command & ~filters.StatusUpdate.ALL
    )
    return MessageHandler(private_messages, dispatch)
