"""/statistik against known seeded applicants, as text and as charts."""

from __future__ import annotations

import pytest

from bot.runner import BotRunner
from bot.services import stats
from bot.simulator import BotApiSimulator, SentMessage, SimUser
from bot.storage import staff as staff_repo
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.helpers.rows import Seed, insert
from tests.helpers.runner import add_staff

# Seven people whose figures are worked out by hand below.
SEEDS = [
    Seed(4001, "SRG-2026-00001", kecamatan="cipocok_jaya", destinations=["jepang", "korea"],
         interests=["las"], submitted_at="2026-11-27T03:00:00+00:00"),
    # 01:00 WIB on the 28th is still the 27th in UTC: it counts for the 28th.
    Seed(4002, "SRG-2026-00002", kecamatan="taktakan", kelurahan="sayar",
         destinations=["korea"], interests=["las", "tik"], stage="wawancara",
         submitted_at="2026-11-27T18:00:00+00:00"),
    Seed(4003, "SRG-2026-00003", kecamatan="taktakan", kelurahan="sayar", waitlist_no=1,
         destinations=["jepang"], interests=["caregiver"],
         submitted_at="2026-11-20T03:00:00+00:00"),
    # On WhatsApp (a negative user id).
    Seed(-4004, "SRG-2026-00004", domicile="lampung", pool="wilayah",
         outcome="perlu_dilengkapi", missing=["passport"], destinations=["taiwan"],
         interests=["las"], submitted_at="2026-11-01T03:00:00+00:00", opted_out=True),
    Seed(4005, "SRG-2026-00005", domicile="other", pool=None,
         outcome="belum_memenuhi_syarat", reasons=["province"], destinations=["malaysia"],
         interests=["garmen"], submitted_at="2026-11-15T03:00:00+00:00", inactive=True),
    Seed(4006, None, status="interviewing", outcome=None, pool=None, stage=None,
         submitted_at=None),
    Seed(4007, None, status="minor", outcome=None, pool=None, stage=None, submitted_at=None),
]  # fmt: skip


async def replies(user: SimUser, n: int) -> list[SentMessage]:
    """The next n messages, however long the bot takes (charts take a moment to draw)."""
    return [await user.next_message(timeout=30) for _ in range(n)]


@pytest.fixture
async def staff(sim: BotApiSimulator, bot: BotRunner) -> SimUser:
    assert bot.deps is not None
    await insert(bot.deps.db, SEEDS)
    await add_staff(bot, STAFF_ID, ADMIN_ID)
    return sim.user(STAFF_ID, first_name="Petugas")


async def test_figures_from_the_database(bot: BotRunner, staff: SimUser) -> None:
    assert bot.deps is not None
    f = await stats.gather(bot.deps)
    assert (f.started, f.registered, f.in_progress, f.minors) == (7, 5, 1, 1)
    assert (f.opted_out, f.inactive) == (1, 1)
    assert (f.kota_serang.used, f.kota_serang.waiting, f.kota_serang.left) == (2, 1, 498)
    assert (f.region.used, f.region.quota, f.region.waiting) == (1, 2500, 0)
    assert (f.programme.used, f.programme.quota, f.programme.waiting) == (3, 3000, 1)
    assert f.by_channel == [("telegram", 4), ("whatsapp", 1)]
    assert f.by_outcome == [
        ("memenuhi_syarat", 3), ("perlu_dilengkapi", 1), ("belum_memenuhi_syarat", 1),
    ]  # fmt: skip
    assert dict(f.by_stage) == {s: 0 for s in stats.STAGES} | {"terdaftar": 4, "wawancara": 1}
    assert dict(f.by_kecamatan)["taktakan"] == 2 and dict(f.by_kecamatan)["cipocok_jaya"] == 1
    assert sum(n for _k, n in f.by_kecamatan) == 3  # only Kota Serang residents have one
    assert f.by_destination == [("jepang", 2), ("korea", 1), ("taiwan", 1), ("malaysia", 1)]
    assert f.by_interest == [("las", 3), ("tik", 1), ("caregiver", 1), ("garmen", 1)]
    funnel = dict(f.funnel)
    assert (funnel["started"], funnel["consented"], funnel["completed"]) == (7, 7, 5)
    assert funnel["q:kecamatan"] == 5  # the four Kota Serang residents and one in progress
    days = dict(f.per_day)
    assert [days[d] for d in sorted(days)][-1] == 1  # 28 Nov (WIB), from 18:00 UTC on the 27th
    assert sum(days.values()) == 4  # 1 November is outside the 14 days
    assert f.per_day[0][0].isoformat() == "2026-11-15" and f.per_day[0][1] == 1


async def test_statistik_text(sim: BotApiSimulator, bot: BotRunner, staff: SimUser) -> None:
    await staff.send("/statistik")
    first, second = await replies(staff, 2)
    text = first.text
    for line in (
        "Statistik pendaftaran\nper Sabtu, 28 November 2026 pukul 10.00 WIB",
        "Pendaftaran terkirim: 5",
        "Sedang mengisi: 1",
        "Di bawah umur: 1",
        "Semua yang pernah memulai (/start): 7",
        "Berhenti menerima pengumuman: 1 · Tidak dapat dihubungi: 1",
        "Prioritas Kota Serang: 2 dari 500 terisi (sisa 498), daftar tunggu 1",
        "Lampung, Kalbar): 1 dari 2.500 terisi (sisa 2.499), daftar tunggu 0",
        "Seluruh program: 3 dari 3.000 terisi (sisa 2.997), daftar tunggu 1",
        "Pendaftar per kanal\n• Telegram: 4\n• WhatsApp: 1",
        "• Memenuhi syarat: 3\n• Perlu dilengkapi: 1\n• Belum memenuhi syarat: 1",
        "• Terdaftar: 4\n• Terverifikasi: 0\n• Wawancara: 1",
        "• Taktakan: 2",
        "• Cipocok Jaya: 1",
        "Tujuan pilihan pertama\n• Jepang: 2\n• Korea Selatan: 1\n• Taiwan: 1\n• Malaysia: 1",
        "• Pengelasan (las): 3",
        "• Garmen (menjahit): 1",
    ):
        assert line in text, line
    assert "• Mulai (/start): 7 (100,0%)" in second.text
    assert "• Pendaftaran terkirim: 5 (71,4%)" in second.text
    assert "Pendaftaran per hari (14 hari terakhir, WIB)" in second.text
    assert "• Sab 28 Nov: 1" in second.text and "• Jum 27 Nov: 1" in second.text
    assert "• Jum 20 Nov: 1" in second.text and "• Min 15 Nov: 1" in second.text
    assert bot.deps is not None
    entry = (await staff_repo.latest_audit(bot.deps.db, 1))[0]
    assert (entry.actor_id, entry.action, entry.detail) == (STAFF_ID, "stats", '{"view": "text"}')


async def test_statistik_in_english(sim: BotApiSimulator, bot: BotRunner, staff: SimUser) -> None:
    english = sim.user(ADMIN_ID, language_code="en")
    await english.send("/statistik")
    first, second = await replies(english, 2)
    assert "Kota Serang priority: 2 of 500 taken (498 left), waiting list 1" in first.text
    assert "Whole programme: 3 of 3,000 taken" in first.text
    assert "Applications by channel\n• Telegram: 4\n• WhatsApp: 1" in first.text
    assert "• Sent registration" not in second.text
    assert "• Started (/start): 7 (100.0%)" in second.text
    assert "• Sat 28 Nov: 1" in second.text


async def test_statistik_charts(sim: BotApiSimulator, bot: BotRunner, staff: SimUser) -> None:
    await staff.send("/statistik grafik")
    photos = await replies(staff, 5)
    assert all(m.photo is not None for m in photos)
    captions = [m.caption or "" for m in photos]
    assert captions[0].startswith("Kuota") and captions[-1].startswith("Pendaftaran per hari")
    assert all("28 November 2026 pukul 10.00 WIB" in c for c in captions)
    for message in photos:
        assert message.photo is not None
        assert message.photo.data.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(message.photo.data) > 10_000  # a drawn chart, not an empty canvas


async def test_statistik_with_nothing_yet(sim: BotApiSimulator, bot: BotRunner) -> None:
    admin = sim.user(ADMIN_ID)
    await admin.send("/statistik")
    first, second = await replies(admin, 2)
    assert "Pendaftaran terkirim: 0" in first.text
    assert "Tujuan pilihan pertama\nBelum ada data." in first.text
    assert "• Mulai (/start): 0 (0,0%)" in second.text
    await admin.send("/statistik grafik")
    photos = await replies(admin, 5)
    assert all(m.photo is not None for m in photos)
    assert (await admin.wait_idle(quiet=0.2)) == []  # and nothing else


async def test_statistik_bad_argument(sim: BotApiSimulator, bot: BotRunner, staff: SimUser) -> None:
    from tests.e2e.residents import say

    for command in ("/statistik kemarin", "/statistik grafik lagi"):
        reply = await say(staff, command)
        assert "/statistik grafik untuk grafik" in reply.text
