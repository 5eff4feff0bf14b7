"""The next steps a resident reads follow their own answers."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.e2e.residents import Person, register, say

ASKED_TO_REGISTER = "pastikan Anda terdaftar di SIAPkerja"
CREATE_ACCOUNT = "buat akun SIAPkerja"


async def test_who_has_siapkerja_is_not_asked_to_register_there(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await register(sim, 4301, Person(siapkerja="Sudah"))
    user = sim.user(4301)
    sent = user.last_message
    assert sent is not None
    assert "Langkah berikutnya" in sent.text
    assert ASKED_TO_REGISTER not in sent.text and CREATE_ACCOUNT not in sent.text
    status = await say(user, "/status")
    assert ASKED_TO_REGISTER not in status.text and CREATE_ACCOUNT not in status.text


async def test_who_has_no_siapkerja_is_told_to_create_it(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await register(sim, 4302, Person(siapkerja="Belum"))
    user = sim.user(4302)
    sent = user.last_message
    assert sent is not None
    assert "SIAPkerja" in sent.text.split("Langkah berikutnya")[-1], sent.text
    status = await say(user, "/status")
    assert CREATE_ACCOUNT in status.text, status.text


async def test_who_is_not_eligible_is_not_promised_an_interview(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await register(sim, 4303, Person(domicile="Provinsi lain", kecamatan=None, kelurahan=None))
    user = sim.user(4303)
    sent = user.last_message
    assert sent is not None
    assert "Belum memenuhi syarat" in sent.text, sent.text
    assert "wawancara" not in sent.text and "Langkah berikutnya" not in sent.text
    status = await say(user, "/status")
    assert "Belum memenuhi syarat" in status.text
    assert "wawancara" not in status.text and CREATE_ACCOUNT not in status.text
