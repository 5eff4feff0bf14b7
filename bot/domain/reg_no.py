"""Registration numbers, "SRG-2026-00042": the one place their format is written.

The year is the year of submission (WIB) and the serial counts per year from 1
(bot/storage/applicants.next_reg_no keeps the counter). Staff type them in any case and
with spaces around; residents read them in every message about their application.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "SRG"
SERIAL_DIGITS = 5
MAX_SERIAL = 10**SERIAL_DIGITS - 1

_PATTERN = re.compile(rf"^{PREFIX}-(\d{{4}})-(\d{{{SERIAL_DIGITS}}})$")


@dataclass(frozen=True, order=True)
class RegNo:
    year: int
    serial: int

    def __post_init__(self) -> None:
        if not 1000 <= self.year <= 9999 or not 0 <= self.serial <= MAX_SERIAL:
            raise ValueError(f"no registration number for year {self.year}, serial {self.serial}")

    def __str__(self) -> str:
        return f"{PREFIX}-{self.year:04d}-{self.serial:0{SERIAL_DIGITS}d}"

    @classmethod
    def parse(cls, text: str) -> RegNo | None:
        """The number in ``text`` as staff typed it ("srg-2026-00042 "), or None."""
        found = _PATTERN.fullmatch(text.strip().upper())
        if found is None:
            return None
        return cls(int(found[1]), int(found[2]))


def normalize(text: str) -> str | None:
    """The stored form of a typed registration number, or None if it is not one."""
    reg_no = RegNo.parse(text)
    return str(reg_no) if reg_no is not None else None


def serial_text(serial: int) -> str:
    """"42" -> "00042", the serial as it stands in a number."""
    return f"{serial:0{SERIAL_DIGITS}d}"


def like_serial(serial: int) -> str:
    """An SQL LIKE pattern for this serial in any year: "SRG-____-00042"."""
    return f"{PREFIX}-____-{serial_text(serial)}"
