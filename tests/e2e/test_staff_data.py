"""The rows tests/helpers/rows.py writes straight into SQLite look like a real registration.

Registering through the bot takes a second per person; the staff tests need dozens (and the
scale figures 10,000), so they insert rows. This test registers one through the bot and
compares, so the shape cannot drift.
"""

from __future__ import annotations

import json

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.e2e.residents import register
from tests.helpers.rows import Seed, insert


async def test_seeded_rows_look_like_registered_ones(sim: BotApiSimulator, bot: BotRunner) -> None:
    assert bot.deps is not None
    db = bot.deps.db
    await register(sim, 5001)
    await insert(db, [Seed(5002, "SRG-2026-09999")])
    registered = await db.fetchone("SELECT * FROM applicants WHERE user_id = 5001")
    seeded = await db.fetchone("SELECT * FROM applicants WHERE user_id = 5002")
    assert registered is not None and seeded is not None
    # Keys starting with "_" are the interview's own working notes (what the NIK said).
    public = {k for k in json.loads(registered["answers"]) if not k.startswith("_")}
    assert public == set(json.loads(seeded["answers"]))
    for column in ("status", "outcome", "pool", "stage", "consent_version", "locale"):
        assert registered[column] == seeded[column], column
    steps = await db.fetchall("SELECT user_id, step FROM funnel ORDER BY step")
    by_user = {
        uid: sorted(r["step"] for r in steps if r["user_id"] == uid) for uid in (5001, 5002)
    }
    assert by_user[5001] == by_user[5002]
