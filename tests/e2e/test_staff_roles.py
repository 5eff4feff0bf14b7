"""Roles: who may use which staff command, the staff menus, /staf and /audit."""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import catalog
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import staff as staff_repo
from bot.storage.db import Database
from tests.conftest import ADMIN_ID, STAFF_ID, RunnerFactory
from tests.e2e.residents import last, say
from tests.helpers.rows import Seed, insert
from tests.helpers.runner import add_staff

RESIDENT_ID = 700_001
UNKNOWN = catalog("id").gettext("error.unknown_command")

# Every staff command with arguments that would do something real, and whether only admins
# may use it.
STAFF_COMMANDS: list[tuple[str, bool]] = [
    ("/staf", False),
    ("/cari Aminah", False),
    ("/tahap SRG-2026-00001 terverifikasi", False),
    ("/catatan SRG-2026-00001 KK sudah dicek", False),
    ("/statistik", False),
    ("/audit", True),
    ("/ekspor", True),
    ("/staf tambah 700002", True),
]


def chat_scope(user_id: int) -> dict[str, Any]:
    return {"type": "chat", "chat_id": user_id}


def names(commands: list[dict[str, str]]) -> list[str]:
    return [c["command"] for c in commands]


@pytest.fixture
async def seeded(bot: BotRunner) -> BotRunner:
    assert bot.deps is not None
    await insert(bot.deps.db, [Seed(RESIDENT_ID + 50, "SRG-2026-00001")])
    await add_staff(bot, STAFF_ID, ADMIN_ID)
    return bot


async def unknown_reply(sim: BotApiSimulator, user_id: int) -> str:
    return (await say(sim.user(user_id), "/perintahyangtidakada")).text


@pytest.mark.parametrize(("command", "admin_only"), STAFF_COMMANDS)
async def test_a_resident_sees_only_the_unknown_command_answer(
    sim: BotApiSimulator, seeded: BotRunner, command: str, admin_only: bool
) -> None:
    resident = sim.user(RESIDENT_ID, first_name="Warga")
    expected = await unknown_reply(sim, RESIDENT_ID)
    assert expected == UNKNOWN
    assert (await say(resident, command)).text == expected
    # Nothing was done on the resident's behalf.
    assert seeded.deps is not None
    assert await staff_repo.latest_audit(seeded.deps.db, 10) == []


@pytest.mark.parametrize(("command", "admin_only"), STAFF_COMMANDS)
async def test_staff_may_use_staff_commands_but_not_admin_ones(
    sim: BotApiSimulator, seeded: BotRunner, command: str, admin_only: bool
) -> None:
    staff = sim.user(STAFF_ID, first_name="Petugas")
    unknown = await unknown_reply(sim, STAFF_ID)
    reply = await say(staff, command)
    if admin_only and command.startswith("/staf"):
        assert "hanya admin" in reply.text
    elif admin_only:
        assert reply.text == unknown
    else:
        assert reply.text != unknown and reply.text != UNKNOWN


@pytest.mark.parametrize(("command", "admin_only"), STAFF_COMMANDS)
async def test_admins_may_use_every_staff_command(
    sim: BotApiSimulator, seeded: BotRunner, command: str, admin_only: bool
) -> None:
    admin = sim.user(ADMIN_ID, first_name="Admin")
    await admin.send(command)
    # The first reply first: "quiet for 50 ms" alone can come before a busy machine has
    # handled the update at all.
    replies = [await admin.next_message(timeout=10)]
    replies += await admin.wait_idle(quiet=0.05, timeout=10)
    assert all(m.text != UNKNOWN for m in replies)
    assert "hanya admin" not in replies[-1].text


async def test_staff_buttons_are_guarded_too(sim: BotApiSimulator, seeded: BotRunner) -> None:
    assert seeded.deps is not None
    await insert(seeded.deps.db, [Seed(RESIDENT_ID + 51, "SRG-2026-00002")])
    staff = sim.user(STAFF_ID)
    listing = await say(staff, "/cari aminah")
    assert len(listing.buttons) == 2
    # A resident replaying the staff button's callback gets nothing of the card.
    resident = sim.user(RESIDENT_ID)
    await say(resident, "/start")
    resident_view = resident.chat.messages[-1]
    data = listing.inline_keyboard[0][0]["callback_data"]
    assert data.startswith("card:")
    resident_view.reply_markup = {"inline_keyboard": [[{"text": "x", "callback_data": data}]]}
    await resident.tap_on(resident_view, "x")
    reply = await last(resident)
    assert reply.text == UNKNOWN
    assert "SRG-2026-00001" not in reply.text
    assert sim.unanswered_callbacks() == []


async def test_menus_at_start_up_follow_the_roles(
    sim: BotApiSimulator, make_runner: RunnerFactory, settings: Any
) -> None:
    db = await Database.open(settings.database_path)
    await staff_repo.add(db, STAFF_ID, ADMIN_ID)
    await db.close()
    runner = make_runner()
    await runner.start()
    try:
        admin_id = names(sim.commands(chat_scope(ADMIN_ID), "id"))
        staff_id = names(sim.commands(chat_scope(STAFF_ID), "id"))
        staff_en = sim.commands(chat_scope(STAFF_ID), "en")
        assert {"cari", "tahap", "catatan", "statistik", "umumkan", "audit", "ekspor"} <= set(
            admin_id
        )
        assert "cari" in staff_id and "audit" not in staff_id and "ekspor" not in staff_id
        # Staff keep the resident commands too (a chat menu replaces the default one).
        assert {"bahasa", "bantuan"} <= set(staff_id)
        assert dict((c["command"], c["description"]) for c in staff_en)["cari"].startswith(
            "Find an applicant"
        )
        # Without a language of its own the menu is in the default locale.
        assert names(sim.commands(chat_scope(STAFF_ID))) == staff_id
        # Residents have no menu of their own: they see the default one, without staff commands.
        assert sim.commands(chat_scope(RESIDENT_ID), "id") == []
        assert "cari" not in names(sim.commands(language_code="id"))
    finally:
        await runner.stop()


async def test_admin_grants_and_removes_the_staff_role(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    newcomer = 700_002
    sim.user(newcomer, first_name="Baru", language_code="en")
    admin = sim.user(ADMIN_ID)
    reply = await say(admin, f"/staf tambah {newcomer}")
    assert f"{newcomer} sekarang staf" in reply.text
    assert await staff_repo.is_staff(bot.deps.db, newcomer)
    assert "cari" in names(sim.commands(chat_scope(newcomer), "id"))
    welcome = sim.chat(newcomer).messages[-1].text
    assert "staf program pelatihan" in welcome  # no applicant row: the default language
    listing = await say(admin, "/staf")
    assert str(newcomer) in listing.text and str(ADMIN_ID) in listing.text

    # The new staff member can work at once, in the language of their phone.
    assert (await say(sim.user(newcomer), "/cari")).text.startswith("Write what to look for")

    again = await say(admin, f"/staf tambah {newcomer}")
    assert "sudah menjadi staf" in again.text
    removed = await say(admin, f"/staf hapus {newcomer}")
    assert "sudah dicabut" in removed.text
    assert not await staff_repo.is_staff(bot.deps.db, newcomer)
    assert sim.commands(chat_scope(newcomer), "id") == []
    assert sim.commands(chat_scope(newcomer)) == []
    assert "dicabut" in sim.chat(newcomer).messages[-1].text
    after = (await say(sim.user(newcomer), "/cari x")).text
    assert after == catalog("en").gettext("error.unknown_command")

    entries = await staff_repo.latest_audit(bot.deps.db, 10)
    roles = [(e.action, e.target, e.detail) for e in entries if e.action == "role"]
    assert roles == [
        ("role", str(newcomer), '{"change": "remove"}'),
        ("role", str(newcomer), '{"change": "add"}'),
    ]
    assert all(e.actor_id == ADMIN_ID for e in entries if e.action == "role")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/staf tambah", "ID Telegram harus berupa angka"),
        ("/staf tambah abc", "ID Telegram harus berupa angka"),
        ("/staf tambah -5", "ID Telegram harus berupa angka"),
        ("/staf tambah 99999999999999999999", "ID Telegram harus berupa angka"),
        ("/staf tambah 1 2", "ID Telegram harus berupa angka"),
        ("/staf hapus 123456", "bukan staf"),
        (f"/staf hapus {ADMIN_ID}", "adalah admin"),
        (f"/staf tambah {ADMIN_ID}", "adalah admin"),
        ("/staf pecat 123", "Perintah staf:"),
        ("/audit semua", "/audit 50"),
        ("/audit 0", "/audit 50"),
        ("/audit 101", "paling banyak 100"),
    ],
)
async def test_bad_role_and_audit_input(
    sim: BotApiSimulator, bot: BotRunner, command: str, expected: str
) -> None:
    reply = await say(sim.user(ADMIN_ID), command)
    assert expected in reply.text
    assert bot.deps is not None
    assert await staff_repo.members(bot.deps.db) == []


async def test_audit_shows_the_latest_entries_newest_first(
    sim: BotApiSimulator, seeded: BotRunner
) -> None:
    staff = sim.user(STAFF_ID)
    await say(staff, "/cari SRG-2026-00001")
    await say(staff, "/catatan SRG-2026-00001 Dokumen lengkap")
    await say(staff, "/tahap SRG-2026-00001 terverifikasi")
    admin = sim.user(ADMIN_ID)
    log = await say(admin, "/audit")
    lines = log.text.splitlines()
    assert "Aktivitas staf terakhir" in lines[0]
    body = [line for line in lines[1:] if line.strip()]
    assert len(body) == 3
    assert "Mengubah tahap SRG-2026-00001: Terdaftar → Terverifikasi" in body[0]
    assert "Menambahkan catatan untuk SRG-2026-00001" in body[1]
    assert "Mencari pendaftar menurut nomor pendaftaran: 1 ditemukan" in body[2]
    assert all(str(STAFF_ID) in line and "SRG-2026-00001" in line for line in body)
    assert "28 Nov 2026 10.00 WIB" in body[0]
    short = await say(admin, "/audit 1")
    assert len([line for line in short.text.splitlines()[1:] if line.strip()]) == 1


async def test_a_long_audit_log_is_split_over_messages(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    assert bot.deps is not None
    rows = [
        ("2026-11-28T03:00:00+00:00", STAFF_ID, "lookup", f"SRG-2026-{i:05d}",
         '{"by": "name", "found": 1}')
        for i in range(120)
    ]
    await bot.deps.db.write_many(
        "INSERT INTO audit_log (at, actor_id, action, target, detail) VALUES (?, ?, ?, ?, ?)", rows
    )
    admin = sim.user(ADMIN_ID)
    await admin.send("/audit 100")
    first = await admin.next_message(timeout=15)  # however long a busy machine takes
    messages = [first, *await admin.wait_idle(quiet=0.3, timeout=10)]
    assert len(messages) >= 2
    assert all(len(m.text) <= 4096 for m in messages)
    shown = sum(m.text.count("SRG-2026-") for m in messages)
    assert shown == 100
    assert "SRG-2026-00119" in messages[0].text  # newest first


async def test_an_admin_taken_out_of_admin_ids_loses_the_menu_at_the_next_start(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    former = 900_009
    sim.user(former, first_name="Mantan")
    first = make_runner(admin_ids=frozenset({ADMIN_ID, former}))
    await first.start()
    await first.stop()
    assert "audit" in names(sim.commands(chat_scope(former), "id"))

    second = make_runner(admin_ids=frozenset({ADMIN_ID}))  # taken out while the bot was down
    await second.start()
    try:
        assert second.deps is not None
        assert sim.commands(chat_scope(former), "id") == []
        assert sim.commands(chat_scope(former)) == []
        assert "audit" in names(sim.commands(chat_scope(ADMIN_ID), "id"))  # the others keep it
        assert await staff_repo.menu_holders(second.deps.db) == [ADMIN_ID]
    finally:
        await second.stop()
