"""An export exists only in memory: no file is opened for writing while it is built, so a kill
at any moment leaves no NIK on the disk; and what a spreadsheet shows is what was stored."""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Iterator

import openpyxl
import pytest

from bot.runner import BotRunner
from bot.services import export as export_service
from bot.services.export import Code, ExportFormat, csv_cell, to_csv, to_xlsx
from bot.simulator import BotApiSimulator
from tests.conftest import ADMIN_ID
from tests.e2e.residents import Person, register

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_opened: list[str] | None = None


def _on_audit(event: str, args: tuple[object, ...]) -> None:
    if _opened is None or event != "open":
        return
    path, mode, flags = (*args, None, None)[:3]
    writing = (isinstance(flags, int) and flags & _WRITE_FLAGS) or (
        isinstance(mode, str) and any(c in mode for c in "wax+")
    )
    if writing and not str(path).endswith(".pyc"):  # Python caching its own bytecode
        _opened.append(str(path))


sys.addaudithook(_on_audit)  # once per process: an audit hook cannot be removed


@pytest.fixture
def files_opened_for_writing() -> Iterator[list[str]]:
    """Every file any thread of this process opens for writing while the test runs."""
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


def test_the_watch_sees_a_temporary_file(files_opened_for_writing: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryFile():
        pass
    assert files_opened_for_writing  # the test below would see one too


@pytest.mark.parametrize("fmt", list(ExportFormat))
async def test_an_export_is_built_without_a_file(
    sim: BotApiSimulator, bot: BotRunner, fmt: ExportFormat, files_opened_for_writing: list[str]
) -> None:
    await register(sim, 6201, person=Person(name="Rina Marlina", nik="3673054506000005"))
    assert bot.deps is not None
    result = await export_service.export(bot.deps, ADMIN_ID, fmt)
    assert result.rows == 1
    assert files_opened_for_writing == []


def test_codes_are_text_in_a_csv_and_typed_formulas_stay_defused() -> None:
    head = ["NIK", "Nomor HP", "Nama", "Catatan"]
    row = [Code("3673055512980001"), Code("+6281234567890"), "=HYPERLINK(1)", "+62 (typed)"]
    data = to_csv(head, [[export_service.defuse(v) if not isinstance(v, Code) else v
                          for v in row]])  # fmt: skip
    cells = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1]
    assert cells == ['="3673055512980001"', '="+6281234567890"', "'=HYPERLINK(1)", "'+62 (typed)"]
    # A Code that is not only digits is never put inside a formula.
    assert csv_cell(Code('1")&HYPERLINK("x')) == "1\")&HYPERLINK(\"x"
    assert csv_cell(Code("=1+1")) == "'=1+1"


def test_the_xlsx_opens_with_every_value_as_it_was() -> None:
    head = ["Nomor", "NIK", "Nama", "Jumlah", "Kosong", "Baris"]
    rows = [
        ["SRG-1", Code("3673055512980001"), "=HYPERLINK(\"http://x\")", 7, None, "a\nb"],
        ["SRG-2", Code("+6281234567890"), "Dédé <Çahyana> & Ñoer\x07", 2.5, "", " x "],
    ]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(head, rows, "pendaftar:2026/11")))
    sheet = book.active
    assert sheet is not None and sheet.title == "pendaftar-2026-11"
    values = list(sheet.iter_rows(values_only=True))
    assert values == [
        tuple(head),
        ("SRG-1", "3673055512980001", "=HYPERLINK(\"http://x\")", 7, None, "a\nb"),
        ("SRG-2", "+6281234567890", "Dédé <Çahyana> & Ñoer", 2.5, None, " x "),
    ]
    assert sheet.cell(2, 3).data_type == "s"  # text, never run as a formula
    assert sheet.cell(1, 1).font.b and not sheet.cell(2, 1).font.b
    assert sheet.freeze_panes == "A2"
