"""The demo's chat logic: the real bot against the simulator, and one person typing lines.

No terminal code here: output goes to any text stream and input arrives as lines, so a test
drives the same object the terminal does. Two identities share the terminal: a resident and
an admin (added to ADMIN_IDS for the demo); `:staf` and `:warga` switch between them. A
third, a resident on WhatsApp, writes through the WhatsApp simulator: `:wa` switches to them
and `:tg` back (bot/demo/whatsapp.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.channels.whatsapp.webhook import WEBHOOK_PATH
from bot.config import Settings
from bot.demo.files import file_name, free_path
from bot.demo.keypad import Keypad, NumberedButton, button_key, number_ranges
from bot.demo.render import (
    Palette,
    html_to_terminal,
    indent,
    keyboard_line,
    reply_keyboard_labels,
)
from bot.demo.whatsapp import DemoWhatsApp
from bot.i18n import _, format_number, use_locale
from bot.runner import BotRunner
from bot.simulator import (
    Attachment,
    BotApiSimulator,
    CallbackQueryRecord,
    SentMessage,
    SimUser,
)
from bot.simulator_whatsapp import WhatsAppSimulator

log = logging.getLogger(__name__)

# Demo identities: small ids like real accounts, far from the synthetic range (7_1xx_xxx_xxx).
RESIDENT_ID = 10_001
STAFF_ID = 10_002
DEMO_TOKEN = "7000000001:local-demo"  # the simulator accepts any token; this one is fake
DEMO_WA_VERIFY_TOKEN = "local-demo"  # Meta's webhook check; the demo's simulator never asks
DEFAULT_DATABASE = Path("data/demo.sqlite3")
ACCOUNTS = ("warga", "staf")  # the resident and the staff member sharing the terminal


@dataclass(frozen=True)
class DemoOptions:
    database: Path = DEFAULT_DATABASE
    reset: bool = False
    seed: int = 0
    random_seed: int = 1
    reminder_offsets: tuple[int, ...] | None = None
    locale: str = "id"
    flood_limit: bool = True  # Telegram's limits, as the real bot lives under them
    account: str = "warga"  # who types first: "warga" or "staf"
    quiet: float = 0.3  # the bot counts as done with a line after this much silence
    reply_timeout: float = 20.0


@dataclass
class _Identity:
    key: str  # "warga" or "staf"
    user: SimUser
    keypad: Keypad = field(default_factory=Keypad)


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
        self.wa_sim = WhatsAppSimulator()
        self.whatsapp: DemoWhatsApp | None = None
        self.on_whatsapp = False  # the person types as the WhatsApp resident (`:wa`)
        self.runner: BotRunner | None = None
        self.resident: _Identity | None = None
        self.staff: _Identity | None = None
        self.current: _Identity | None = None
        self.files_dir = options.database.parent / "demo-files"
        self.saved_files: dict[str, Path] = {}  # file_id -> where it was saved
        self.prompt_pending = False
        self.other_chats = 0  # messages to synthetic applicants (broadcasts, reminders)

    # --- life cycle -----------------------------------------------------------------------
    async def start(self) -> None:
        with use_locale(self.options.locale):
            await self._prepare_database()
            await self.sim.start()
            await self.wa_sim.start()
            self.sim.on_bot_message(self._on_bot_message)
            lang = self.options.locale
            self.resident = _Identity("warga", self.sim.user(RESIDENT_ID, "Siti", lang))
            self.staff = _Identity(
                "staf", self.sim.user(STAFF_ID, "Petugas", lang, last_name="BBPVP")
            )
            self.current = self.staff if self.options.account == "staf" else self.resident
            self.whatsapp = DemoWhatsApp(
                self.wa_sim, self.palette, self._write,
                quiet=self.options.quiet, reply_timeout=self.options.reply_timeout,
            )  # fmt: skip
            self.runner = BotRunner(
                # Any free port: a demo must not fail because a real bot has 8080.
                dataclasses.replace(
                    self.settings,
                    http_port=0,
                    whatsapp_api_base_url=self.wa_sim.base_url,
                    whatsapp_phone_number_id=self.wa_sim.phone_number_id,
                    whatsapp_token=self.wa_sim.token,
                    whatsapp_verify_token=DEMO_WA_VERIFY_TOKEN,
                    whatsapp_app_secret=self.wa_sim.app_secret,
                ),
                base_url=self.sim.base_url,
                base_file_url=self.sim.base_file_url,
                poll_timeout=2,
            )
            await self.runner.start()
            assert self.runner.http is not None
            self.wa_sim.webhook_url = self.runner.http.base_url + WEBHOOK_PATH
            self.say(_("demo.banner").format(db=self.options.database))
            self.say(_("demo.help"))
            if self.current is self.staff:
                self.say(_("demo.now_staff").format(id=STAFF_ID))

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.stop()
            self.runner = None
        await self.sim.stop()
        await self.wa_sim.stop()

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
            seconds = format_number(report.seconds, 1)  # "0,1 detik", "0.1 seconds"
            self.say(_("demo.seeded").format(n=format_number(report.created), seconds=seconds))
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
            if self.on_whatsapp:
                text = _("demo.prompt.whatsapp")
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
        """The message as the terminal shows it; its buttons are numbered and from now on
        a typed number refers to them (the keyboard this account saw last)."""
        inline = [button for row in message.inline_keyboard for button in row]
        reply = [] if inline else [b for _l, b in reply_keyboard_labels(message.reply_markup)]
        numbered = identity.keypad.number(message.message_id, inline or reply)
        if numbered:
            identity.keypad.seen(message.message_id, numbered, reply=not inline)
        elif is_edit:
            identity.keypad.cleared(message.message_id)
        markup_only = is_edit and bool(message.edits) and message.edits[-1] == message.text
        if markup_only:
            # Only the buttons changed (old buttons taken away): no need to repeat the text.
            header = _("demo.buttons_changed") if inline else _("demo.buttons_removed")
        else:
            header = _("demo.bot_edited") if is_edit else _("demo.bot")
        if identity is not self.current or self.on_whatsapp:
            header += " " + (_("demo.to.staf") if identity is self.staff else _("demo.to.warga"))
        lines = [self.palette.bot(header)]
        if not markup_only:
            lines.append(indent(self._body(message)))
        if numbered:
            pairs = [(b.number, b.label) for b in numbered]
            lines.append(indent(keyboard_line(pairs, self.palette)))
        return "\n".join(lines)

    def _body(self, message: SentMessage) -> str:
        parts: list[str] = []
        media = message.document or message.photo
        if media is not None:
            saved = self._save(media, message)
            what = _("demo.document") if message.document is not None else _("demo.photo")
            size = _size(len(media.data))
            parts.append(self.palette.dim(what.format(name=saved.name, size=size, path=saved)))
            if media.caption:
                parts.append(media.caption)
        elif message.parse_mode and message.parse_mode.upper() == "HTML":
            parts.append(html_to_terminal(message.html, colour=self.colour))
        else:
            parts.append(message.text)
        return "\n".join(parts)

    def _save(self, media: Attachment, message: SentMessage) -> Path:
        """Files land on disk so the person can open the chart, CSV or XLSX they received:
        each under its own name, never over an earlier one (like a phone's downloads)."""
        saved = self.saved_files.get(media.file_id)
        if saved is not None:  # the same file shown again (an edit, :ulang)
            return saved
        self.files_dir.mkdir(parents=True, exist_ok=True)
        when = datetime.fromtimestamp(message.date, self.settings.timezone)
        name = file_name(media.kind, media.filename, media.mime_type, media.data, when)
        target = free_path(self.files_dir / name)
        target.write_bytes(media.data)
        self.saved_files[media.file_id] = target
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
        if self.on_whatsapp and self.whatsapp is not None:
            note = await self.whatsapp.handle(line)
            if note is not None:
                self.say(note)
            else:
                await self.whatsapp.settle(self._whatsapp_busy)
            return True
        user = self.current.user
        keypad = self.current.keypad
        number = int(line) if line.isdigit() and len(line) <= 3 else None
        query: CallbackQueryRecord | None = None
        if number is not None and keypad.shown:
            chosen = keypad.find(number)
            if chosen is None:
                numbers = number_ranges(keypad.numbers())
                self.say(_("demo.no_such_button").format(numbers=numbers))
                return True
            pressed, query = await self._press(user, keypad, chosen)
            if not pressed:  # a link, or a button no longer there: nothing went to the bot
                return True
        else:
            await user.send(line)
        await self.settle(query)
        if query is not None:
            await self._show_answer(query)
        return True

    def current_buttons(self) -> list[NumberedButton]:
        """The buttons a typed number presses: the keyboard this account saw last."""
        assert self.current is not None
        return list(self.current.keypad.shown)

    async def _press(
        self, user: SimUser, keypad: Keypad, chosen: NumberedButton
    ) -> tuple[bool, CallbackQueryRecord | None]:
        """Press it as a phone would; whether anything went to the bot, and the button's
        callback query when it has one."""
        button = chosen.button
        self._write(self.palette.dim(f"  → {chosen.label}"))
        if "url" in button:
            self.say(_("demo.link").format(url=button["url"]))
            return False, None
        message = user.chat.message(keypad.message_id) if keypad.message_id else None
        if keypad.reply:
            if message is None or not user.reply_keyboard():
                self.say(_("demo.button_gone"))
                return False, None
            await user.press(chosen.label)  # text, or the contact it asks for
            return True, None
        key = button_key(button)
        now = (
            [b for row in message.inline_keyboard for b in row]
            if message is not None and not message.deleted
            else []
        )
        current = next((b for b in now if button_key(b) == key), None)
        if message is None or current is None:
            self.say(_("demo.button_gone"))
            return False, None
        return True, await user.tap_on(message, str(current.get("text", "")))

    async def _show_answer(self, query: CallbackQueryRecord) -> None:
        """What Telegram shows for a button's answer: a short toast, or an alert with OK."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.options.reply_timeout
        # The answer is a request of its own, maybe still on its way; the simulator records
        # it with no event to wait on, so look again shortly.
        while not query.answered and loop.time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        if query.answer_text:
            text = html.escape(query.answer_text)
            note = _("demo.alert") if query.show_alert else _("demo.toast")
            self._write(indent(self.palette.note(
                html_to_terminal(note.format(text=text), colour=self.colour)
            )))  # fmt: skip

    async def settle(self, query: CallbackQueryRecord | None = None) -> None:
        """Wait for the bot's answer to what was just sent (a message, an edit, or the
        answer to the pressed button), then until the bot has gone quiet in this chat.

        Quiet alone is not enough: on a busy machine the first reply can come later than
        any quiet time, and a number typed next would then press a keyboard not yet shown."""
        assert self.current is not None
        user = self.current.user
        chat = user.chat
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.options.reply_timeout

        def replied() -> bool:
            return len(chat.events) > chat.cursor

        try:
            while not replied() and not (query is not None and query.answered):
                if loop.time() >= deadline:
                    raise AssertionError("no reply")
                # A button's answer does not wake the chat: look at it again shortly.
                await chat.wait_changed(min(deadline - loop.time(), 0.05))
            if query is not None and not replied() and not query.answer_text:
                # Answered quietly: what the button does (an edit) is on its way.
                grace = min(deadline, loop.time() + 2.0)
                while not replied() and loop.time() < grace:
                    await chat.wait_changed(grace - loop.time())
            # The rest of the answer (the consent after the welcome): until the bot has
            # handled every update it took, then quiet.
            while self._bot_busy():
                if loop.time() >= deadline:
                    raise AssertionError("still busy")
                await chat.wait_changed(min(deadline - loop.time(), 0.02))
            await user.wait_idle(quiet=self.options.quiet, timeout=self.options.reply_timeout)
        except AssertionError:
            self.say(_("demo.still_working"))

    def _whatsapp_busy(self) -> bool:
        """WhatsApp messages the bot has taken and not yet finished handling."""
        deps = self.runner.deps if self.runner is not None else None
        channel = deps.whatsapp if deps is not None else None
        return channel is not None and channel.busy

    def _bot_busy(self) -> bool:
        """Updates the bot has taken and not yet finished handling."""
        app = self.runner.app if self.runner is not None else None
        if app is None:
            return False
        return app.update_queue.qsize() > 0 or app.update_processor.current_concurrent_updates > 0

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

    def _show_menu(self, user: SimUser) -> None:
        """The commands Telegram lists under the "/" button for this account."""
        commands = command_menu(self.sim, user.id, user.language_code or "")
        if not commands:
            self.say(_("demo.menu_empty"))
            return
        lines = [f"/{c['command']} – {html.escape(c['description'])}" for c in commands]
        self.say("\n".join([_("demo.menu"), *lines]))

    async def _demo_command(self, line: str) -> bool:
        assert self.resident is not None and self.staff is not None and self.current is not None
        command, _sep, rest = line[1:].partition(" ")
        command = command.lower()
        if command in ("keluar", "quit", "exit", "q"):
            self.say(_("demo.bye"))
            return False
        if command in ("bantuan", "help", "?"):
            self.say(_("demo.help"))
        elif command in ("wa", "whatsapp"):
            self._switch_whatsapp(True)
            self.say(_("demo.now_whatsapp").format(number=self.whatsapp_number()))
        elif command in ("tg", "telegram"):
            self._switch_whatsapp(False)
            self.current = self.resident
            self.say(_("demo.now_resident").format(id=RESIDENT_ID))
        elif self.on_whatsapp and command in ("kontak", "contact", "hp", "phone", "menu",
                                              "perintah", "commands"):  # fmt: skip
            self.say(_("demo.telegram_only"))
        elif command in ("ulang", "again") and self.on_whatsapp and self.whatsapp is not None:
            received = self.whatsapp.user.received
            if received:
                self._write(self.whatsapp.render(received[-1]))
            else:
                self.say(_("demo.empty_chat_whatsapp"))
        elif command in ("staf", "staff", "admin"):
            self._switch_whatsapp(False)
            self.current = self.staff
            self.say(_("demo.now_staff").format(id=STAFF_ID))
        elif command in ("warga", "resident"):
            self._switch_whatsapp(False)
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
        elif command in ("menu", "perintah", "commands"):
            self._show_menu(self.current.user)
        elif command in ("ulang", "again"):
            latest = self.current.user.last_message
            if latest is None:
                self.say(_("demo.empty_chat"))
            else:
                self._write(self.render(self.current, latest, False))
        else:
            self.say(_("demo.unknown_command").format(command=command))
        return True


    def _switch_whatsapp(self, on: bool) -> None:
        self.on_whatsapp = on
        if self.whatsapp is not None:
            self.whatsapp.on_screen = on

    def whatsapp_number(self) -> str:
        """The demo resident's WhatsApp number as a person writes it."""
        return "+" + (self.whatsapp.user.wa_id if self.whatsapp is not None else "")


def command_menu(sim: BotApiSimulator, chat_id: int, language: str) -> list[dict[str, str]]:
    """Telegram's choice for a private chat: the narrowest scope with a list, and within a
    scope the list for the user's language before the one for all languages."""
    scopes: list[dict[str, object] | None] = [
        {"type": "chat", "chat_id": chat_id},
        {"type": "all_private_chats"},
        None,  # default
    ]
    for scope in scopes:
        for code in (language, ""):
            found = sim.commands(scope, code)
            if found:
                return found
    return []


def _remove_database(path: Path) -> None:
    # Before the bot opens the file, so nothing else holds it: plain blocking calls are fine.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _size(n: int) -> str:
    return f"{format_number(n)} B" if n < 1024 else f"{format_number(n / 1024, 1)} KB"


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
