"""The staff command menus: which commands staff and admins see, in their language.

Residents keep the default menu set in bot/app.py. Staff and admins get a menu of their own
(BotCommandScopeChat), set at start-up and whenever a role is granted or removed; a resident
never sees a staff command anywhere.

Other features add their staff commands here, in one place: append a StaffCommand to
STAFF_COMMANDS (or call add_staff_command) with a catalog key for its description.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.config import SUPPORTED_LOCALES
from bot.deps import Deps
from bot.i18n import N_, catalog
from bot.services.roles import Role, role_of
from bot.storage import applicants as applicants_repo
from bot.storage import staff as staff_repo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StaffCommand:
    name: str  # without the slash, 1-32 characters of a-z, 0-9 and _
    description: str  # catalog key
    role: Role = Role.STAFF  # the lowest role that may use it


# Menu order. The broadcast and schedule commands belong to other features; their handlers
# guard themselves with @staff_only, this list only makes them visible to staff.
STAFF_COMMANDS: list[StaffCommand] = [
    StaffCommand("cari", N_("staffcmd.cari")),
    StaffCommand("tahap", N_("staffcmd.tahap")),
    StaffCommand("catatan", N_("staffcmd.catatan")),
    StaffCommand("statistik", N_("staffcmd.statistik")),
    StaffCommand("umumkan", N_("staffcmd.umumkan")),
    StaffCommand("jadwalkan", N_("staffcmd.jadwalkan")),
    StaffCommand("agenda", N_("staffcmd.agenda")),
    StaffCommand("jadwal", N_("staffcmd.jadwal")),
    StaffCommand("staf", N_("staffcmd.staf")),
    StaffCommand("ekspor", N_("staffcmd.ekspor"), Role.ADMIN),
    StaffCommand("audit", N_("staffcmd.audit"), Role.ADMIN),
]


def add_staff_command(name: str, description: str, role: Role = Role.STAFF) -> None:
    """Add (or replace) one staff command in the menu."""
    for index, command in enumerate(STAFF_COMMANDS):
        if command.name == name:
            STAFF_COMMANDS[index] = StaffCommand(name, description, role)
            return
    STAFF_COMMANDS.append(StaffCommand(name, description, role))


def staff_menu(role: Role, locale: str) -> list[BotCommand]:
    """The staff commands this role may use, then the resident commands (a chat-scoped menu
    replaces the default one, and staff still need /bahasa or /bantuan)."""
    from bot.app import resident_commands  # bot.app imports the handlers that import this

    cat = catalog(locale)
    commands = [
        BotCommand(c.name, cat.gettext(c.description)) for c in STAFF_COMMANDS if role >= c.role
    ]
    taken = {c.command for c in commands}
    commands += [c for c in resident_commands(locale) if c.command not in taken]
    return commands[:100]  # Telegram's limit per menu


async def apply_menu(bot: Bot, d: Deps, user_id: int) -> bool:
    """Set the menu that fits the person's role now; False when Telegram refused it."""
    role = await role_of(d, user_id)
    if role is Role.RESIDENT:
        return await clear_menu(bot, d, user_id)
    # The language the bot speaks to them: their /bahasa choice if they have one; otherwise
    # it follows their phone, as for first contact (locale_from_telegram).
    stored = await applicants_repo.stored_locale(d.db, user_id)
    scope = BotCommandScopeChat(user_id)
    try:
        for language in SUPPORTED_LOCALES:
            await bot.set_my_commands(
                staff_menu(role, stored or language), scope=scope, language_code=language
            )
        await bot.set_my_commands(
            staff_menu(role, stored or d.settings.default_locale), scope=scope
        )
    except TelegramError as exc:  # e.g. they never opened the bot: not a reason to fail
        log.warning("could not set the staff menu for user %s: %s", user_id, exc)
        return False
    await staff_repo.set_menu_holder(d.db, user_id, holds=True)
    return True


async def clear_menu(bot: Bot, d: Deps, user_id: int) -> bool:
    """Back to the resident menu: remove every chat-scoped menu of this person."""
    scope = BotCommandScopeChat(user_id)
    try:
        for language in SUPPORTED_LOCALES:
            await bot.delete_my_commands(scope=scope, language_code=language)
        await bot.delete_my_commands(scope=scope)
    except TelegramError as exc:
        log.warning("could not remove the staff menu of user %s: %s", user_id, exc)
        return False
    await staff_repo.set_menu_holder(d.db, user_id, holds=False)
    return True


async def apply_all(d: Deps, bot: Bot) -> int:
    """Start-up: the menu of every admin and staff member; returns how many were set. Anyone
    who held a staff menu and is staff no more (taken out of ADMIN_IDS while the bot was
    down) gets the resident menu back."""
    people = set(d.settings.admin_ids) | set(await staff_repo.all_staff(d.db))
    for former in sorted(set(await staff_repo.menu_holders(d.db)) - people):
        await clear_menu(bot, d, former)
    done = 0
    for user_id in sorted(people):
        done += await apply_menu(bot, d, user_id)
    return done


async def startup_hook(app: Any) -> None:
    """Start-up hook: staff and admin menus."""
    from bot.deps import DEPS_KEY

    d: Deps = app.bot_data[DEPS_KEY]
    count = await apply_all(d, app.bot)
    log.info("staff menus set for %d people", count)
