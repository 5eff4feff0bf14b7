"""`python -m bot check`: is this server ready to run the bot? One line per finding.

For a city's IT staff before they start the service (and the container's start): it reads
the settings, looks at the database without changing it (no migration is applied, nothing
is written), asks Telegram who the token belongs to and, when WhatsApp is set, Meta which
number its token opens. Each problem is one line that says
what to do; the exit code is 0 only when there is none.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.channels.whatsapp.client import WhatsAppClient
from bot.config import WHATSAPP_TEMPLATE_KINDS, Settings
from bot.http import AiohttpRequest
from bot.services.delivery import Outcome
from bot.storage.db import migration_files


class Level(StrEnum):
    OK = "ok"
    NOTE = "note"  # worth knowing, not a reason to refuse the start
    PROBLEM = "PROBLEM"


@dataclass(frozen=True)
class Finding:
    level: Level
    what: str  # the part checked: "database", "telegram", ...
    text: str

    def line(self) -> str:
        return f"{self.level.value:<7} {self.what}: {self.text}"


Check = Callable[[Settings], Awaitable[list[Finding]]]


async def check_telegram(s: Settings) -> list[Finding]:
    if s.bot_token is None:
        return [
            Finding(Level.PROBLEM, "telegram", "BOT_TOKEN is not set (a token from @BotFather)")
        ]
    bot = Bot(
        s.bot_token,
        base_url=s.telegram_api_base_url,
        base_file_url=s.telegram_file_base_url,
        request=AiohttpRequest(connection_pool_size=1),
    )
    try:
        await bot.initialize()  # calls getMe
        me = bot.bot
    except InvalidToken:
        return [
            Finding(Level.PROBLEM, "telegram", "Telegram refuses BOT_TOKEN (revoked or mistyped)")
        ]
    except NetworkError as exc:
        where = s.telegram_api_base_url
        return [Finding(Level.PROBLEM, "telegram", f"cannot reach {where}: {exc.message}")]
    except TelegramError as exc:
        return [Finding(Level.PROBLEM, "telegram", f"getMe failed: {exc.message}")]
    finally:
        await bot.shutdown()
    return [Finding(Level.OK, "telegram", f"the token belongs to @{me.username}")]


def templates_finding(s: Settings) -> Finding:
    """Which messages cannot reach a WhatsApp resident outside the 24-hour window: those
    without an approved template named in WHATSAPP_TEMPLATES (docs/whatsapp-templates.md)."""
    missing = [k for k in WHATSAPP_TEMPLATE_KINDS if k not in s.whatsapp_templates]
    if not missing:
        return Finding(Level.OK, "whatsapp templates", "every kind of message has one")
    return Finding(
        Level.NOTE,
        "whatsapp templates",
        f"none for {', '.join(missing)}: not sent outside the 24 hours after a resident's"
        " last message (set WHATSAPP_TEMPLATES once Meta has approved them)",
    )


async def check_whatsapp(s: Settings) -> list[Finding]:
    """WhatsApp is optional: off is a note; on, the token must open the number's record."""
    if not s.whatsapp_enabled:
        return [
            Finding(
                Level.NOTE,
                "whatsapp",
                "off (set WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_TOKEN, WHATSAPP_VERIFY_TOKEN and"
                " WHATSAPP_APP_SECRET to serve residents on WhatsApp)",
            )
        ]
    async with WhatsAppClient.from_settings(s) as client:
        number, refused = await client.phone_number()
    if refused is None:
        shown = f"{number.get('display_phone_number', '?')} ({number.get('verified_name', '?')})"
        return [Finding(Level.OK, "whatsapp", f"the token opens the number {shown}"),
                templates_finding(s)]  # fmt: skip
    if refused.outcome is Outcome.STOP:
        text = "Meta refuses WHATSAPP_TOKEN (expired, revoked or mistyped)"
    elif refused.outcome is Outcome.RETRY:
        text = f"cannot reach {s.whatsapp_api_base_url} ({refused.error})"
    else:
        text = (
            f"WHATSAPP_PHONE_NUMBER_ID {s.whatsapp_phone_number_id} is not a number this token"
            f" may use ({refused.error})"
        )
    return [Finding(Level.PROBLEM, "whatsapp", text)]


async def check_database(s: Settings) -> list[Finding]:
    path = s.database_path
    if not path.exists():
        folder = _existing_parent(path)
        if not os.access(folder, os.W_OK | os.X_OK):
            return [
                Finding(
                    Level.PROBLEM, "database", f"{path} cannot be created: {folder} is not writable"
                )
            ]
        return [
            Finding(
                Level.OK, "database", f"{path} does not exist yet; it is created at the first start"
            )
        ]
    findings = []
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        findings.append(
            Finding(
                Level.PROBLEM,
                "database",
                f"{path} is readable by other users (mode {mode:o}): chmod 600 {path}",
            )
        )
    try:
        known, applied, applicants = _read_schema(path)
    except sqlite3.DatabaseError as exc:
        return [*findings, Finding(Level.PROBLEM, "database", f"{path} cannot be read: {exc}")]
    newer = sorted(applied - known)
    if newer:
        findings.append(
            Finding(
                Level.PROBLEM,
                "database",
                f"{path} was written by a newer version (migration {newer[-1]:03d}):"
                " install that version or restore a backup",
            )
        )
        return findings
    pending = len(known - applied)
    later = f"; {pending} migration(s) will be applied at start" if pending else ""
    findings.append(Finding(Level.OK, "database", f"{path}: {applicants} applicant(s){later}"))
    return findings


async def check_backups(s: Settings) -> list[Finding]:
    """The nightly backup writes into BACKUP_DIR (creating it): a folder it cannot write
    would only show at 02:00, as an alert."""
    folder = s.backup_dir
    if folder.exists() and not folder.is_dir():
        return [Finding(Level.PROBLEM, "backups", f"BACKUP_DIR {folder} is a file, not a folder")]
    existing = folder if folder.exists() else _existing_parent(folder)
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        return [
            Finding(
                Level.PROBLEM,
                "backups",
                f"BACKUP_DIR {folder} cannot be written:"
                f" {existing} is not a folder this user can write to",
            )
        ]
    later = "" if folder.exists() else " (created at the first backup)"
    return [Finding(Level.OK, "backups", f"BACKUP_DIR {folder} is writable{later}")]


async def check_people(s: Settings) -> list[Finding]:
    findings = []
    if not s.admin_ids:
        findings.append(
            Finding(
                Level.PROBLEM, "staff", "ADMIN_IDS is empty: nobody could use the staff commands"
            )
        )
    else:
        findings.append(Finding(Level.OK, "staff", f"{len(s.admin_ids)} admin(s) in ADMIN_IDS"))
    defaults = Settings()
    if s.contact_bbpvp == defaults.contact_bbpvp:
        findings.append(
            Finding(
                Level.NOTE,
                "contacts",
                "CONTACT_BBPVP is the default: set the real address and phone",
            )
        )
    return findings


CHECKS: tuple[Check, ...] = (
    check_people,
    check_database,
    check_backups,
    check_telegram,
    check_whatsapp,
)


async def run_checks(s: Settings, checks: tuple[Check, ...] = CHECKS) -> list[Finding]:
    findings: list[Finding] = []
    for check in checks:
        findings.extend(await check(s))
    return findings


def _existing_parent(path: Path) -> Path:
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _read_schema(path: Path) -> tuple[set[int], set[int], int]:
    """(migrations this code knows, migrations the file has, applicants), read-only."""
    known = {number for number, _, _ in migration_files()}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA quick_check").fetchone()
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        applied: set[int] = set()
        if "schema_migrations" in tables:
            applied = {row[0] for row in conn.execute("SELECT number FROM schema_migrations")}
        applicants = 0
        if "applicants" in tables:
            applicants = conn.execute("SELECT count(*) FROM applicants").fetchone()[0]
    finally:
        conn.close()
    return known, applied, applicants
