"""The demo's chat logic: the real bot against the simulator, and one person typing lines.

No terminal code here: output goes to any text stream and input arrives as lines, so a test
drives the same object the terminal does. Two identities share the terminal: a resident and
an admin (added to ADMIN_IDS for the demo); `:staf` and `:warga` switch between them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings
from bot.demo.render import (
    Palette,
    html_to_terminal,
    indent,
    keyboard_line,
    reply_keyboard_labels,
)
from bot.i18n import _, use_locale
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator, SentMessage, SimUser

log = logging.getLogger(__name__)

# Demo identities: small ids like real accounts, far from the synthetic range (7_1xx_xxx_xxx).
RESIDENT_ID = 10_001
STAFF_ID = 10_002
DEMO_TOKEN = "7000000001:local-demo"  # the simulator accepts any token; this one is fake
DEFAULT_DATABASE = Path("data/demo.sqlite3")


@dataclass(frozen=True)
class DemoOptions:
    database: Path = DEFAULT_DATABASE
    reset: bool = False
    seed: int = 0
    random_seed: int = 1
    reminder_offsets: tuple[int, ...] | None = None
    locale: str = "id"
    flood_limit: bool = True  # Telegram's limits, as the real bot lives under them
    quiet: float = 0.3  # the bot counts as done with a line after this much silence
    reply_timeout: float = 20.0


@dataclass
class _Identity:
    key: str  # "warga" or "staf"
    user: SimUser


class DemoChat:
    """One demo session: start(), then handle(line) until it returns False, then stop()."""

    def __init__(self, settings: Settings, options: DemoOptions, out: TextIO, *, colour: bool):
        self.options = options
        self.out = out
        self.palette = Palette(colour)
        self.colour = colour
        self.settings = dataclasses.replace(
            settings,
            bot_token=DEMO_TOKEN,
            database_path=options.database,
            admin_ids=settings.admin_ids | {STAFF_ID},
            reminder_offsets=options.reminder_offsets or settings.reminder_offsets,
            default_locale=options.locale,
        )
        self.sim = BotApiSimulator(flood_limit=options.flood_limit)
        self.runner: BotRunner | None = None
        self.resident: _Identity | None = None
        self.staff: _Identity | None = None
        self.current: _Identity | None = None
        self.files_dir = options.database.parent / "demo-files"
        self.prompt_pending = False
        self.other_chats = 0  # messages to synthetic applicants (broadcasts, reminders)

    # --- life cycle -----------------------------------------------------------------------
    async def start(self) -> None:
        with use_locale(self.options.locale):
            await self._prepare_database()
            await self.sim.start()
            self.sim.on_bot_message(self._on_bot_message)
            lang = self.options.locale
            self.resident = _Identity("warga", self.sim.user(RESIDENT_ID, "Siti", lang))
            self.staff = _Identity(
                "staf", self.sim.user(STAFF_ID, "Petugas", lang, last_name="BBPVP")
            )
            self.current = self.resident
            self.runner = BotRunner(
                self.settings,
                base_url=self.sim.base_url,
                base_file_url=self.sim.base_file_url,
                poll_timeout=2,
            )
            await self.runner.start()
            self.say(_("demo.banner").format(db=self.options.database))
            self.say(_("demo.help"))

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.stop()
            self.runner = None
        await self.sim.stop()

    async def _prepare_database(self) -> None:
        path = self.options.database
        if self.options.reset:
            _remove_database(path)
            self.say(_("demo.reset_done").format(db=path))
        if self.options.seed <= 0:
            return
        from bot.seed import SEED_USER_ID_BASE, SEED_USER_ID_LIMIT, seed
        from bot.storage.db import Database

        db = await Database.open(path)
        try:
            present = await db.fetchval(
                "SELECT COUNT(*) FROM applicants WHERE user_id > ? AND user_id <= ?",
                (SEED_USER_ID_BASE, SEED_USER_ID_LIMIT),
            )
            if present:
                self.say(_("demo.seed_skipped").format(n=present))
                return
            report = await seed(
                db, self.options.seed, random_seed=self.options.random_seed,
                tz=self.settings.timezone,
            )  # fmt: skip
            self.say(_("demo.seeded").format(n=report.created, seconds=f"{report.seconds:.1f}"))
        finally:
            await db.close()

    # --- output ---------------------------------------------------------------------------
    def say(self, html: str) -> None:
        """A note from the demo itself (catalog HTML, like the bot's own texts)."""
        self._write(self.palette.note(html_to_terminal(html, colour=self.colour)))

    def _write(self, text: str) -> None:
        if self.prompt_pending:
            # A message arrived while the person was at the prompt (a reminder, a broadcast):
            # start on a fresh line and show the prompt again after it.
            self.out.write("\n")
        self.out.write(text + "\n")
        if self.prompt_pending:
            self.out.write(self.prompt())
        self.out.flush()

    def prompt(self) -> str:
        with use_locale(self.options.locale):
            staff = self.current is self.staff
            text = _("demo.prompt.staff") if staff else _("demo.prompt.resident")
            return self.palette.prompt(html_to_terminal(text, colour=False)) + " "

    def _on_bot_message(self, chat_id: int, message: SentMessage, is_edit: bool) -> None:
        """Print every message and edit the bot sends to one of the two demo identities."""
        identity = next(
            (i for i in (self.resident, self.staff) if i is not None and i.user.id == chat_id),
            None,
        )
        if identity is None:
            self.other_chats += 1
            return
        with use_locale(self.options.locale):
            self._write(self.render(identity, message, is_edit))

    def render(self, identity: _Identity, message: SentMessage, is_edit: bool) -> str:
        inline = message.buttons
        reply = [label for label, _b in reply_keyboard_labels(message.reply_markup)]
        markup_only = is_edit and bool(message.edits) and message.edits[-1] == message.text
        if markup_only:
            # Only the buttons changed (old buttons taken away): no need to repeat the text.
            header = _("demo.buttons_changed") if inline else _("demo.buttons_removed")
        else:
            header = _("demo.bot_edited") if is_edit else _("demo.bot")
        if identity is not self.current:
            header += " " + (_("demo.to.staf") if identity is self.staff else _("demo.to.warga"))
        lines = [self.palette.bot(header)]
        if not markup_only:
            lines.append(indent(self._body(message)))
        if inline or reply:
            lines.append(indent(keyboard_line(inline or reply, self.palette)))
        return "\n".join(lines)

    def _body(self, message: SentMessage) -> str:
        parts: list[str] = []
        media = message.document or message.photo
        if media is not None:
            saved = self._save(media.filename, media.data)
            what = _("demo.document") if message.document is not None else _("demo.photo")
            size = _size(len(media.data))
            parts.append(self.palette.dim(what.format(name=media.filename, size=size, path=saved)))
            if media.caption:
                parts.append(media.caption)
        elif message.parse_mode and message.parse_mode.upper() == "HTML":
            parts.append(html_to_terminal(message.html, colour=self.colour))
        else:
            parts.append(message.text)
        return "\n".join(parts)

    def _save(self, filename: str, data: bytes) -> Path:
        """Exports land on disk so the person can open the CSV or XLSX staff received."""
        self.files_dir.mkdir(parents=True, exist_ok=True)
        target = self.files_dir / Path(filename).name
        target.write_bytes(data)
        return target

    # --- input ----------------------------------------------------------------------------
    async def handle(self, line: str) -> bool:
        """One typed line; False when the person asked to leave."""
        with use_locale(self.options.locale):
            return await self._handle(line.strip())

    async def _handle(self, line: str) -> bool:
        assert self.current is not None
        if not line:
            return True
        if line.startswith(":"):
            return await self._demo_command(line)
        user = self.current.user
        number = int(line) if line.isdigit() and len(line) <= 3 else None
        buttons = self.current_buttons()
        if number is not None and buttons:
            if not 1 <= number <= len(buttons):
                self.say(_("demo.no_such_button").format(max=len(buttons)))
                return True
            await self._press(user, buttons[number - 1])
        else:
            await user.send(line)
        await self.settle()
        return True

    def current_buttons(self) -> list[tuple[str, SentMessage, dict[str, Any]]]:
        """The buttons a number presses: those of the newest message that has any."""
        assert self.current is not None
        user = self.current.user
        for message in reversed(user.messages):
            if message.deleted:
                continue
            if message.inline_keyboard:
                return [(str(b.get("text", "")), message, b)
                        for row in message.inline_keyboard for b in row]  # fmt: skip
            reply = reply_keyboard_labels(message.reply_markup)
            if reply and user.reply_keyboard():
                return [(label, message, button) for label, button in reply]
        return []

    async def _press(self, user: SimUser, chosen: tuple[str, SentMessage, dict[str, Any]]) -> None:
        label, message, button = chosen
        self._write(self.palette.dim(f"  → {label}"))
        if "url" in button:
            self.say(_("demo.link").format(url=button["url"]))
        elif "callback_data" in button:
            await user.tap_on(message, label)
        else:  # a reply-keyboard button: text, or the contact it asks for
            await user.press(label)

    async def settle(self) -> None:
        """Wait until the bot has taken what was sent and gone quiet in this chat."""
        assert self.current is not None
        try:
            await self.current.user.wait_idle(
                quiet=self.options.quiet, timeout=self.options.reply_timeout
            )
        except AssertionError:
            self.say(_("demo.still_working"))

    async def drain(self, quiet: float = 0.6, within: float = 5.0) -> None:
        """Before leaving: let messages already on their way (a broadcast) arrive."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        seen = len(self.sim.calls)
        while loop.time() < deadline:
            await asyncio.sleep(quiet)
            if len(self.sim.calls) == seen and self.sim.pending_updates() == 0:
                return
            seen = len(self.sim.calls)

    async def _demo_command(self, line: str) -> bool:
        assert self.resident is not None and self.staff is not None and self.current is not None
        command, _sep, rest = line[1:].partition(" ")
        command = command.lower()
        if command in ("keluar", "quit", "exit", "q"):
            self.say(_("demo.bye"))
            return False
        if command in ("bantuan", "help", "?"):
            self.say(_("demo.help"))
        elif command in ("staf", "staff", "admin"):
            self.current = self.staff
            self.say(_("demo.now_staff").format(id=STAFF_ID))
        elif command in ("warga", "resident"):
            self.current = self.resident
            self.say(_("demo.now_resident").format(id=RESIDENT_ID))
        elif command in ("kontak", "contact"):
            await self.current.user.send_contact()
            await self.settle()
        elif command in ("hp", "phone"):
            number = rest.strip()
            if not number:
                self.say(_("demo.hp_usage"))
                return True
            await self.current.user.send_contact(number)
            await self.settle()
        elif command in ("ulang", "again"):
            latest = self.current.user.last_message
            if latest is None:
                self.say(_("demo.empty_chat"))
            else:
                self._write(self.render(self.current, latest, False))
        else:
            self.say(_("demo.unknown_command").format(command=command))
        return True


def _remove_database(path: Path) -> None:
    # Before the bot opens the file, so nothing else holds it: plain blocking calls are fine.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _size(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:.1f} KB"


async def run_session(chat: DemoChat, lines: AsyncIterator[str], *, echo: bool = False) -> None:
    """Prompt, read a line, hand it to the chat; until `:keluar` or the end of input.

    With `echo` (input piped from a file or a test) each line is written after its prompt,
    so the output reads like the conversation it was."""
    await chat.start()
    try:
        while True:
            chat.out.write(chat.prompt())
            chat.out.flush()
            chat.prompt_pending = True
            line = await anext(lines, None)
            chat.prompt_pending = False
            if echo and line is not None:
                chat.out.write(line + "\n")
            if line is None:  # end of input (Ctrl-D, or the end of a piped script)
                chat.out.write("\n")
                await chat.drain()
                break
            if not await chat.handle(line):
                break
    finally:
        chat.prompt_pending = False
        await chat.stop()
