"""Ekspor on Pendaftar, as a browser gets it from the real server: the CSV and the XLSX hold
exactly the rows the table's address selects (all pages, in the table's order), a search is
exported by POST without its text in any address, the audit says so, and only admins may."""

from __future__ import annotations

import csv
import io
import json
import re

import httpx
import openpyxl

from bot.runner import BotRunner
from bot.services.export import COLUMNS
from bot.simulator import BotApiSimulator
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.e2e.residents import say
from tests.helpers.dashboard import ADDRESSES, browser, csrf_token, logged_in
from tests.helpers.rows import Seed, applicant_row, insert, insert_applicants
from tests.helpers.runner import add_staff, db_of

PATH = "/dasbor/pendaftar"
EXPORT = PATH + "/ekspor"
REG = re.compile(r'<td class="code"><a href="/dasbor/pendaftar/[^"]*">([^<]*)</a></td>')
COUNT = re.compile(r"([\d.]+) pendaftar cocok\.")
FOUND = re.compile(r"Pencarian: ([\d.]+) ditemukan\.")
HEALTH = ("Kesehatan", "Bersedia diperiksa kesehatan")
NIK = "3673054507990014"


def crowd() -> list[tuple[object, ...]]:
    """130 applicants over two kecamatan and two stages: filters that span several pages."""
    return [
        applicant_row(
            7000 + i,
            answers={"name": f"Orang {i}", "domicile": "kota_serang", "health": "ya",
                     "kecamatan": "curug" if i % 2 else "kasemen"},
            stage="wawancara" if i % 3 == 0 else "terdaftar",
        )
        for i in range(130)
    ]  # fmt: skip


async def seeded(bot: BotRunner) -> None:
    await insert_applicants(db_of(bot), crowd())
    await insert(db_of(bot), [Seed(6204, "SRG-2026-00014", name="Dewi Lestari", nik=NIK)])


def table_total(html: str) -> int:
    found = COUNT.search(html) or FOUND.search(html)
    assert found is not None, html
    return int(found.group(1).replace(".", ""))


def csv_rows(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def xlsx_rows(data: bytes) -> tuple[list[str], list[dict[str, object]]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    header = [str(h) for h in rows[0]]
    return header, [dict(zip(header, r, strict=True)) for r in rows[1:]]


async def export(client: httpx.AsyncClient, query: str, fmt: str, **form: str) -> httpx.Response:
    token = csrf_token((await client.get(PATH)).text)
    return await client.post(
        EXPORT + (f"?{query}" if query else ""), data={"csrf_token": token, "format": fmt, **form}
    )


async def test_the_files_hold_exactly_the_filtered_rows_in_the_tables_order(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await seeded(bot)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(bot, admin) as client:
        for query, expected in {
            "kecamatan=curug&urut=no&arah=naik": 65,
            "kecamatan=kasemen&tahap=wawancara&urut=nama&arah=turun": 22,
        }.items():
            html = (await client.get(f"{PATH}?{query}")).text
            assert table_total(html) == expected, query
            first_page = REG.findall(html)
            assert len(first_page) == min(50, expected)
            # The page's own form points at the export with the same filter.
            action = re.search(r'<form class="export" method="post" action="([^"]*)"', html)
            assert action is not None and action.group(1).replace("&amp;", "&") == (
                f"{EXPORT}?{query}"
            )
            csv_response = await export(client, query, "csv")
            assert csv_response.status_code == 200, csv_response.text
            assert csv_response.headers["content-type"].startswith("text/csv")
            assert csv_response.headers["content-disposition"].startswith(
                'attachment; filename="pendaftar-20261128-1000.csv"'
            )
            header, rows = csv_rows(csv_response.content)
            assert len(header) == len(COLUMNS) and set(HEALTH) <= set(header)
            numbers = [r["Nomor pendaftaran"] for r in rows]
            assert len(numbers) == expected == len(set(numbers)), query
            assert numbers[:50] == first_page, query  # the table's order, all pages
            xlsx_response = await export(client, query, "xlsx")
            assert xlsx_response.status_code == 200
            assert xlsx_response.headers["content-disposition"].startswith(
                'attachment; filename="pendaftar-20261128-1000.xlsx"'
            )
            x_header, x_rows = xlsx_rows(xlsx_response.content)
            assert x_header == header
            assert [r["Nomor pendaftaran"] for r in x_rows] == numbers, query
            assert {r["Kesehatan"] for r in x_rows} == {"Ya, sehat"}
        # The last filter's rows: Kasemen, in the interview stage.
        assert all(r["Kecamatan"] == "Kasemen" and r["Tahap"] == "Wawancara" for r in rows)
    entries = await db_of(bot).fetchall(
        "SELECT actor_id, target, detail FROM audit_log WHERE action = 'export' ORDER BY id"
    )
    details = [json.loads(e["detail"]) for e in entries]
    assert [e["actor_id"] for e in entries] == [ADMIN_ID] * 4
    assert details == [
        {"format": "csv", "rows": 65, "filter": "kecamatan:curug"},
        {"format": "xlsx", "rows": 65, "filter": "kecamatan:curug"},
        {"format": "csv", "rows": 22, "filter": "kecamatan:kasemen tahap:wawancara"},
        {"format": "xlsx", "rows": 22, "filter": "kecamatan:kasemen tahap:wawancara"},
    ]


async def test_the_web_only_filters_and_an_empty_result(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await seeded(bot)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(bot, admin) as client:
        # Every crowd row was submitted on 28 November; Dewi on the 27th (WIB).
        query = "dari=2026-11-27&sampai=2026-11-27&kuota=kota_serang"
        response = await export(client, query, "csv")
        _, rows = csv_rows(response.content)
        assert [r["Nomor pendaftaran"] for r in rows] == ["SRG-2026-00014"]
        empty = await export(client, "tujuan=taiwan", "csv")
        header, none = csv_rows(empty.content)
        assert empty.status_code == 200 and len(header) == len(COLUMNS) and none == []
        audit = (await client.get("/dasbor/audit")).text
    assert "kuota: Prioritas Kota Serang · terdaftar sejak Jumat, 27 November 2026" in audit
    assert "terdaftar sampai Jumat, 27 November 2026" in audit
    assert "Mengekspor data 0 pendaftar (CSV)" in audit


async def test_a_search_is_exported_without_its_text_in_any_address(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await seeded(bot)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(bot, admin) as client:
        token = csrf_token((await client.get(PATH)).text)
        found = await client.post(
            f"{PATH}?kecamatan=curug", data={"csrf_token": token, "cari": "Orang 1"}
        )
        # Orang 1, 10-19, 100-129, odd ones only (curug): 1 + 5 + 15.
        assert table_total(found.text) == 21
        assert 'name="cari" value="Orang 1"' in found.text
        for address in ADDRESSES.findall(found.text):
            assert "orang" not in address.lower(), address
        by_name = await export(client, "kecamatan=curug", "csv", cari="Orang 1")
        _, rows = csv_rows(by_name.content)
        assert len(rows) == 21
        assert {r["Nama"] for r in rows} == {f"Orang {i}" for i in (1, *range(11, 130, 2))
                                               if str(i).startswith("1")}  # fmt: skip
        by_nik = await export(client, "", "xlsx", cari=NIK)
        _, x_rows = xlsx_rows(by_nik.content)
        assert [r["Nomor pendaftaran"] for r in x_rows] == ["SRG-2026-00014"]
        bad = await export(client, "", "csv", cari="12345678")
        assert bad.status_code == 400 and "bukan NIK" in bad.text
        audit = (await client.get("/dasbor/audit")).text
    assert "hasil pencarian menurut nama" in audit and "hasil pencarian menurut NIK" in audit
    assert NIK not in audit
    details = await db_of(bot).fetchall("SELECT detail FROM audit_log WHERE action = 'export'")
    assert len(details) == 2
    assert all("Orang" not in str(d["detail"]) and NIK not in str(d["detail"]) for d in details)


async def test_only_admins_export_and_every_post_needs_the_form_token(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await seeded(bot)
    await add_staff(bot, STAFF_ID)
    staff = sim.user(STAFF_ID, first_name="Staf", language_code="id")
    async with logged_in(bot, staff) as client:
        html = (await client.get(PATH)).text
        assert 'class="export"' not in html and "hanya untuk admin" in html
        refused = await export(client, "", "csv")
        assert refused.status_code == 403 and "content-disposition" not in refused.headers
    async with browser(bot) as stranger:
        nobody = await stranger.post(EXPORT, data={"format": "csv"})
        assert nobody.status_code == 303 and nobody.headers["location"] == "/dasbor/masuk"
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(bot, admin) as client:
        no_token = await client.post(EXPORT, data={"format": "csv"})
        wrong = await client.post(EXPORT, data={"format": "csv", "csrf_token": "x" * 43})
        for response in (no_token, wrong):
            assert response.status_code == 403 and "content-disposition" not in response.headers
        assert (await client.get(EXPORT)).status_code == 405  # a link cannot start an export
        odd = await export(client, "", "pdf")
        assert odd.status_code == 400 and "Ekspor CSV" in odd.text
    exports = await db_of(bot).fetchval("SELECT COUNT(*) FROM audit_log WHERE action = 'export'")
    assert exports == 0


async def test_the_buttons_and_the_audit_in_english(sim: BotApiSimulator, bot: BotRunner) -> None:
    await seeded(bot)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    await say(admin, "/bahasa")
    await admin.tap("English")
    await admin.wait_idle(quiet=0.1, timeout=10)
    async with logged_in(bot, admin) as client:
        html = (await client.get(PATH)).text
        assert "Export CSV" in html and "Export XLSX" in html
        await export(client, "kuota=tunggu&sumber=kel_x&dari=2026-11-01", "csv")
        audit = (await client.get("/dasbor/audit")).text
    assert "Exported the data of 0 applicants (CSV) · pool: " in audit
    assert "source: kel_x · registered from Sunday, 1 November 2026" in audit
