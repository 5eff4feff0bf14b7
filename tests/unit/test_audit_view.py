"""Every kind of audit entry the services write reads as a sentence, with no codes left."""

from __future__ import annotations

import json
import re
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import use_locale
from bot.storage.staff import AuditEntry
from handlers.audit_view import audit_sentence

WIB = ZoneInfo("Asia/Jakarta")
AT = "2026-11-28T03:00:00+00:00"


def entry(action: str, target: str | None, detail: dict[str, object] | None) -> AuditEntry:
    stored = json.dumps(detail, sort_keys=True) if detail else None
    return AuditEntry(1, AT, 900_001, action, target, stored)


CASES = [
    (entry("role", "700002", {"change": "add"}), "Menambahkan <code>700002</code> sebagai staf"),
    (entry("role", "700002", {"change": "remove"}), "Mencabut akses staf <code>700002</code>"),
    (entry("lookup", "SRG-2026-00001,SRG-2026-00002", {"by": "name", "found": 2}),
     "Mencari pendaftar menurut nama: 2 ditemukan (SRG-2026-00001,SRG-2026-00002)"),
    (entry("lookup", None, {"by": "nik", "found": 0}),
     "Mencari pendaftar menurut NIK: 0 ditemukan"),
    (entry("lookup", "SRG-2026-00001", {"card": True}), "Membuka data pendaftar SRG-2026-00001"),
    (entry("stage", "SRG-2026-00001", {"from": "terdaftar", "to": "wawancara", "note": True}),
     "Mengubah tahap SRG-2026-00001: Terdaftar → Wawancara (dengan catatan)"),
    (entry("note", "SRG-2026-00001", None), "Menambahkan catatan untuk SRG-2026-00001"),
    (entry("question_close", "SRG-2026-00001", {"question": 7}),
     "Menutup pertanyaan #7 dari SRG-2026-00001"),
    (entry("export", None, {"format": "xlsx", "rows": 1200, "filter": "tujuan:korea"}),
     "Mengekspor data 1.200 pendaftar (XLSX) · "),
    (entry("stats", None, {"view": "charts"}), "Melihat grafik statistik"),
    (entry("broadcast", "#3", {"change": "send", "recipients": 40, "filter": "semua"}),
     "Mengirim pengumuman #3 kepada 40 penerima ("),
    (entry("broadcast", "#4", {"change": "schedule", "at": "2026-12-07T02:00:00+00:00",
                               "filter": "semua"}),
     "Menjadwalkan pengumuman #4 untuk Senin, 7 Desember 2026 pukul 09.00 WIB ("),
    (entry("broadcast", "#5", {"change": "discard"}), "Membuang draf pengumuman #5"),
    (entry("broadcast", "#6", {"change": "cancel", "was": "sending"}),
     "Menghentikan pengumuman #6"),
    (entry("schedule", "SRG-2026-00001", {"kind": "wawancara", "at": "2026-12-06T23:30:00+00:00",
                                          "rescheduled": True}),
     "Memindahkan wawancara untuk SRG-2026-00001 ke Senin, 7 Desember 2026 pukul 06.30 WIB"),
    (entry("schedule_cancel", "SRG-2026-00001", {"kind": "wawancara"}),
     "Membatalkan wawancara untuk SRG-2026-00001"),
    (entry("schedule_csv", None, {"rows": 3, "rescheduled": 1}),
     "Mengunggah daftar jadwal: 3 jadwal, 1 di antaranya dipindahkan"),
    (entry("bulk", None, {"do": "tahap", "to": "wawancara", "people": 10, "skipped": 1,
                          "job": "x"}),
     "Mengubah tahap 10 pendaftar sekaligus dari web ke Wawancara (1 dilewati)"),
    (entry("bulk", None, {"do": "jadwal", "kind": "wawancara", "people": 5, "skipped": 0,
                          "at": "2026-12-07T02:00:00+00:00", "every": 15, "job": "x"}),
     "Menjadwalkan 5 pendaftar sekaligus dari web: wawancara mulai Senin, 7 Desember 2026"
     " pukul 09.00 WIB, tiap 15 menit (0 dilewati)"),
    (entry("agenda", "2026-12-07", {"events": 2}),
     "Melihat agenda Senin, 7 Desember 2026 (2 jadwal)"),
    (entry("schedule_view", "SRG-2026-00001", None), "Melihat jadwal SRG-2026-00001"),
    (entry("schedule_template", None, None), "Mengunduh templat jadwal (CSV)"),
    (entry("nik_conflict", "#1", {"open": 1}), "Melihat daftar NIK ganda (1 belum diputuskan)"),
    (entry("nik_conflict", "#1", {"owner": "SRG-2026-00002", "not": "SRG-2026-00001"}),
     "Memutuskan NIK ganda #1: NIK milik SRG-2026-00002, bukan SRG-2026-00001"),
]  # fmt: skip


@pytest.mark.parametrize(("stored", "expected"), CASES)
def test_each_action_reads_as_a_sentence(stored: AuditEntry, expected: str) -> None:
    with use_locale("id"):
        text = audit_sentence(stored, WIB, "id")
    assert text.startswith(expected), text
    assert not re.search(r"\b(rows|events|recipients|reg_no|schedule_\w+)\b|\+00:00", text)


@pytest.mark.parametrize(("stored", "_expected"), CASES)
def test_each_action_reads_in_english_too(stored: AuditEntry, _expected: str) -> None:
    with use_locale("en"):
        text = audit_sentence(stored, WIB, "en")
    assert text[0].isupper() and not re.search(r"\bMen\w+|\bMel\w+|\+00:00", text), text


def test_english_counts_agree_with_their_nouns() -> None:
    with use_locale("en"):
        one = audit_sentence(entry("export", None, {"format": "csv", "rows": 1}), WIB, "en")
        many = audit_sentence(entry("export", None, {"format": "csv", "rows": 3000}), WIB, "en")
    assert one == "Exported the data of 1 applicant (CSV)"
    assert many == "Exported the data of 3,000 applicants (CSV)"
