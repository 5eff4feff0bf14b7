"""A scripted WhatsApp resident talking to the running bot over real HTTP: each action is
delivered by the WhatsApp simulator to the bot's webhook, and returns what the bot sent
back once it has handled it (the Telegram side's tests/e2e/residents.py, for WhatsApp)."""

from __future__ import annotations

import re
from collections.abc import Awaitable
from dataclasses import dataclass

from bot.runner import BotRunner
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.simulator_whatsapp.users import Received, WaUser
from tests.e2e.residents import Person


@dataclass
class WaResident:
    wa: WhatsAppSimulator
    runner: BotRunner
    user: WaUser

    @classmethod
    def of(
        cls, wa: WhatsAppSimulator, runner: BotRunner, wa_id: str = "6281234567890",
        name: str = "Siti",
    ) -> WaResident:  # fmt: skip
        return cls(wa, runner, wa.user(wa_id, name))

    async def idle(self) -> None:
        assert self.runner.deps is not None and self.runner.deps.whatsapp is not None
        await self.runner.deps.whatsapp.idle()

    async def _after(self, action: Awaitable[str]) -> list[Received]:
        before = len(self.user.received)
        await action
        await self.idle()
        return self.user.received[before:]

    @property
    def last(self) -> Received:
        return self.user.last

    def last_choices(self) -> Received:
        found = next((r for r in reversed(self.user.received) if r.choices), None)
        assert found is not None, "no message with buttons or a list"
        return found

    async def say(self, text: str) -> list[Received]:
        return await self._after(self.user.send_text(text))

    async def press(self, label: str, on: Received | None = None) -> list[Received]:
        """Tap the button or row that shows ``label`` (exactly, its start, or cut with "…"),
        turning a long list's pages with "Lainnya" until it is there, as a person does."""
        message = on or self.last_choices()
        for _page in range(10):
            if find(message, label) is not None or find(message, MORE) is None:
                break
            await self._tap(message, *pick(message, MORE))
            message = self.last_choices()
        return await self._tap(message, *pick(message, label))

    async def _tap(self, message: Received, choice_id: str, title: str) -> list[Received]:
        if message.is_list:
            return await self._after(
                self.user.send_list_reply(choice_id, title, context=message.id)
            )
        return await self._after(self.user.send_button_reply(choice_id, title, context=message.id))

    async def send(self, action: Awaitable[str]) -> list[Received]:
        """Any other action of the simulated user (media, voice, location, reaction)."""
        return await self._after(action)


MORE = "›"  # the end of "Lainnya ›" / "More ›"


def pick(message: Received, label: str) -> tuple[str, str]:
    found = find(message, label)
    if found is None:
        raise AssertionError(f"no choice {label!r} in {message.titles}")
    return found


def find(message: Received, label: str) -> tuple[str, str] | None:
    choices = message.choices
    for test in (
        lambda t: t == label,
        lambda t: t.endswith("…") and label.startswith(t[:-1]),
        lambda t: t.startswith(label),
        lambda t: label in t,
    ):
        found = [(i, t) for i, t in choices if test(t)]
        if found:
            return found[0]
    return None


async def answer_interview(r: WaResident, p: Person, *, done: str = "Selesai") -> list[Received]:
    """From the first question (the name) to the summary; returns the last reply."""
    await r.say(p.name)
    await r.say(p.nik)
    await r.press("✅")  # the birth date read from the NIK
    await r.press("✅")  # the sex read from the NIK
    await r.press(p.domicile)
    if p.kecamatan:
        await r.press(p.kecamatan)
        await r.press(p.kelurahan or "")
    for label in (p.education, p.marital, p.family, p.health, p.health_check):
        await r.press(label)
    offer = r.last_choices()
    await r.press(offer.titles[0], offer)  # "Pakai nomor ini": the number WhatsApp knows
    for label in (p.siapkerja, p.passport, p.worked_abroad):
        await r.press(label)
    if p.worked_abroad in ("Pernah", "Yes, I have"):
        await r.say("Malaysia, pekerja pabrik")
    shown: list[Received] = []
    for group in (p.languages, p.interests, p.destinations):
        for label in group:
            await r.press(label)
        shown = await r.press(done)
    return shown


async def register(
    wa: WhatsAppSimulator, runner: BotRunner, wa_id: str = "6281234567890",
    person: Person | None = None,
) -> str:  # fmt: skip
    """A whole registration on WhatsApp in Indonesian; returns the registration number."""
    r = WaResident.of(wa, runner, wa_id)
    await r.say("daftar")
    await r.press("Setuju")
    await answer_interview(r, person or Person())
    done = await r.press("Kirim pendaftaran")
    found = re.search(r"SRG-\d{4}-\d+", " ".join(m.text for m in done))
    if found is not None:
        return found.group()
    raise AssertionError(f"no registration number in: {[m.text for m in done]}")
