"""The Staf page (admins only): who holds the staff commands, read-only."""

from __future__ import annotations

import re

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.helpers.dashboard import browser, logged_in
from tests.helpers.runner import add_staff

PATH = "/dasbor/staf"


async def test_admins_see_the_staff_list(sim: BotApiSimulator, bot: BotRunner) -> None:
    await add_staff(bot, STAFF_ID)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(bot, admin) as client:
        html = (await client.get(PATH)).text
        assert f'href="{PATH}" aria-current="page">Staf<' in html
        assert f"<td><code>{STAFF_ID}</code></td>" in html
        assert f"<li><code>{ADMIN_ID}</code></li>" in html
        # When they were added, in WIB (add_staff stamps the real time).
        assert re.search(r"<td>\w+, \d{1,2} \w+ \d{4} pukul \d\d\.\d\d WIB</td>", html)


async def test_other_staff_and_strangers_are_refused(sim: BotApiSimulator, bot: BotRunner) -> None:
    await add_staff(bot, STAFF_ID)
    staff = sim.user(STAFF_ID, first_name="Staf", language_code="id")
    async with logged_in(bot, staff) as client:
        refused = await client.get(PATH)
        assert refused.status_code == 403 and str(ADMIN_ID) not in refused.text
        assert f'href="{PATH}"' not in (await client.get("/dasbor")).text  # not in the menu
    async with browser(bot) as stranger:
        nobody = await stranger.get(PATH)
        assert nobody.status_code == 303 and nobody.headers["location"] == "/dasbor/masuk"
