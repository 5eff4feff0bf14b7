"""/ekspor: CSV and XLSX opened back with the csv module and openpyxl."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from bot.runner import BotRunner
from bot.services.export import COLUMNS
from bot.simulator import BotApiSimulator, SentMessage, SimUser
from bot.storage import staff as staff_repo
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.e2e.residents import register, say
from tests.helpers.rows import Seed, insert
from tests.helpers.runner import add_staff

SEEDS = [
    Seed(6001, "SRG-2026-00001", name="Siti Nur'aini Fauziyyah", kecamatan="serang",
         kelurahan="sumur_pecung", destinations=["jepang", "korea"], source="kel_sumur"),
    Seed(-6002, "SRG-2026-00002", name="Dédé Çahyana Ñoer", domicile="lampung", pool="wilayah",
         kecamatan=None, kelurahan=None, destinations=["korea"], outcome="perlu_dilengkapi",
         missing=["passport", "siapkerja"], waitlist_no=7, stage="wawancara",
         staff_flags=["nik_other_province"]),
    Seed(6003, "SRG-2026-00003", name="=HYPERLINK(\"http://x\")", destinations=["taiwan"],
         outcome="belum_memenuhi_syarat", reasons=["health"], pool=None),
    Seed(6004, None, status="interviewing", outcome=None, pool=None, stage=None,
         submitted_at=None),  # not submitted: never exported
]  # fmt: skip


@pytest.fixture
async def seeded(bot: BotRunner) -> BotRunner:
    assert bot.deps is not None
    await insert(bot.deps.db, SEEDS)
    return bot


@pytest.fixture
async def admin(sim: BotApiSimulator, seeded: BotRunner) -> SimUser:
    return sim.user(ADMIN_ID, first_name="Admin")


async def document_reply(user: SimUser, command: str) -> SentMessage:
    await user.send(command)
    message = await user.next_message(timeout=30)
    assert message.document is not None, message.text
    return message


async def test_csv_export(sim: BotApiSimulator, bot: BotRunner, admin: SimUser) -> None:
    message = await document_reply(admin, "/ekspor")
    document = message.document
    assert document is not None
    assert document.filename == "pendaftar-20261128-1000.csv"
    assert document.data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(document.data.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert len(header) == len(COLUMNS)
    assert header[:5] == [
        "Nomor pendaftaran", "ID Telegram", "Kanal", "Dikirim (WIB)", "Hasil penilaian",
    ]  # fmt: skip
    assert {"NIK", "Nomor HP", "Kelurahan", "Sumber", "Persetujuan (WIB)"} <= set(header)
    assert len(body) == 3 and all(len(r) == len(header) for r in body)
    first = dict(zip(header, body[0], strict=True))
    assert first["Nomor pendaftaran"] == "SRG-2026-00001"
    assert first["Nama"] == "Siti Nur'aini Fauziyyah"
    assert first["NIK"] == '="' + Seed(6001, None).answers()["nik"] + '"'  # text in Excel
    assert first["Kelurahan"] == "Sumur Pecung" and first["Kecamatan"] == "Serang"
    assert first["Tujuan kerja"] == "Jepang, Korea Selatan"
    assert first["Dikirim (WIB)"] == "2026-11-27 10:00"
    assert first["Persetujuan (WIB)"] == "2026-11-27 10:00"
    assert first["Sumber"] == "kel_sumur" and first["Tahap"] == "Terdaftar"
    assert (first["ID Telegram"], first["Kanal"]) == ("6001", "Telegram")
    second = dict(zip(header, body[1], strict=True))
    assert second["Nama"] == "Dédé Çahyana Ñoer"  # text intact through UTF-8
    assert (second["ID Telegram"], second["Kanal"]) == ("", "WhatsApp")  # no Telegram id
    assert second["Perlu dilengkapi"] == "belum punya paspor, belum punya akun SIAPkerja"
    assert second["Nomor daftar tunggu"] == "7" and second["Tahap"] == "Wawancara"
    assert second["Perlu diperiksa"].startswith("NIK diterbitkan di provinsi lain")
    third = dict(zip(header, body[2], strict=True))
    assert third["Nama"] == "'=HYPERLINK(\"http://x\")"  # not a formula in Excel
    assert "Berisi data pribadi" in (message.caption or "") and "3 pendaftar" in (
        message.caption or ""
    )


async def test_xlsx_export(sim: BotApiSimulator, bot: BotRunner, admin: SimUser) -> None:
    message = await document_reply(admin, "/ekspor xlsx")
    document = message.document
    assert document is not None and document.filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(document.data))
    sheet = workbook.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert len(header) == len(COLUMNS) and len(rows) == 4
    by_reg = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_reg["SRG-2026-00002"]["Nama"] == "Dédé Çahyana Ñoer"
    nik = by_reg["SRG-2026-00001"]["NIK"]
    assert isinstance(nik, str) and len(nik) == 16  # text, not 3.67E+15
    assert by_reg["SRG-2026-00001"]["ID Telegram"] == 6001
    assert by_reg["SRG-2026-00002"]["Kanal"] == "WhatsApp"
    assert by_reg["SRG-2026-00002"]["Nomor daftar tunggu"] == 7
    formula_cell = sheet.cell(row=4, column=header.index("Nama") + 1)
    assert formula_cell.data_type == "s"  # stored as text, never run as a formula


async def test_export_in_english(sim: BotApiSimulator, seeded: BotRunner) -> None:
    english = sim.user(ADMIN_ID, first_name="Admin", language_code="en")
    message = await document_reply(english, "/ekspor csv")
    assert message.document is not None
    rows = list(csv.reader(io.StringIO(message.document.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Registration number", "Telegram ID", "Channel"]
    assert "South Korea" in rows[2]


async def test_export_with_a_filter(sim: BotApiSimulator, bot: BotRunner, admin: SimUser) -> None:
    message = await document_reply(admin, "/ekspor xlsx tujuan:korea")
    assert message.document is not None
    sheet = openpyxl.load_workbook(io.BytesIO(message.document.data)).active
    assert sheet is not None
    regs = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert regs == ["SRG-2026-00001", "SRG-2026-00002"]
    assert "tujuan:korea" in (message.caption or "")

    first_choice = await document_reply(admin, "/ekspor tujuan1:korea wilayah:lampung")
    assert first_choice.document is not None
    lines = first_choice.document.data.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith("SRG-2026-00002,")

    assert bot.deps is not None
    entries = await staff_repo.latest_audit(bot.deps.db, 5)
    exports = [json.loads(e.detail or "") for e in reversed(entries) if e.action == "export"]
    assert exports == [
        {"format": "xlsx", "rows": 2, "filter": "tujuan:korea"},
        {"format": "csv", "rows": 1, "filter": "wilayah:lampung tujuan1:korea"},
    ]


def files_in(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if not p.name.startswith("bot.sqlite3")}


async def test_export_leaves_no_file_on_disk(
    sim: BotApiSimulator, bot: BotRunner, admin: SimUser, tmp_path: Path
) -> None:
    before = files_in(tmp_path)
    await document_reply(admin, "/ekspor xlsx")
    await document_reply(admin, "/ekspor")
    assert files_in(tmp_path) == before


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/ekspor pdf", "/ekspor xlsx"),
        ("/ekspor xlsx tujuan:mars", "/ekspor xlsx"),
        ("/ekspor tahap:", "/ekspor xlsx"),
        ("/ekspor tahap:berangkat", "Tidak ada pendaftar yang cocok"),
    ],
)
async def test_bad_export_input(
    sim: BotApiSimulator, bot: BotRunner, admin: SimUser, command: str, expected: str
) -> None:
    reply = await say(admin, command)
    assert expected in reply.text
    assert reply.document is None


async def test_staff_may_not_export(sim: BotApiSimulator, bot: BotRunner, admin: SimUser) -> None:
    await add_staff(bot, STAFF_ID, ADMIN_ID)
    reply = await say(sim.user(STAFF_ID), "/ekspor")
    assert reply.document is None
    assert reply.text == (await say(sim.user(STAFF_ID), "/tidakada")).text


async def test_registered_applicant_exports_every_answer(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    reg_no = await register(sim, 6101, source="poster_1")
    admin = sim.user(ADMIN_ID)
    message = await document_reply(admin, "/ekspor")
    assert message.document is not None
    rows = list(csv.DictReader(io.StringIO(message.document.data.decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["Nomor pendaftaran"] == reg_no and row["Sumber"] == "poster_1"
    # ="…": Excel shows the digits as text, not 3.67E+15 (a digit lost) or 6.28E+12.
    assert row["NIK"] == '="3673055512980001"' and row["Nomor HP"] == '="+6281234567890"'
    assert row["Tanggal lahir"] == "1998-12-15" and row["Bahasa asing"] == "Inggris"
    assert row["Hasil penilaian"] == "Memenuhi syarat"
    assert row["Kuota"] == "kuota prioritas Kota Serang"
    assert row["Versi persetujuan"] and row["Persetujuan (WIB)"].startswith("2026-11-28")
