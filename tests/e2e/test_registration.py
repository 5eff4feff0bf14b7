"""A resident registers end to end: real PTB Application, simulator over HTTP, SQLite file."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import applicants as repo
from tests.e2e.residents import Person, answer_interview, register, say, tap


async def test_complete_registration_in_indonesian(sim: BotApiSimulator, bot: BotRunner) -> None:
    reg_no = await register(sim, 1001, source="kel_cipocok")

    assert reg_no == "SRG-2026-00001"
    user = sim.user(1001)
    final = user.last_message
    assert final is not None
    assert "Memenuhi syarat" in final.text
    assert "kuota prioritas warga Kota Serang" in final.text
    assert bot.deps is not None
    stored = await repo.get(bot.deps.db, 1001)
    assert stored is not None
    assert stored.source == "kel_cipocok"
    assert stored.answers["phone"] == "+6281234567890"
    assert stored.answers["destinations"] == ["jepang", "korea"]
    assert stored.outcome == "memenuhi_syarat" and stored.pool == "kota_serang"
    assert stored.consent_version and stored.consent_at
    assert sim.unanswered_callbacks() == []
