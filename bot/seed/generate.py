"""Pure generation of synthetic applicants: no I/O, the same seed gives the same people.

Each person is built the way the interview would have built them: answers in question order
(with the extras the handlers store, `_nik_birth_date` and so on), a NIK whose codes, birth
date and sex agree with the answers, and a verdict from the real eligibility rules. Numbering
(reg_no, places and waiting list) depends on what the database already holds and is done in
`bot.seed.place`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import questionnaire as qn
from bot.domain.dates import date_turning
from bot.domain.eligibility import DEFAULT_RULES, Outcome, ProgrammeRules, evaluate
from bot.domain.regions import KECAMATAN, kecamatan_by_slug
from bot.domain.stages import FIRST_STAGE
from bot.seed import data
from bot.services.registration import CONSENT_VERSION, eligibility_input, staff_flags

# Synthetic chat ids: SEED_USER_ID_BASE + 1 ... + n. Telegram user ids in the tests are small
# (1001, 900_001); the simulator's own bot id is 7_000_000_001, so the range starts clear of
# it. `is_seeded(user_id)` tells staff tools and benchmarks which rows are synthetic.
SEED_USER_ID_BASE = 7_100_000_000
SEED_USER_ID_LIMIT = 7_199_999_999


def is_seeded(user_id: int) -> bool:
    return SEED_USER_ID_BASE < user_id <= SEED_USER_ID_LIMIT


@dataclass(frozen=True)
class Shares:
    """How the intake is spread over the statuses (the rest is submitted)."""

    interviewing: float = 0.14  # began and stopped part-way
    consent: float = 0.05  # pressed /start and never agreed
    minor: float = 0.02  # stopped at the birth date: under 18
    opted_out: float = 0.04  # sent /berhenti (broadcasts skip them)
    kota_serang_nik_elsewhere: float = 0.05  # moved in: NIK issued outside the kecamatan


@dataclass
class Person:
    """One synthetic applicant: the row's values and its funnel rows (step, at)."""

    row: dict[str, Any]
    funnel: list[tuple[str, str]] = field(default_factory=list)
    pool_wanted: str | None = None  # the pool a submitted applicant competes for
    year: int = 0  # of the submission, in local time (the reg_no year)


def _weighted(rng: random.Random, weights: Mapping[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _sample_weighted(rng: random.Random, weights: Mapping[str, float], k: int) -> list[str]:
    """k distinct keys, each draw proportional to weight: a ranking, most wanted first."""
    pool = dict(weights)
    chosen: list[str] = []
    while pool and len(chosen) < k:
        pick = rng.choices(list(pool), weights=list(pool.values()))[0]
        chosen.append(pick)
        del pool[pick]
    return chosen


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class Generator:
    """Draws people one after another from one random stream."""

    def __init__(
        self,
        *,
        random_seed: int,
        start_index: int,
        now: datetime,
        tz: ZoneInfo,
        rules: ProgrammeRules = DEFAULT_RULES,
        shares: Shares | None = None,
        used_niks: set[str] | None = None,
    ) -> None:
        # A str seed is hashed with SHA-512 by `random`: stable across runs and machines.
        self.rng = random.Random(f"serang-pmi-seed:{random_seed}:{start_index}")
        self.start_index = start_index
        self.now = now
        self.tz = tz
        self.rules = rules
        self.shares = shares or Shares()
        self.used_niks = used_niks if used_niks is not None else set()
        self._kelurahan = {k.slug: k.kelurahan for k in KECAMATAN}

    # --- pieces ---------------------------------------------------------------------------
    def name(self, sex: str) -> str:
        rng = self.rng
        given = data.MALE_GIVEN if sex == "L" else data.FEMALE_GIVEN
        family = data.MALE_FAMILY if sex == "L" else data.FEMALE_FAMILY
        shape = rng.random()
        if shape < 0.1:
            return rng.choice(given)  # one-word names are common
        if shape < 0.8:
            return f"{rng.choice(given)} {rng.choice(family)}"
        first, second = rng.sample(given, 2)
        return f"{first} {second} {rng.choice(family)}"

    def birth_date(self, today: date, *, minor: bool) -> date:
        rng = self.rng
        # Most applicants are in their twenties, with a long tail up to about 50.
        adult = min(18.3 + rng.gammavariate(2.0, 4.0), 50.0)
        years = rng.uniform(15.2, 17.8) if minor else adult
        return today - timedelta(days=int(years * 365.25))

    def nik(self, prefix: str, birth: date, sex: str) -> str:
        day = birth.day + (40 if sex == "P" else 0)
        middle = f"{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        serial = self.rng.randint(1, 2500)
        while True:
            nik = f"{prefix}{middle}{serial:04d}"
            if nik not in self.used_niks:
                self.used_niks.add(nik)
                return nik
            serial = serial % 9999 + 1  # the next free serial, as Dukcapil would issue

    def nik_prefix(self, domicile: str, kecamatan: str | None) -> str:
        rng = self.rng
        if domicile == "kota_serang":
            assert kecamatan is not None
            home = kecamatan_by_slug(kecamatan)
            assert home is not None
            if rng.random() >= self.shares.kota_serang_nik_elsewhere:
                return home.code
            if rng.random() < 0.6:  # issued in Kabupaten Serang before the split or a move
                return f"{data.KAB_SERANG}{rng.randint(1, 29):02d}"
            other = rng.choice([k for k in KECAMATAN if k.slug != kecamatan])
            return other.code
        regency = rng.choice(data.REGENCIES[domicile])
        return f"{regency}{rng.randint(1, 12):02d}"

    def phone(self) -> str:
        digits = self.rng.choice((7, 8, 8, 8))
        number = self.rng.randrange(10 ** (digits - 1), 10**digits)
        return f"+62{self.rng.choice(data.MOBILE_PREFIXES)}{number}"

    def languages(self, worked_where: str | None) -> list[str]:
        chosen = [k for k, p in data.LANGUAGE_CHANCE.items() if self.rng.random() < p]
        if worked_where and "Malaysia" in worked_where and "melayu" not in chosen:
            chosen.append("melayu")
        order = [o.value for o in qn.LANGUAGES]
        return sorted(chosen, key=order.index)

    def interests(self, sex: str) -> list[str]:
        k = self.rng.choices((1, 2, 3), weights=(30, 40, 30))[0]
        chosen = _sample_weighted(self.rng, data.INTEREST_WEIGHTS[sex], k)
        order = [o.value for o in qn.INTERESTS]
        return sorted(chosen, key=order.index)  # multi-choice answers keep the list order

    def destinations(self, sex: str, interests: Sequence[str]) -> list[str]:
        weights: dict[str, float] = dict(data.DESTINATION_WEIGHTS[sex])
        for interest in interests:
            for place in data.DESTINATION_BOOST.get(interest, ()):
                weights[place] *= 1.8
        k = self.rng.choices((1, 2, 3), weights=(25, 35, 40))[0]
        return _sample_weighted(self.rng, weights, k)

    # --- one person -----------------------------------------------------------------------
    def answers(self, sex: str, today: date) -> dict[str, Any]:
        """A complete set of answers, keys in question order, as the interview stores them."""
        rng = self.rng
        birth = self.birth_date(today, minor=False)
        domicile = _weighted(rng, data.DOMICILE_WEIGHTS)
        kecamatan = kelurahan = None
        if domicile == "kota_serang":
            kecamatan = _weighted(rng, data.KECAMATAN_WEIGHTS)
            kelurahan = rng.choice(self._kelurahan[kecamatan]).slug
        nik = self.nik(self.nik_prefix(domicile, kecamatan), birth, sex)
        worked = "pernah" if rng.random() < 0.14 else "belum"
        where = rng.choice(data.WORKED_ABROAD_PLACES) if worked == "pernah" else None
        interests = self.interests(sex)
        values: dict[str, Any] = {
            "name": self.name(sex),
            "nik": nik,
            "birth_date": birth.isoformat(),
            "sex": sex,
            "domicile": domicile,
            "kecamatan": kecamatan,
            "kelurahan": kelurahan,
            "education": _weighted(rng, data.EDUCATION_WEIGHTS),
            "marital": _weighted(rng, data.MARITAL_WEIGHTS),
            "family_permission": _weighted(rng, data.FAMILY_PERMISSION_WEIGHTS),
            "health": "ya" if rng.random() < 0.97 else "tidak",
            # No draw of its own, so that every later draw (and so every seeded row) stays the
            # same as before the health question was split.
            "health_check": "ya",
            "phone": self.phone(),
            "siapkerja": "sudah" if rng.random() < 0.45 else "belum",
            "passport": "sudah" if rng.random() < 0.14 else "belum",
            "worked_abroad": worked,
            "worked_abroad_where": where,
            "languages": self.languages(where),
            "interests": interests,
            "destinations": self.destinations(sex, interests),
        }
        answers: dict[str, Any] = {}
        for question in qn.QUESTIONS:
            if question.applies(answers) and values[question.key] is not None:
                answers[question.key] = values[question.key]
            if question.key == "nik":  # what validate_nik adds next to the NIK
                answers["_nik_birth_date"] = birth.isoformat()
                answers["_nik_sex"] = sex
            elif question.key == "birth_date":  # confirmed with the button from the NIK
                answers["_birth_date_differs"] = False
            elif question.key == "sex":
                answers["_sex_differs"] = False
        return answers

    def person(self, index: int) -> Person:
        rng = self.rng
        user_id = SEED_USER_ID_BASE + index
        sex = "P" if rng.random() < 0.52 else "L"
        # More people register in the recent weeks (posters, word of mouth).
        started = self.now - timedelta(days=60 * rng.random() ** 1.6, seconds=rng.random() * 600)
        draw = rng.random()
        s = self.shares
        if draw < s.consent:
            status = "consent"
        elif draw < s.consent + s.minor:
            status = "minor"
        elif draw < s.consent + s.minor + s.interviewing:
            status = "interviewing"
        else:
            status = "submitted"
        locale = "en" if rng.random() < 0.03 else "id"
        source = rng.choice(data.SOURCES) if rng.random() < 0.4 else None
        row: dict[str, Any] = {
            "user_id": user_id,
            "locale": locale,
            "source": source,
            "status": status,
            "step": None,
            "editing": 0,
            "answers": {},
            "nik": None,
            "consent_at": None,
            "consent_version": None,
            "reg_no": None,
            "submitted_at": None,
            "outcome": None,
            "reasons": [],
            "missing": [],
            "pool": None,
            "waitlist_no": None,
            "stage": None,
            "stage_changed_at": None,
            "staff_flags": [],
            "remind_on": None,
            "opted_out": 0,
            "inactive": 0,
            "created_at": _iso(started),
            "updated_at": _iso(started),
        }
        person = Person(row=row, funnel=[("started", _iso(started))])
        if status == "consent":
            return person

        at = started + timedelta(seconds=rng.randint(20, 90))
        row["consent_at"] = _iso(at)
        row["consent_version"] = CONSENT_VERSION
        person.funnel.append(("consented", _iso(at)))
        row["opted_out"] = int(rng.random() < s.opted_out)

        if status == "minor":
            today = at.astimezone(self.tz).date()
            birth = self.birth_date(today, minor=True)
            for key in ("name", "nik", "birth_date"):
                person.funnel.append((f"q:{key}", _iso(at)))
                at += timedelta(seconds=rng.randint(15, 60))
            row["answers"] = {"birth_date": birth.isoformat()}
            if rng.random() < 0.5:
                row["remind_on"] = date_turning(birth, self.rules.adult_age).isoformat()
            row["updated_at"] = _iso(at)
            return person

        full = self.answers(sex, at.astimezone(self.tz).date())
        questions = qn.applicable(full)
        if status == "interviewing":
            # Drop-off is heaviest at the first questions (NIK and phone put people off).
            stop = min(int(len(questions) * rng.random() ** 1.7), len(questions))
        else:
            stop = len(questions)
        answers: dict[str, Any] = {}
        for question in questions[:stop]:
            person.funnel.append((f"q:{question.key}", _iso(at)))
            answers[question.key] = full[question.key]
            if question.key == "nik":
                answers["_nik_birth_date"] = full["_nik_birth_date"]
                answers["_nik_sex"] = full["_nik_sex"]
                if status != "interviewing":  # only a sent registration reserves its NIK
                    row["nik"] = full["nik"]
            elif question.key == "birth_date":
                answers["_birth_date_differs"] = False
            elif question.key == "sex":
                answers["_sex_differs"] = False
            at += timedelta(seconds=rng.randint(8, 75))
        step = questions[stop].key if stop < len(questions) else qn.SUMMARY
        person.funnel.append((f"q:{step}", _iso(at)))
        row["answers"] = answers
        row["updated_at"] = _iso(at)
        if status == "interviewing":
            row["step"] = step
            return person

        at += timedelta(seconds=rng.randint(10, 120))  # reading the summary
        local_day = at.astimezone(self.tz).date()
        verdict = evaluate(eligibility_input(answers), today=local_day, rules=self.rules)
        row.update(
            step=None,
            submitted_at=_iso(at),
            updated_at=_iso(at),
            outcome=verdict.outcome.value,
            reasons=[r.value for r in verdict.reasons],
            missing=[m.value for m in verdict.missing],
            stage=FIRST_STAGE,
            stage_changed_at=_iso(at),
            staff_flags=staff_flags(answers),
        )
        if verdict.outcome is not Outcome.NOT_ELIGIBLE and verdict.pool is not None:
            person.pool_wanted = verdict.pool.value
        person.year = local_day.year
        person.funnel.append(("completed", _iso(at)))
        return person

    def people(self, count: int) -> list[Person]:
        return [self.person(self.start_index + i + 1) for i in range(count)]


COLUMNS = (
    "user_id", "locale", "source", "status", "step", "editing", "answers", "nik", "consent_at",
    "consent_version", "reg_no", "submitted_at", "outcome", "reasons", "missing", "pool",
    "waitlist_no", "stage", "stage_changed_at", "staff_flags", "remind_on", "opted_out",
    "inactive", "created_at", "updated_at",
)  # fmt: skip
_JSON = frozenset({"answers", "reasons", "missing", "staff_flags"})


def row_values(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(
        json.dumps(row[c], ensure_ascii=False) if c in _JSON else row[c] for c in COLUMNS
    )
