"""What an erasure cuts out of a staff note about someone else: the erased person's
registration number, NIK, phone number (however it was typed) and name, nothing more."""

from __future__ import annotations

import pytest

from bot.storage.erase import REDACTED, Identifiers, redact

GONE = Identifiers(
    user_id=7, reg_no="SRG-2026-00042", nik="3673054107990003", phone="+6281377712345",
    name="Nurhayati Wulandari",
)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kakak dari SRG-2026-00042", f"Kakak dari {REDACTED}"),
        ("kakak dari srg-2026-00042.", f"kakak dari {REDACTED}."),
        ("NIK 3673054107990003 dipakai dua kali", f"NIK {REDACTED} dipakai dua kali"),
        ("HP 0813-7771-2345", f"HP {REDACTED}"),
        ("HP +62 813 7771 2345, sore", f"HP {REDACTED}, sore"),
        ("HP 081377712345", f"HP {REDACTED}"),
        ("datang bersama NURHAYATI WULANDARI", f"datang bersama {REDACTED}"),
        # Other people's numbers and words that only contain the name stay.
        ("Kakak dari SRG-2026-00043", "Kakak dari SRG-2026-00043"),
        ("SRG-2026-000421 bukan nomor", "SRG-2026-000421 bukan nomor"),
        ("NIK 3673054107990004", "NIK 3673054107990004"),
        ("HP 0813-7771-2346", "HP 0813-7771-2346"),
        ("HP 08137771234500", "HP 08137771234500"),
        ("Nurhayati Wulandarini", "Nurhayati Wulandarini"),
        ("KTP sudah dicek", "KTP sudah dicek"),
    ],
)
def test_only_the_erased_person_is_cut_out(text: str, expected: str) -> None:
    assert redact(text, [GONE]) == expected
