"""Recipient filters: typed filters as tables, and the SQL agreeing with the Python rule."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.domain.recipients import (
    DESTINATION_VALUES,
    INTEREST_VALUES,
    KECAMATAN_SLUGS,
    OUTCOMES,
    STAGES,
    FilterError,
    RecipientFilter,
    parse_filter,
)
from bot.services.broadcast import sending_seconds
from bot.storage.contacts import channel_of
from bot.storage.db import Database
from bot.storage.recipients import RecipientCount, count_recipients, filter_sql, recipient_ids
from tests.helpers.rows import applicant_row, insert_applicants

F = RecipientFilter
fs = frozenset


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", F()),
        ("semua", F()),
        ("ALL", F()),
        ("tujuan:jepang", F(destinations=fs({"jepang"}))),
        ("Tujuan:JEPANG,Korea", F(destinations=fs({"jepang", "korea"}))),
        ("tujuan : jepang , korea", F(destinations=fs({"jepang", "korea"}))),
        ("tujuan1:korea", F(first_choice=fs({"korea"}))),
        ("destination1:south_korea", F(first_choice=fs({"korea"}))),
        ("destination:japan", F(destinations=fs({"jepang"}))),
        ("tujuan:jepang tujuan:taiwan", F(destinations=fs({"jepang", "taiwan"}))),
        ("kecamatan:taktakan", F(kecamatan=fs({"taktakan"}))),
        ("kecamatan:Cipocok-Jaya", F(kecamatan=fs({"cipocok_jaya"}))),
        ("kecamatan:cipocokjaya", F(kecamatan=fs({"cipocok_jaya"}))),
        ("tahap:terverifikasi", F(stages=fs({"terverifikasi"}))),
        ("tahap:pemetaan-minat", F(stages=fs({"pemetaan_minat"}))),
        ("stage:wawancara,pelatihan", F(stages=fs({"wawancara", "pelatihan"}))),
        ("status:memenuhi_syarat", F(outcomes=fs({"memenuhi_syarat"}))),
        ("status:perlu_dilengkapi,eligible",
         F(outcomes=fs({"perlu_dilengkapi", "memenuhi_syarat"}))),
        ("wilayah:kota_serang", F(kota_serang=True)),
        ("wilayah:banten", F(provinces=fs({"36"}))),
        ("wilayah:sumsel,lampung,kalbar", F(provinces=fs({"16", "18", "61"}))),
        ("wilayah:kalimantan_barat", F(provinces=fs({"61"}))),
        ("wilayah:kota_serang,lampung", F(kota_serang=True, provinces=fs({"18"}))),
        ("wilayah:luar_kota_serang", F(kota_serang=False)),
        ("wilayah:banten,luar_kota_serang", F(kota_serang=False, provinces=fs({"36"}))),
        ("minat:las", F(interests=fs({"las"}))),
        ("minat:welding,TIK", F(interests=fs({"las", "tik"}))),
        ("tujuan:jepang kecamatan:taktakan tahap:terverifikasi",
         F(destinations=fs({"jepang"}), kecamatan=fs({"taktakan"}),
           stages=fs({"terverifikasi"}))),
        ("kanal:whatsapp", F(channels=fs({"whatsapp"}))),
        ("Kanal:Telegram", F(channels=fs({"telegram"}))),
        ("channel:wa", F(channels=fs({"whatsapp"}))),
        ("kanal:telegram,whatsapp tahap:wawancara",
         F(channels=fs({"telegram", "whatsapp"}), stages=fs({"wawancara"}))),
    ],
)  # fmt: skip
def test_parse_filter(typed: str, expected: RecipientFilter) -> None:
    assert parse_filter(typed) == expected


@pytest.mark.parametrize(
    ("typed", "key", "params"),
    [
        ("jepang", "filter.error.malformed", {"token": "jepang"}),
        ("Besok ada pelatihan", "filter.error.malformed", {"token": "Besok"}),
        ("negara:jepang", "filter.error.unknown_field", {"field": "negara"}),
        (":jepang", "filter.error.malformed", {"token": ":jepang"}),
        ("tujuan:", "filter.error.no_value", {"field": "tujuan"}),
        ("tujuan:,", "filter.error.no_value", {"field": "tujuan"}),
        ("tujuan:mars", "filter.error.unknown_value", {"field": "tujuan", "value": "mars"}),
        ("kecamatan:cilegon", "filter.error.unknown_value", {"field": "kecamatan"}),
        ("tahap:lulus", "filter.error.unknown_value", {"field": "tahap", "value": "lulus"}),
        ("status:lolos", "filter.error.unknown_value", {"field": "status"}),
        ("wilayah:jakarta", "filter.error.unknown_value", {"field": "wilayah"}),
        ("minat:memasak", "filter.error.unknown_value", {"field": "minat"}),
        ("wilayah:kota_serang,luar_kota_serang", "filter.error.conflict", {}),
        ("wilayah:luar_kota_serang kecamatan:curug", "filter.error.conflict", {}),
        ("tujuan:jepang semua", "filter.error.malformed", {"token": "semua"}),
        ("kanal:sms", "filter.error.unknown_value",
         {"field": "kanal", "value": "sms", "valid": "telegram, whatsapp"}),
        ("kanal:", "filter.error.no_value", {"field": "kanal"}),
    ],
)
def test_malformed_filters_name_the_problem(typed: str, key: str, params: dict[str, str]) -> None:
    with pytest.raises(FilterError) as raised:
        parse_filter(typed)
    assert raised.value.key == key
    assert params.items() <= raised.value.params.items()


def test_unknown_values_list_the_valid_ones() -> None:
    with pytest.raises(FilterError) as raised:
        parse_filter("tahap:lulus")
    assert raised.value.params["valid"].split(", ") == list(STAGES)
    with pytest.raises(FilterError) as raised:
        parse_filter("kecamatan:x")
    assert "cipocok_jaya" in raised.value.params["valid"]


@pytest.mark.parametrize(
    "typed",
    ["semua", "tujuan:jepang,korea kecamatan:taktakan", "wilayah:banten,luar_kota_serang",
     "wilayah:kota_serang,kalbar tujuan1:taiwan minat:las,tik tahap:pelatihan "
     "status:perlu_dilengkapi", "kanal:whatsapp tahap:wawancara", "kanal:telegram,whatsapp"],
)  # fmt: skip
def test_text_and_json_round_trip(typed: str) -> None:
    f = parse_filter(typed)
    assert parse_filter(f.to_text()) == f
    assert RecipientFilter.from_json(f.to_json()) == f


# --- the SQL agrees with the Python rule ---------------------------------------------------


def random_answers(rng: random.Random) -> dict[str, Any]:
    domicile = rng.choice(["kota_serang", "kota_serang", "banten", "sumsel", "lampung",
                           "kalbar", "other"])  # fmt: skip
    answers: dict[str, Any] = {"domicile": domicile}
    if domicile == "kota_serang":
        answers["kecamatan"] = rng.choice(KECAMATAN_SLUGS)
    if rng.random() < 0.9:  # some older rows lack the lists altogether
        answers["interests"] = rng.sample(INTEREST_VALUES, rng.randint(0, 3))
        answers["destinations"] = rng.sample(DESTINATION_VALUES, rng.randint(0, 3))
    return answers


@pytest.fixture
async def db(tmp_path: Path) -> Any:
    database = await Database.open(tmp_path / "recipients.sqlite3")
    yield database
    await database.close()


FILTERS = [
    "semua", "tujuan:jepang", "tujuan1:jepang", "tujuan:jepang,korea tujuan1:korea",
    "kecamatan:taktakan", "kecamatan:curug,kasemen status:memenuhi_syarat",
    "wilayah:kota_serang", "wilayah:banten", "wilayah:luar_kota_serang",
    "wilayah:banten,luar_kota_serang", "wilayah:kota_serang,lampung", "wilayah:kalbar",
    "minat:las,tik", "tahap:terverifikasi,wawancara", "status:perlu_dilengkapi",
    "tujuan:jepang kecamatan:taktakan tahap:terverifikasi",
    "wilayah:sumsel minat:caregiver tujuan:hongkong,taiwan status:belum_memenuhi_syarat",
    "kanal:whatsapp", "kanal:telegram tujuan:jepang", "kanal:telegram,whatsapp",
]  # fmt: skip


async def test_sql_selects_what_the_rule_says(db: Database) -> None:
    rng = random.Random(7)
    people: dict[int, tuple[str, str, dict[str, Any], bool, bool, str]] = {}
    rows = []
    # Every fourth person is a WhatsApp resident: a negative user id (bot/storage/contacts.py).
    for user_id in (n if n % 4 else -n for n in range(1, 801)):
        answers = random_answers(rng)
        outcome, stage = rng.choice(OUTCOMES), rng.choice(STAGES)
        opted_out, inactive = rng.random() < 0.1, rng.random() < 0.1
        status = "submitted" if rng.random() < 0.9 else "interviewing"
        people[user_id] = (outcome, stage, answers, opted_out, inactive, status)
        rows.append(applicant_row(
            user_id, answers=answers, outcome=outcome, stage=stage, status=status,
            opted_out=opted_out, inactive=inactive))  # fmt: skip
    await insert_applicants(db, rows)

    for typed in FILTERS:
        f = parse_filter(typed)
        expected = {
            uid for uid, (outcome, stage, answers, _o, _i, status) in people.items()
            if status == "submitted" and f.matches(outcome=outcome, stage=stage, answers=answers,
                                                   channel=channel_of(uid))
        }  # fmt: skip
        where, params = filter_sql(f)
        found = {r[0] for r in await db.fetchall(
            f"SELECT user_id FROM applicants WHERE {where}", params)}  # fmt: skip
        assert found == expected, typed
        assert expected or typed.startswith("wilayah:sumsel"), f"{typed} selects nobody"

        count = await count_recipients(db, f)
        reachable = {u for u in expected if not people[u][3] and not people[u][4]}
        assert count.reachable == len(reachable), typed
        assert count.whatsapp == sum(u < 0 for u in reachable), typed
        assert count.opted_out == sum(people[u][3] for u in expected), typed
        assert count.inactive == sum(not people[u][3] and people[u][4] for u in expected)
        assert count.matched == len(expected)
        assert await recipient_ids(db, f) == sorted(reachable)


async def test_the_fragment_composes_with_other_conditions(db: Database) -> None:
    await insert_applicants(db, [
        applicant_row(1, answers={"domicile": "kota_serang", "kecamatan": "taktakan",
                                  "destinations": ["jepang"]}),
        applicant_row(2, answers={"domicile": "kota_serang", "kecamatan": "taktakan",
                                  "destinations": ["korea", "jepang"]}, opted_out=True),
        applicant_row(3, answers={"domicile": "lampung", "destinations": ["jepang"]},
                      status="interviewing"),
    ])  # fmt: skip
    where, params = filter_sql(parse_filter("tujuan:jepang"))
    rows = await db.fetchall(
        f"SELECT user_id FROM applicants WHERE {where} AND opted_out = 0 ORDER BY user_id",
        params,
    )
    assert [r[0] for r in rows] == [1]
    assert await count_recipients(db, parse_filter("tujuan1:jepang")) == (1, 0, 0, 0)
    assert await count_recipients(db, parse_filter("kecamatan:taktakan")) == (1, 1, 0, 0)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_filter_value_has_a_label(locale: str) -> None:
    from bot.domain.recipients import FIELDS, REGIONS
    from bot.i18n import use_locale
    from handlers.broadcast_views import describe, value_label

    values = {"status": OUTCOMES, "wilayah": REGIONS, "kecamatan": KECAMATAN_SLUGS,
              "tujuan": DESTINATION_VALUES, "tujuan1": DESTINATION_VALUES,
              "minat": INTEREST_VALUES, "tahap": STAGES,
              "kanal": ("telegram", "whatsapp")}  # fmt: skip
    assert set(values) == set(FIELDS)
    with use_locale(locale):
        for name, valid in values.items():
            for value in valid:
                label = value_label(name, value)
                assert label and "." not in label, (name, value, label)
        text = describe(parse_filter("status:memenuhi_syarat wilayah:banten tujuan1:jepang"))
    assert "filter." not in text and "verdict." not in text


def test_the_sending_time_counts_each_channel_at_its_own_rate() -> None:
    # 1,000 on Telegram at 25/s and 3,000 on WhatsApp at 80/s go side by side: 40 s, not
    # the 160 s that 4,000 at Telegram's rate would say.
    settings = Settings(broadcast_rate=25, whatsapp_rate_limit=80)
    both = RecipientCount(reachable=4000, opted_out=0, inactive=0, whatsapp=3000)
    assert sending_seconds(settings, both) == 40.0
    only_whatsapp = RecipientCount(reachable=4000, opted_out=0, inactive=0, whatsapp=4000)
    assert sending_seconds(settings, only_whatsapp) == 50.0
    assert sending_seconds(settings, RecipientCount(250, 0, 0)) == 10.0
