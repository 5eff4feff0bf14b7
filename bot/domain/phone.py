"""Indonesian mobile numbers: accept how people actually type them, store one E.164 form.

Only mobile numbers are accepted because staff reach applicants by WhatsApp/SMS; a landline
or a number abroad cannot be used for that, and a foreign number gets its own answer so the
handler can say "use your Indonesian number" instead of "wrong format".
"""

from __future__ import annotations

import re
from enum import StrEnum

COUNTRY_CODE = "62"
# After +62 a mobile number starts with 8 and has 9-12 digits (0812-345-678 to
# 0812-3456-78901 as written locally).
_NATIONAL_MOBILE = re.compile(r"8\d{8,11}")
_SEPARATORS = re.compile(r"[\s.\-()]+")
# E.164 allows at most 15 digits; a real foreign number has at least 7 in practice.
_FOREIGN = re.compile(r"[1-9]\d{6,14}")


class PhoneProblem(StrEnum):
    FORMAT = "format"
    FOREIGN = "foreign"


class PhoneError(ValueError):
    def __init__(self, problem: PhoneProblem) -> None:
        # Only the code in the message: a phone number must not reach a log via str(e).
        super().__init__(problem.value)
        self.problem = problem


def normalize_phone(raw: str) -> str:
    text = _SEPARATORS.sub("", raw)
    if text.startswith("+"):
        international = text[1:]
    elif text.startswith("00"):
        # "00" is the international call prefix dialled from Indonesia.
        international = text[2:]
    else:
        international = None

    if international is not None:
        if not (international.isascii() and international.isdigit()):
            raise PhoneError(PhoneProblem.FORMAT)
        if not international.startswith(COUNTRY_CODE):
            if _FOREIGN.fullmatch(international):
                raise PhoneError(PhoneProblem.FOREIGN)
            raise PhoneError(PhoneProblem.FORMAT)
        national = international[len(COUNTRY_CODE) :]
    elif not (text.isascii() and text.isdigit()):
        raise PhoneError(PhoneProblem.FORMAT)
    elif text.startswith(COUNTRY_CODE):
        # Unambiguous: a national mobile number starts with 0 or 8, never with 6.
        national = text[len(COUNTRY_CODE) :]
    elif text.startswith("0"):
        national = text[1:]
    else:
        national = text

    # "+62 (0)812..." is a common way to write it: drop the trunk 0 kept after the code.
    if national.startswith("0"):
        national = national[1:]
    if not _NATIONAL_MOBILE.fullmatch(national):
        raise PhoneError(PhoneProblem.FORMAT)
    return f"+{COUNTRY_CODE}{national}"


def mask_phone(phone: str) -> str:
    # "+62812" names only the operator prefix; the last 3 digits let staff tell two numbers
    # apart in a log without the number being usable.
    visible_head, visible_tail = 6, 3
    if len(phone) < visible_head + visible_tail + 3:
        return "*" * len(phone)
    hidden = len(phone) - visible_head - visible_tail
    return phone[:visible_head] + "*" * hidden + phone[-visible_tail:]
