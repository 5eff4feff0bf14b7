"""Staff on one applicant: /cari, the card, /tahap with its notice, /catatan."""

from __future__ import annotations

import json

import pytest

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator, SimUser
from bot.storage import applicants as repo
from bot.storage import staff as staff_repo
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.e2e.residents import ENGLISH, Person, register, say, tap
from tests.helpers.rows import Seed, insert
from tests.helpers.runner import add_staff


@pytest.fixture
async def staff(sim: BotApiSimulator, bot: BotRunner) -> SimUser:
    await add_staff(bot, STAFF_ID, ADMIN_ID)
    return sim.user(STAFF_ID, first_name="Petugas", language_code="id")


def db_of(bot: BotRunner):  # type: ignore[no-untyped-def]
    assert bot.deps is not None
    return bot.deps.db


async def test_find_by_reg_no_name_part_and_nik(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser
) -> None:
    reg_no = await register(sim, 2001, Person(name="Siti Nurhaliza"), source="kel_cipocok")
    # A WhatsApp resident (a negative user id, bot/storage/contacts.py).
    await insert(db_of(bot), [Seed(-2002, "SRG-2026-00050", name="Ahmad Nurdin")])

    by_number = await say(staff, f"/cari {reg_no.lower()}")
    assert by_number.text.startswith(f"{reg_no} · Siti Nurhaliza")
    # The card: answers, verdict, stage, dates, source, the NIK and staff notes.
    for part in (
        "Status: pendaftaran terkirim",
        "Tahap: Terdaftar (sejak",
        "Penilaian: Memenuhi syarat",
        "mendapat tempat di kuota prioritas Kota Serang",
        "NIK: 3673055512980001",
        "Kecamatan: Cipocok Jaya",
        "Tujuan kerja: 1. Jepang, 2. Korea Selatan",
        "Sumber: kel_cipocok",
        "Kanal: Telegram",
        "ID Telegram: 2001",
        "Catatan staf (0)",
        f"/tahap {reg_no} wawancara",
    ):
        assert part in by_number.text, part
    assert (await say(staff, "/cari 1")).text.startswith(reg_no)  # the number's last digits
    by_nik = await say(staff, "/cari 3673 0555 1298 0001")
    assert by_nik.text.startswith(reg_no)

    # "nur" is in both names: a list with one button each, a tap opens the card.
    listing = await say(staff, "/cari NUR")
    assert "Ada 2 pendaftar yang cocok" in listing.text
    assert listing.buttons == [
        f"{reg_no} · Siti Nurhaliza · Telegram", "SRG-2026-00050 · Ahmad Nurdin · WhatsApp",
    ]  # fmt: skip
    card = await tap(staff, "SRG-2026-00050")
    assert card.text.startswith("SRG-2026-00050 · Ahmad Nurdin")
    assert "Kanal: WhatsApp" in card.text and "ID Telegram" not in card.text
    assert sim.unanswered_callbacks() == []

    entries = await staff_repo.latest_audit(db_of(bot), 10)
    lookups = [(e.target, json.loads(e.detail or "")) for e in reversed(entries)
               if e.action == "lookup"]  # fmt: skip
    assert lookups == [
        (reg_no, {"by": "reg_no", "found": 1}),
        (reg_no, {"by": "reg_suffix", "found": 1}),
        (reg_no, {"by": "nik", "found": 1}),
        (f"{reg_no},SRG-2026-00050", {"by": "name", "found": 2}),
        ("SRG-2026-00050", {"card": True}),
    ]
    # The typed search is not kept: it may be a NIK.
    assert all("3673055512980001" not in (e.detail or "") + (e.target or "") for e in entries)


async def test_card_shows_flags_notes_and_reachability(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser
) -> None:
    seed = Seed(
        2010, "SRG-2026-00010", name="Dewi <Lestari> & Co", outcome="perlu_dilengkapi",
        missing=["passport"], waitlist_no=4, staff_flags=["nik_outside_kota_serang"],
        opted_out=True,
    )  # fmt: skip
    await insert(db_of(bot), [seed])
    await say(staff, "/catatan SRG-2026-00010 KK dari Kab. Serang, domisili sudah pindah <ok>")
    card = await say(staff, "/cari SRG-2026-00010")
    text = card.text
    assert text.startswith("SRG-2026-00010 · Dewi <Lestari> & Co")  # escaped, shown as typed
    assert "Penilaian: Perlu dilengkapi" in text and "belum punya paspor" in text
    # Ticket 4, but nobody else is waiting: the card shows the position, which is 1.
    assert "daftar tunggu kuota prioritas Kota Serang, nomor 1" in text
    assert "NIK tidak diterbitkan di Kota Serang" in text
    assert "Berhenti menerima pengumuman" in text
    assert "Catatan staf (1)" in text
    assert f"{STAFF_ID}: KK dari Kab. Serang, domisili sudah pindah <ok>" in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("/cari", "Tulis yang dicari"),
        ("/cari ab", "paling sedikit 3 huruf"),
        ("/cari 1234567", "bukan nomor pendaftaran atau NIK"),
        ("/cari SRG-2026-99999", "Tidak ada pendaftar yang cocok"),
        ("/cari 3673055512980009", "Tidak ada pendaftar yang cocok"),
        ("/cari zzz%", "Tidak ada pendaftar yang cocok"),
        ("/cari " + "a" * 101, "terlalu panjang"),
    ],
)
async def test_bad_searches(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser, query: str, expected: str
) -> None:
    await insert(db_of(bot), [Seed(2020, "SRG-2026-00020", name="Ahmad 100% Yakin")])
    assert expected in (await say(staff, query)).text


async def test_many_matches_are_capped_with_a_hint(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser
) -> None:
    seeds = [Seed(3000 + i, f"SRG-2026-{i + 1:05d}", name=f"Budi Santoso {i}") for i in range(14)]
    await insert(db_of(bot), seeds)
    listing = await say(staff, "/cari santoso")
    assert "Ada 14 pendaftar" in listing.text and "hanya 10 pertama" in listing.text
    assert len(listing.buttons) == 10
    assert listing.buttons[0] == "SRG-2026-00001 · Budi Santoso 0 · Telegram"


async def test_stage_change_tells_the_applicant_in_their_language(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser
) -> None:
    # An English-speaking applicant who registered through the bot.
    english = sim.user(2101, first_name="John", language_code="en")
    await say(english, "/start")
    await tap(english, "I agree")
    from tests.e2e.residents import answer_interview

    await answer_interview(english, ENGLISH)
    await tap(english, "Submit registration")
    stored = await repo.get(db_of(bot), 2101)
    assert stored is not None and stored.reg_no
    reg_no = stored.reg_no
    before = len(english.messages)

    reply = await say(staff, f"/tahap {reg_no} Wawancara Datang Senin 09.00, bawa KTP")
    assert f"{reg_no}: Terdaftar → Wawancara" in reply.text
    assert "Pendaftar sudah diberi tahu" in reply.text and "Catatan disimpan" in reply.text
    notice = english.messages[before:]
    assert len(notice) == 1
    assert "Your application is now at stage: Interview" in notice[0].text
    assert "Next step:" in notice[0].text and "Langkah" not in notice[0].text
    # The note is for staff: the applicant never sees it.
    assert "bawa KTP" not in notice[0].text

    stored = await repo.get(db_of(bot), 2101)
    assert stored is not None and stored.stage == "wawancara"
    assert stored.stage_changed_at == "2026-11-28T03:00:00+00:00"
    status = await say(english, "/status")
    assert "Stage: Interview" in status.text
    card = await say(staff, f"/cari {reg_no}")
    assert "[wawancara] Datang Senin 09.00, bawa KTP" in card.text
    entry = (await staff_repo.latest_audit(db_of(bot), 5))[1]
    assert (entry.action, entry.target, json.loads(entry.detail or "")) == (
        "stage", reg_no, {"from": "terdaftar", "to": "wawancara", "note": True},
    )  # fmt: skip


async def test_stage_change_reaches_opted_out_but_not_blocked_applicants(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser
) -> None:
    await insert(
        db_of(bot),
        [
            Seed(2201, "SRG-2026-00201", opted_out=True),
            Seed(2202, "SRG-2026-00202", inactive=True),
            Seed(2203, "SRG-2026-00203", locale="en"),
        ],
    )
    opted_out = await say(staff, "/tahap SRG-2026-00201 terverifikasi")
    assert "sudah diberi tahu" in opted_out.text
    assert "Tahap pendaftaran Anda sekarang: Terverifikasi" in sim.chat(2201).messages[-1].text

    inactive = await say(staff, "/tahap SRG-2026-00202 terverifikasi")
    assert "tidak diberi tahu" in inactive.text
    assert sim.chat(2202).messages == []

    # Blocked since the last message: Telegram answers 403, the applicant becomes inactive.
    sim.block(2203)
    blocked = await say(staff, "/tahap SRG-2026-00203 tidak_lolos")
    assert "memblokir bot" in blocked.text
    stored = await repo.get(db_of(bot), 2203)
    assert stored is not None and stored.inactive and stored.stage == "tidak_lolos"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/tahap", "Tulis /tahap NOMOR TAHAP"),
        ("/tahap SRG-2026-00301", "Tulis /tahap NOMOR TAHAP"),
        ("/tahap SRG-2026-00301 lulus", "Tahap lulus tidak dikenal"),
        ("/tahap SRG-2026-00301 <b>", "Tahap <b> tidak dikenal"),
        ("/tahap 301 wawancara", "301 bukan nomor pendaftaran"),
        ("/tahap SRG-2026-00999 wawancara", "SRG-2026-00999 tidak ditemukan"),
        ("/tahap srg-2026-00301 terdaftar", "sudah berada di tahap Terdaftar"),
        ("/tahap SRG-2026-00301 wawancara " + "x" * 1001, "paling banyak 1000 karakter"),
        ("/catatan", "Tulis /catatan NOMOR"),
        ("/catatan SRG-2026-00301", "Tulis /catatan NOMOR"),
        ("/catatan SRG-2026-00999 teks", "SRG-2026-00999 tidak ditemukan"),
        ("/catatan 00301 teks", "bukan nomor pendaftaran"),
        ("/catatan SRG-2026-00301 " + "x" * 1001, "paling banyak 1000 karakter"),
    ],
)
async def test_bad_stage_and_note_input(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser, command: str, expected: str
) -> None:
    await insert(db_of(bot), [Seed(2301, "SRG-2026-00301")])
    reply = await say(staff, command)
    assert expected in reply.text
    if "tidak dikenal" in expected or "NOMOR TAHAP" in expected:
        # The valid stages are listed, with their names.
        assert "pemetaan_minat (Pemetaan minat)" in reply.text
        assert "mengundurkan_diri" in reply.text
    stored = await repo.get(db_of(bot), 2301)
    assert stored is not None and stored.stage == "terdaftar"
    assert sim.chat(2301).messages == []
    count = await db_of(bot).fetchval("SELECT COUNT(*) FROM staff_notes")
    assert count == 0


async def test_notes_are_kept_in_order_and_deleted_with_the_applicant(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser
) -> None:
    reg_no = await register(sim, 2401)
    for i in range(7):
        done = await say(staff, f"/catatan {reg_no} catatan nomor {i}")
        assert f"Catatan untuk {reg_no} disimpan" in done.text
    card = await say(staff, f"/cari {reg_no}")
    assert "Catatan staf (7)" in card.text
    assert card.text.index("catatan nomor 6") < card.text.index("catatan nomor 2")
    assert "catatan nomor 1" not in card.text and "dan 2 catatan lebih lama" in card.text
    assert sim.chat(2401).messages[-1].text.startswith("🎉")  # nothing sent to the applicant

    # /hapus by the applicant removes the notes too (UU PDP).
    resident = sim.user(2401)
    await say(resident, "/hapus")
    await tap(resident, "Ya, hapus data saya")
    assert await db_of(bot).fetchval("SELECT COUNT(*) FROM staff_notes") == 0
    notes = await staff_repo.latest_audit(db_of(bot), 20)
    assert sum(e.action == "note" for e in notes) == 7


async def test_a_card_with_long_notes_fits_one_message(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser
) -> None:
    await insert(db_of(bot), [Seed(2501, "SRG-2026-00501", name="Rina <b>Wulandari</b>")])
    for i in range(6):
        text = f"baris {i}\n" + f"catatan panjang {i} & <i>lagi</i> " * 30
        assert "disimpan" in (await say(staff, f"/catatan SRG-2026-00501 {text}"[:1030])).text
    card = await say(staff, "/cari SRG-2026-00501")
    assert len(card.text) <= 4096
    assert card.text.startswith("SRG-2026-00501 · Rina <b>Wulandari</b>")
    assert "Catatan staf (6)" in card.text and "catatan panjang 5 & <i>lagi</i>" in card.text
    assert card.text.endswith("…")  # older notes left out rather than a message refused
