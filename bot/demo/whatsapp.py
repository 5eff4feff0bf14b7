"""The demo's WhatsApp resident: the same bot, reached through the WhatsApp simulator.

`:wa` in the demo makes the person at the terminal a resident writing on WhatsApp; `:tg`
goes back to the Telegram resident. What the bot sends is shown as a phone shows it:
WhatsApp's own marks (*bold*, _italic_) as they are, reply buttons on one line, and a list
message's rows one per line, each numbered. A typed number taps that button or row of the
latest message that had any; anything else is sent as text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.demo.render import Palette, indent, keyboard_line
from bot.i18n import _
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.simulator_whatsapp.users import Received, WaUser

# The demo resident's WhatsApp number (a wa_id: digits, country code first). Not a real line.
DEMO_WA_ID = "6281299990001"


class DemoWhatsApp:
    """The WhatsApp resident of one demo session."""

    def __init__(
        self,
        sim: WhatsAppSimulator,
        palette: Palette,
        write: Callable[[str], None],
        *,
        name: str = "Siti",
        quiet: float = 0.3,
        reply_timeout: float = 20.0,
    ) -> None:
        self.sim = sim
        self.palette = palette
        self.write = write
        self.quiet = quiet
        self.reply_timeout = reply_timeout
        self.user: WaUser = sim.user(DEMO_WA_ID, name)
        self.choices: list[tuple[str, str]] = []  # (id, title) of the latest buttons or rows
        self._choices_from: Received | None = None
        self.on_screen = False  # the terminal is this resident now (else messages are marked)
        sim.listeners.append(self._on_message)

    def _on_message(self, user: WaUser, received: Received) -> None:
        if user is self.user:
            self.write(self.render(received))

    def render(self, received: Received) -> str:
        """The message as the phone shows it, choices numbered from 1."""
        header = _("demo.bot.whatsapp")
        if not self.on_screen:
            header += " " + _("demo.to.whatsapp")
        lines = [self.palette.bot(header), indent(received.text)]
        if received.choices:
            self.choices = list(received.choices)
            self._choices_from = received
            numbered = [(n, title) for n, (_id, title) in enumerate(received.choices, 1)]
            if received.is_list:
                lines += [indent(keyboard_line([pair], self.palette)) for pair in numbered]
            else:
                lines.append(indent(keyboard_line(numbered, self.palette)))
        return "\n".join(lines)

    async def handle(self, line: str) -> str | None:
        """Send one typed line; a note for the terminal when nothing could be sent."""
        if line.isdigit() and len(line) <= 3 and self.choices:
            number = int(line)
            if not 1 <= number <= len(self.choices):
                return _("demo.no_such_button").format(numbers=f"1–{len(self.choices)}")
            choice_id, title = self.choices[number - 1]
            source = self._choices_from
            self.write(self.palette.dim(f"  → {title}"))
            if source is not None and source.is_list:
                await self.user.send_list_reply(choice_id, title, context=source.id)
            else:
                context = source.id if source is not None else None
                await self.user.send_button_reply(choice_id, title, context=context)
        else:
            await self.user.send_text(line)
        return None

    async def settle(self, busy: Callable[[], bool]) -> None:
        """Wait until the bot has answered and gone quiet: ``busy`` says whether it still
        handles a message (the channel's queue)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.reply_timeout
        seen = len(self.user.received)
        while loop.time() < deadline:
            await asyncio.sleep(self.quiet)
            if not busy() and len(self.user.received) == seen:
                return
            seen = len(self.user.received)
