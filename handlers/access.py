"""Staff-only handlers: to anyone else a staff command looks like any unknown command."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import Update

from bot.services.roles import Role, role_of
from handlers.common import Context, deps

# Coroutine, not Awaitable: PTB's handler classes are typed to take coroutine functions.
Callback = Callable[[Update, Context], Coroutine[Any, Any, None]]


def requires(role: Role) -> Callable[[Callback], Callback]:
    """Wrap a handler so that users below ``role`` get the unknown-command answer."""

    def wrap(callback: Callback) -> Callback:
        @wraps(callback)
        async def guarded(update: Update, context: Context) -> None:
            user = update.effective_user
            if user is None or await role_of(deps(context), user.id) < role:
                from handlers.account import unknown_command

                if update.callback_query is not None:
                    await update.callback_query.answer()
                await unknown_command(update, context)
                return
            await callback(update, context)

        return guarded

    return wrap


staff_only = requires(Role.STAFF)
admin_only = requires(Role.ADMIN)
