"""Groups: the bot answers nothing there, so it offers no menu there and a command typed
there does not count as the person being reachable again (issue 10)."""

from __future__ import annotations

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import applicants as repo
from tests.e2e.residents import register, say

GROUP = -4101


def names(commands: list[dict[str, str]]) -> list[str]:
    return [c["command"] for c in commands]


async def test_the_resident_menu_is_for_private_chats_only(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    private = {"type": "all_private_chats"}
    for language in ("id", "en", ""):
        assert "daftar" in names(sim.commands(private, language)), language
        assert sim.commands(None, language) == [], language  # default scope: groups too
    assert sim.commands(private, "en")[0]["description"] != sim.commands(private, "id")[0][
        "description"
    ]


async def test_only_a_private_message_makes_an_inactive_resident_active(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    db = bot.deps.db
    await register(sim, 7601)
    applicant = await repo.get(db, 7601)
    assert applicant is not None
    await repo.update(db, applicant, inactive=True)  # a send to them met 403 earlier
    user = sim.user(7601)

    await user.send("/status", chat_id=GROUP)
    await user.send("/status@serang_pmi_bot", chat_id=GROUP)
    await user.wait_idle(quiet=0.3)
    assert sim.chat(GROUP).messages == []
    applicant = await repo.get(db, 7601)
    assert applicant is not None and applicant.inactive

    reply = await say(user, "/status")
    assert "SRG-" in reply.text
    applicant = await repo.get(db, 7601)
    assert applicant is not None and not applicant.inactive
