"""One read per update: load_locale reads the applicant row and the conversation in one
statement, and hands the row to the handler once."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.runner import BotRunner
from bot.storage import applicants as repo
from bot.storage import conversations
from bot.storage.conversations import Kind
from handlers.common import applicant_of, load_locale

USER_ID = 3100


def _update(app_bot: object) -> Update:
    update = Update.de_json(
        {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": USER_ID, "type": "private"},
                "from": {"id": USER_ID, "is_bot": False, "first_name": "Rina"},
                "text": "/status",
            },
        },
        app_bot,  # type: ignore[arg-type]
    )
    assert update is not None
    return update


async def test_the_row_read_for_the_locale_is_taken_once_then_read_again(bot: BotRunner) -> None:
    assert bot.app is not None and bot.deps is not None
    db = bot.deps.db
    await repo.create(db, USER_ID, locale="id", source=None)
    update = _update(bot.app.bot)
    context = BotContext.from_update(update, bot.app)

    await load_locale(update, context)  # the middleware: reads the row, keeps it
    changed = await repo.get(db, USER_ID)
    assert changed is not None
    await repo.update(db, changed, locale="en")  # written after the middleware's read

    handed = await applicant_of(update, context)
    assert handed is not None and handed.locale == "id"  # the middleware's row: no new read
    again = await applicant_of(update, context)
    assert again is not None and again.locale == "en"  # taken once: the next one reads SQLite

    fresh = BotContext.from_update(update, bot.app)  # another update: nothing kept
    read = await applicant_of(update, fresh)
    assert read is not None and read.locale == "en"


async def test_the_person_and_their_conversation_are_one_read(bot: BotRunner) -> None:
    assert bot.app is not None and bot.deps is not None
    db = bot.deps.db
    await repo.create(db, USER_ID, locale="en", source=None)
    async with db.transaction() as conn:
        await conversations.begin(conn, USER_ID, Kind.ABSENCE_REASON, 17)
    update = _update(bot.app.bot)
    context = BotContext.from_update(update, bot.app)
    statements: list[str] = []
    await db.conn.set_trace_callback(statements.append)
    try:
        await load_locale(update, context)
    finally:
        await db.conn.set_trace_callback(None)
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("SELECT")
    assert context.person is not None and context.person.applicant is not None
    assert context.person.applicant.locale == "en"
    assert context.person.conversation is not None
    assert context.person.conversation.ref == 17
