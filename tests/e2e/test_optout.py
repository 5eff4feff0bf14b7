"""/berhenti and /lanjut: a resident turns announcements off and on again."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import applicants as repo
from tests.conftest import ADMIN_ID
from tests.e2e.residents import register, say, tap
from tests.helpers.broadcasts import compose, finished, seed
from tests.helpers.runner import db_of

RESIDENT = 710_001


async def opted_out(bot: BotRunner, user_id: int = RESIDENT) -> bool:
    applicant = await repo.get(db_of(bot), user_id)
    assert applicant is not None
    return applicant.opted_out


async def announce(sim: BotApiSimulator, text: str, broadcast_id: int) -> None:
    admin = sim.user(ADMIN_ID, "Admin")
    await compose(admin, text)
    await tap(admin, "Semua pendaftar")
    await admin.tap("Kirim sekarang")
    await finished(admin, broadcast_id)


async def test_berhenti_then_lanjut(sim: BotApiSimulator, bot: BotRunner) -> None:
    await seed(bot, [720_001])  # someone else who gets every announcement
    await register(sim, RESIDENT)
    resident = sim.user(RESIDENT)

    confirm = await say(resident, "/berhenti")
    assert "Jika berhenti, Anda tidak akan menerima" in confirm.text
    assert "pengingat" in confirm.text  # says what they will miss
    assert "perubahan tahap" in confirm.text  # and what still comes
    assert not await opted_out(bot)  # nothing changes before the confirmation
    done = await tap(resident, "Ya, berhenti")
    assert "tidak akan menerima pengumuman" in done.text
    assert await opted_out(bot)
    assert "sudah dihentikan" in (await say(resident, "/berhenti")).text

    await announce(sim, "Pengumuman pertama", 1)
    assert not any("Pengumuman pertama" in m.text for m in resident.messages)

    assert "Selamat datang kembali" in (await say(resident, "/lanjut")).text
    assert not await opted_out(bot)
    assert "sudah menerima pengumuman" in (await say(resident, "/lanjut")).text
    await announce(sim, "Pengumuman kedua", 2)
    assert sum("Pengumuman kedua" in m.text for m in resident.messages) == 1


async def test_changing_ones_mind_and_not_registered(sim: BotApiSimulator, bot: BotRunner) -> None:
    await register(sim, RESIDENT)
    resident = sim.user(RESIDENT)
    await say(resident, "/berhenti")
    assert "tetap menerima" in (await tap(resident, "Tidak, tetap terima")).text
    assert not await opted_out(bot)

    stranger = sim.user(710_002)
    assert "belum terdaftar" in (await say(stranger, "/berhenti")).text
    assert "belum terdaftar" in (await say(stranger, "/lanjut")).text


async def test_english_resident(sim: BotApiSimulator, bot: BotRunner) -> None:
    await register(sim, RESIDENT)
    resident = sim.user(RESIDENT)
    await say(resident, "/bahasa")
    await tap(resident, "English")
    confirm = await say(resident, "/berhenti")
    assert "If you stop, you will no longer receive" in confirm.text
    await tap(resident, "Yes, stop")
    assert await opted_out(bot)
