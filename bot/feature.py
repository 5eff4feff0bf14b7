"""What a feature brings to the bot. bot/app.py collects a tuple of them; nothing else.

A feature module (handlers/registration.py, handlers/broadcast.py, ...) exposes one
``FEATURE = Feature(...)``:

- its handlers, by group (almost always ``Group.MAIN`` only);
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

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from starlette.routing import BaseRoute
from telegram.ext import Application, BaseHandler

from bot.deps import Deps
from bot.services.roles import Role

App = Application[Any, Any, Any, Any, Any, Any]
Handler = BaseHandler[Any, Any, Any]

# Start-up and shut-down of one feature: ``async with lifespan(app, deps):`` runs while the
# bot runs. The app is initialised (its bot and job queue exist) but takes no update yet.
Lifespan = Callable[[App, Deps], AbstractAsyncContextManager[None]]


class Group(IntEnum):
    """PTB's handler groups: the one place they are numbered, and why each exists.

    PTB tries the groups from the lowest number up; in each group the first handler whose
    filters match runs, and a handler stops the later groups by raising
    ApplicationHandlerStop. A group of its own is needed only where an update must be looked
    at before, and maybe instead of, the features' own handlers. Filters are synchronous, so
    "is this person's next text an answer we expect?" (a question SQLite answers) cannot be
    a filter: such handlers look and stop the update only when they took it.
    """

    # Edited messages (handlers/edits.py): first of all, since an edit must run nothing,
    # not even as a reason or a draft, and must not count as the person being back.
    EDITED = -10
    # A resident's typed reason after "Tidak bisa hadir" (handlers/schedule.py). Before the
    # drafts: within one group only the first matching handler runs.
    ABSENCE_REASON = -3
    # A staff member's announcement draft waiting for a message (handlers/broadcast.py),
    # before the residents' catch-all text handler would take it as an interview answer.
    BROADCAST_DRAFT = -2
    # The user's language for this update and their applicant row, read once (load_locale
    # in handlers/common.py); never stops the update.
    CONTEXT = -1
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
    fallbacks: Sequence[Handler] = ()
    lifespan: Lifespan | None = None
    staff_commands: Sequence[StaffCommand] = ()
    routes: Sequence[BaseRoute] = ()
