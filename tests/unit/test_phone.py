"""Phone numbers: every way residents type an Indonesian mobile number, and what is refused."""

from __future__ import annotations

import pytest

from bot.domain.phone import PhoneError, PhoneProblem, mask_phone, normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("(0812) 34567890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("+6281234567890", "+6281234567890"),
        ("+62 812-3456-7890", "+6281234567890"),
        ("+62 (0)812 3456 7890", "+6281234567890"),  # trunk 0 kept after the code
        ("0062 812 3456 7890", "+6281234567890"),  # international prefix dialled locally
        ("81234567890", "+6281234567890"),  # no prefix at all
        ("0812.3456.7890", "+6281234567890"),
        ("  0812 3456 7890  ", "+6281234567890"),
        ("08123456789", "+628123456789"),
        ("0812345678", "+62812345678"),  # shortest: 10 digits with the 0
        ("0812345678901", "+62812345678901"),  # longest: 13 digits with the 0
        ("+62 878-1234-5678", "+6287812345678"),
        ("0895-1234-5678", "+6289512345678"),
    ],
)
def test_accepted(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("+60 12-345 6789", PhoneProblem.FOREIGN),  # Malaysia
        ("+1 415 555 0100", PhoneProblem.FOREIGN),  # USA
        ("0060123456789", PhoneProblem.FOREIGN),
        ("+852 9123 4567", PhoneProblem.FOREIGN),  # Hong Kong
        ("+886 912 345 678", PhoneProblem.FOREIGN),  # Taiwan
        ("+82 10-1234-5678", PhoneProblem.FOREIGN),  # Korea
        ("00819012345678", PhoneProblem.FOREIGN),  # Japan
        ("", PhoneProblem.FORMAT),
        ("-", PhoneProblem.FORMAT),
        ("nomor saya 0812", PhoneProblem.FORMAT),
        ("0812-3456-789O", PhoneProblem.FORMAT),  # letter O
        ("0812345678a", PhoneProblem.FORMAT),
        ("081234567", PhoneProblem.FORMAT),  # 9 digits with the 0: too short
        ("08123456789012", PhoneProblem.FORMAT),  # 14 digits: too long
        ("+62812345678901234", PhoneProblem.FORMAT),
        ("0254 123456", PhoneProblem.FORMAT),  # Serang landline
        ("021-5551234", PhoneProblem.FORMAT),  # Jakarta landline
        ("+62 21 5551234", PhoneProblem.FORMAT),  # landline with country code
        ("1234567890", PhoneProblem.FORMAT),
        ("+", PhoneProblem.FORMAT),
        ("+62", PhoneProblem.FORMAT),
        ("+0812345678", PhoneProblem.FORMAT),  # no country starts with 0
        ("+12", PhoneProblem.FORMAT),  # too short to be anyone's number
        ("0812+34567890", PhoneProblem.FORMAT),
        ("0812/3456/7890", PhoneProblem.FORMAT),
        ("+62 812 3456 789x", PhoneProblem.FORMAT),
        ("０８１２３４５６７８９０", PhoneProblem.FORMAT),  # full-width digits
    ],
)
def test_refused(raw: str, problem: PhoneProblem) -> None:
    with pytest.raises(PhoneError) as caught:
        normalize_phone(raw)
    assert caught.value.problem is problem
    assert raw.strip() == "" or raw not in str(caught.value)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+628123456789", "+62812****789"),
        ("+6281234567890", "+62812*****890"),
        ("+62812345678", "+62812***678"),
        ("+6281234", "********"),  # too short to show 9 characters
        ("", ""),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked
