"""Benchmark 11's machinery: one WhatsApp registration counted at the simulator (counts, never
timings), and the transcript document it writes."""

from __future__ import annotations

from scripts.bench import wa_registration
from scripts.wa_transcript import document


async def test_a_registration_is_counted_and_written_down() -> None:
    r = await wa_registration.registration()
    assert r.reg_no == "SRG-2026-00001"
    assert r.calls == r.received  # one call per message: nothing refused, nothing retried
    assert 20 <= r.received <= 45  # one question a message; within Meta's burst to one person
    assert r.sent >= 20 and r.interactive < r.received
    text = document(r)
    assert f"Graph API calls: **{r.calls}**" in text
    assert "> Siti: [tap: Pakai nomor ini]" in text and "SRG-2026-00001" in text
