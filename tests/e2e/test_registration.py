"""A resident registers end to end: real PTB Application, simulator over HTTP, SQLite file."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import applicants as repo
from tests.e2e.residents import ENGLISH, answer_interview, register, say, tap


async def test_complete_registration_in_indonesian(sim: BotApiSimulator, bot: BotRunner) -> None:
    reg_no = await register(sim, 1001, source="kel_cipocok")

    assert reg_no == "SRG-2026-00001"
    user = sim.user(1001)
    final = user.last_message
    assert final is not None
    assert "Memenuhi syarat" in final.text
    assert "jatah tempat khusus warga Kota Serang" in final.text
    # What the resident agreed to and what they sent stay readable, without stale buttons.
    consent = next(m for m in user.messages if "Persetujuan penggunaan data" in m.text)
    summary = next(m for m in user.messages if "Ringkasan jawaban Anda" in m.text)
    assert consent.buttons == [] and summary.buttons == []
    assert bot.deps is not None
    stored = await repo.get(bot.deps.db, 1001)
    assert stored is not None
    assert stored.source == "kel_cipocok"
    assert stored.answers["phone"] == "+6281234567890"
    assert stored.answers["destinations"] == ["jepang", "korea"]
    assert stored.outcome == "memenuhi_syarat" and stored.pool == "kota_serang"
    assert stored.consent_version and stored.consent_at
    assert sim.unanswered_callbacks() == []


async def test_complete_registration_in_english(sim: BotApiSimulator, bot: BotRunner) -> None:
    user = sim.user(1002, first_name="John", language_code="en")
    welcome = await say(user, "/start")
    assert "Do you agree?" in welcome.text
    await tap(user, "I agree")
    summary = await answer_interview(user, ENGLISH)
    assert "Summary of your answers" in summary.text
    assert "Worked abroad</b>" not in summary.text  # plain text, tags stripped
    assert "Work abroad: Malaysia, pekerja pabrik" in summary.text
    done = await tap(user, "Submit registration")

    assert "Your registration has been submitted" in done.text
    assert "To be completed" in done.text
    assert "a SIAPkerja account" in done.text and "a passport" in done.text
    assert "Memenuhi" not in done.text and "Langkah" not in done.text
    status = await say(user, "/status")
    assert "Stage: Registered" in status.text
    assert "SRG-2026-00001" in status.text


async def test_command_menus_are_set_per_language(sim: BotApiSimulator, bot: BotRunner) -> None:
    private = {"type": "all_private_chats"}  # no menu in groups (test_groups.py)
    indonesian = sim.commands(private, language_code="id")
    english = sim.commands(private, language_code="en")
    assert [c["command"] for c in indonesian][:3] == ["start", "daftar", "status"]
    assert dict((c["command"], c["description"]) for c in english)["hapus"] == "Delete your data"
    assert dict((c["command"], c["description"]) for c in indonesian)["hapus"] == "Hapus data Anda"


async def test_status_data_and_deletion(sim: BotApiSimulator, bot: BotRunner) -> None:
    reg_no = await register(sim, 1003)
    user = sim.user(1003)
    status = await say(user, "/status")
    assert reg_no in status.text and "Tahap: Terdaftar" in status.text
    data = await say(user, "/data")
    assert "Siti Aminah" in data.text and "3673055512980001" in data.text
    assert "Persetujuan: Sabtu, 28 November 2026" in data.text

    confirm = await say(user, "/hapus")
    assert confirm.buttons == ["Ya, hapus data saya", "Batal"]
    done = await tap(user, "Ya, hapus data saya")
    assert "sudah dihapus" in done.text
    assert bot.deps is not None
    assert await repo.get(bot.deps.db, 1003) is None
    # The funnel keeps its counts, without the person.
    rows = await bot.deps.db.fetchall("SELECT user_id, step FROM funnel WHERE step='completed'")
    assert [(r["user_id"], r["step"]) for r in rows] == [(None, "completed")]
    assert "belum mendaftar" in (await say(user, "/status")).text

    # The next registration never reuses the deleted one's number.
    assert await register(sim, 1004) == "SRG-2026-00002"


async def test_refusing_consent_keeps_nothing(sim: BotApiSimulator, bot: BotRunner) -> None:
    user = sim.user(1005)
    await say(user, "/start poster_pasar")
    reply = await tap(user, "Tidak setuju")
    assert "kami tidak menyimpan data Anda" in reply.text
    assert bot.deps is not None
    assert await repo.get(bot.deps.db, 1005) is None
    again = await say(user, "/start")
    assert "Apakah Anda setuju?" in again.text
