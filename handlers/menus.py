"""The command menus as a feature: set at start-up, for residents and for each staff member.

The menus themselves are in bot/channels/telegram/menus.py; granting or removing a role
(handlers/staff.py) sets that one person's menu again.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.channels.telegram import menus
from bot.deps import Deps
from bot.feature import App, Feature

log = logging.getLogger(__name__)


@asynccontextmanager
async def menus_lifespan(app: App, d: Deps) -> AsyncIterator[None]:
    """Start-up: the residents' default menu, then every staff and admin menu. Nothing to
    undo at the end: the menus stay set at Telegram."""
    await menus.set_resident_menus(app.bot, d)
    count = await menus.apply_all(d, app.bot)
    log.info("staff menus set for %d people", count)
    yield


FEATURE = Feature(name="menus", lifespan=menus_lifespan)
