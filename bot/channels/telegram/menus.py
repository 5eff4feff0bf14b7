"""The command menus: what residents, staff and admins see, in their language.

Residents get a menu in private chats (RESIDENT_COMMANDS, per language; none in groups).
Staff and admins get a menu of their own (BotCommandScopeChat), set at start-up and whenever
a role is granted or removed; a resident never sees a staff command anywhere. The staff
commands are declared by the features (Feature.staff_commands) and collected by bot/app.py
into ``Deps.staff_commands``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.error import TelegramError

from bot.config import SUPPORTED_LOCALES
from bot.deps import Deps
from bot.feature import StaffCommand
from bot.i18n import catalog
from bot.services.roles import Role, role_of
from bot.storage import applicants as applicants_repo
from bot.storage import staff as staff_repo

log = logging.getLogger(__name__)

# Resident commands in menu order; the descriptions are catalog keys.
RESIDENT_COMMANDS = (
    "start", "daftar", "status", "jadwal", "ubah", "batal", "data", "hapus", "berhenti",
    "lanjut", "bahasa", "bantuan", "info", "tanya",
)  # fmt: skip


def resident_commands(locale: str) -> list[BotCommand]:
    cat = catalog(locale)
    return [BotCommand(name, cat.gettext(f"cmd.{name}")) for name in RESIDENT_COMMANDS]


async def set_resident_menus(bot: Bot, d: Deps) -> None:
    """The residents' menu per language, in private chats only: in a group the bot answers
    nothing, so a menu there would only offer commands that do nothing. The one without a
    language is in DEFAULT_LOCALE. The default scope, set by earlier versions, is emptied."""
    private = BotCommandScopeAllPrivateChats()
    try:
        for locale in SUPPORTED_LOCALES:
            await bot.set_my_commands(
                resident_commands(locale), scope=private, language_code=locale
            )
            await bot.delete_my_commands(scope=BotCommandScopeDefault(), language_code=locale)
        await bot.set_my_commands(resident_commands(d.settings.default_locale), scope=private)
        await bot.delete_my_commands(scope=BotCommandScopeDefault())
    except TelegramError as exc:  # a menu is a convenience: never a reason not to start
        log.warning("could not set the command menu: %s", exc)


def staff_menu(staff_commands: Sequence[StaffCommand], role: Role, locale: str) -> list[BotCommand]:
    """The staff commands this role may use, then the resident commands (a chat-scoped menu
    replaces the default one, and staff still need /bahasa or /bantuan). Commands every staff
    member may use come first, in the features' order; the admins' own tools after them."""
    cat = catalog(locale)
    mine = sorted((c for c in staff_commands if role >= c.role), key=lambda c: c.role)
    commands = [BotCommand(c.name, cat.gettext(c.description)) for c in mine]
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
                staff_menu(d.staff_commands, role, stored or language),
                scope=scope,
                language_code=language,
            )
        await bot.set_my_commands(
            staff_menu(d.staff_commands, role, stored or d.settings.default_locale), scope=scope
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
