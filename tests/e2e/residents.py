"""A scripted resident: reads the bot's last message and answers as a person would."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.simulator import BotApiSimulator, SentMessage, SimUser
from bot.simulator.models import pick_button


@dataclass
class Person:
    """Answers for one registration. The defaults make an eligible Kota Serang resident."""

    name: str = "Siti Aminah"
    nik: str = "3673055512980001"  # Cipocok Jaya, woman, born 15-12-1998
    domicile: str = "Kota Serang"
    kecamatan: str | None = "Cipocok Jaya"
    kelurahan: str | None = "Karundang"
    education: str = "SMK/MAK"
    marital: str = "Belum kawin"
    family: str = "Ya, bisa"
    health: str = "Ya, sehat"
    health_check: str = "Ya, bersedia"
    phone: str = "0812-3456-7890"
    siapkerja: str = "Sudah"
    passport: str = "Sudah"
    worked_abroad: str = "Belum pernah"
    languages: list[str] = field(default_factory=lambda: ["Inggris"])
    interests: list[str] = field(default_factory=lambda: ["Pengelasan (las)", "Listrik"])
    destinations: list[str] = field(default_factory=lambda: ["Jepang", "Korea Selatan"])
    done: str = "Selesai"


ENGLISH = Person(
    name="John Pratama",
    nik="3673041203950002",  # Curug, man, born 12-03-1995
    kecamatan="Curug",
    kelurahan="Cilaku",
    education="Vocational high (SMK/MAK)",
    marital="Married",
    family="Yes, I can",
    health="Yes, healthy",
    health_check="Yes, I am willing",
    siapkerja="Not yet",
    passport="Not yet",
    worked_abroad="Yes, I have",
    languages=["English", "Malay"],
    interests=["Welding"],
    destinations=["South Korea"],
    done="Done ✔",
)


async def say(user: SimUser, text: str) -> SentMessage:
    """Send text and return the bot's last reply once it has gone quiet."""
    await user.send(text)
    return await last(user)


async def tap(user: SimUser, label: str) -> SentMessage:
    await until_button(user, label)
    await user.tap(label)
    return await last(user)


async def until_button(user: SimUser, label: str, within: float = 15.0) -> None:
    """Wait until the latest message with buttons has this one. A reply of two messages
    (/start: the welcome, then the consent with its buttons) can come apart by more than the
    quiet time `last` waits for on a loaded machine; tapping then would find no button."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        with_buttons = [m for m in user.chat.messages if not m.deleted and m.inline_keyboard]
        if with_buttons:
            buttons = [b for row in with_buttons[-1].inline_keyboard for b in row]
            if pick_button(buttons, label) is not None:
                return
        await user.chat.wait_changed(deadline - loop.time())
    # Not there: user.tap says so, with the transcript.


async def last(user: SimUser) -> SentMessage:
    """The bot's last message after an action: waits for the first reply (slow machines take
    longer than any fixed quiet time), then for the bot to go quiet."""
    first = await user.next_message(timeout=15)
    # With the bot in this process it says when it has handled everything; a bot it cannot
    # see into (the demo's, a process) gets the quiet time.
    rest = await user.wait_idle(quiet=0.05, timeout=10, settle=0.01)
    return rest[-1] if rest else first


async def answer_interview(user: SimUser, p: Person) -> SentMessage:
    """From the first question (name) to the summary; returns the summary message (the
    destination question when the person has no destinations)."""
    await say(user, p.name)
    await say(user, p.nik)
    await tap(user, "✅")  # the birth date read from the NIK
    await tap(user, "✅")  # the sex read from the NIK
    await tap(user, p.domicile)
    if p.kecamatan:
        await tap(user, p.kecamatan)
        await tap(user, p.kelurahan or "")
    await tap(user, p.education)
    await tap(user, p.marital)
    await tap(user, p.family)
    await tap(user, p.health)
    await tap(user, p.health_check)
    await say(user, p.phone)
    # "✓ Nomor HP" (taking the phone keyboard away) comes first, then the next question.
    await until(lambda: bool(user.last_message and user.last_message.inline_keyboard))
    await tap(user, p.siapkerja)
    await tap(user, p.passport)
    await tap(user, p.worked_abroad)
    if p.worked_abroad in ("Pernah", "Yes, I have"):
        await say(user, "Malaysia, pekerja pabrik")
    for language in p.languages:
        await tap(user, language)
    await tap(user, p.done)
    for interest in p.interests:
        await tap(user, interest)
    shown = await tap(user, p.done)
    for destination in p.destinations:
        await tap(user, destination)
    # With no destination, stop at that question ("Selesai" would only raise an alert).
    return await tap(user, p.done) if p.destinations else shown


async def register(
    sim: BotApiSimulator, user_id: int, person: Person | None = None, *, source: str = ""
) -> str:
    """A whole registration in Indonesian; returns the registration number."""
    user = sim.user(user_id, first_name="Warga", language_code="id")
    await say(user, f"/start {source}".strip())
    await until(lambda: any(m.inline_keyboard for m in user.messages))  # the consent, sent second
    await tap(user, "Setuju")
    await answer_interview(user, person or Person())
    await user.tap("Kirim pendaftaran")
    # The summary loses its buttons (an edit) before the confirmation is sent: wait for that.
    await until(lambda: "SRG-" in (user.last_message.text if user.last_message else ""), 15)
    await user.wait_idle(quiet=0.05, timeout=10, settle=0.01)
    done = user.last_message
    assert done is not None
    for word in done.text.split():
        if word.startswith("SRG-"):
            return word.strip(".,")
    raise AssertionError(f"no registration number in: {done.text}")


async def at_first_question(sim: BotApiSimulator, user_id: int, language: str = "id") -> SimUser:
    """A resident who has agreed and is looking at the first question (the name)."""
    user = sim.user(user_id, first_name="Warga", language_code=language)
    await say(user, "/start")
    await until(lambda: any(m.inline_keyboard for m in user.messages))  # the consent, sent second
    await tap(user, "Setuju" if language == "id" else "I agree")
    return user


async def until(condition: Callable[[], bool], within: float = 5.0) -> None:
    """Wait for something the bot does without sending a message (answering a button)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)
