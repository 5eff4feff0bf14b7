"""Who an announcement (or an export) is for: a recipient filter, and how staff type one.

A filter is a plain value: the SQL that selects it lives in bot/storage/recipients.py, and
`RecipientFilter.matches` is the same rule in Python (the tests check that both agree).
Typed filters look like ``tujuan:jepang kecamatan:taktakan tahap:terverifikasi``: fields are
AND-ed, several values of one field (``tujuan:jepang,korea``) are OR-ed. Keys and values are
case-insensitive; English keys (``destination:``) and a few English values (``japan``) work too,
because the staff commands are bilingual.

Parsing raises FilterError with a catalog key and its placeholders, never text: the handler
renders it in the staff member's language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from bot.domain.eligibility import Outcome
from bot.domain.questionnaire import DESTINATIONS, DOMICILE_PROVINCE, INTERESTS
from bot.domain.regions import KECAMATAN
from bot.domain.stages import STAGES

OUTCOMES: tuple[str, ...] = tuple(o.value for o in Outcome)

# Region words staff type -> province code, except the two about Kota Serang itself.
REGION_PROVINCES: dict[str, str] = {"banten": "36", "sumsel": "16", "lampung": "18", "kalbar": "61"}
KOTA_SERANG = "kota_serang"
OUTSIDE_KOTA_SERANG = "luar_kota_serang"
REGIONS: tuple[str, ...] = (KOTA_SERANG, *REGION_PROVINCES, OUTSIDE_KOTA_SERANG)
# The channel a person registered on (bot/storage/contacts.py: a WhatsApp resident's user id
# is negative). Written out here: the domain imports no storage.
CHANNELS: tuple[str, ...] = ("telegram", "whatsapp")

KECAMATAN_SLUGS: tuple[str, ...] = tuple(k.slug for k in KECAMATAN)
DESTINATION_VALUES: tuple[str, ...] = tuple(o.value for o in DESTINATIONS)
INTEREST_VALUES: tuple[str, ...] = tuple(o.value for o in INTERESTS)


class Field:
    """The canonical name of each filter field, as typed in Indonesian."""

    STATUS = "status"
    REGION = "wilayah"
    KECAMATAN = "kecamatan"
    DESTINATION = "tujuan"
    FIRST_CHOICE = "tujuan1"
    INTEREST = "minat"
    STAGE = "tahap"
    CHANNEL = "kanal"


FIELDS: tuple[str, ...] = (
    Field.STATUS,
    Field.REGION,
    Field.KECAMATAN,
    Field.DESTINATION,
    Field.FIRST_CHOICE,
    Field.INTEREST,
    Field.STAGE,
    Field.CHANNEL,
)

_KEY_ALIASES: dict[str, str] = {
    "status": Field.STATUS, "hasil": Field.STATUS, "outcome": Field.STATUS,
    "verdict": Field.STATUS,
    "wilayah": Field.REGION, "domisili": Field.REGION, "region": Field.REGION,
    "kecamatan": Field.KECAMATAN, "kec": Field.KECAMATAN, "district": Field.KECAMATAN,
    "tujuan": Field.DESTINATION, "destination": Field.DESTINATION,
    "tujuan1": Field.FIRST_CHOICE, "destination1": Field.FIRST_CHOICE,
    "minat": Field.INTEREST, "interest": Field.INTEREST,
    "tahap": Field.STAGE, "stage": Field.STAGE,
    "kanal": Field.CHANNEL, "channel": Field.CHANNEL,
}  # fmt: skip

# Other spellings of values (English words, full province names) -> the stored value.
_VALUE_ALIASES: dict[str, dict[str, str]] = {
    Field.STATUS: {"eligible": "memenuhi_syarat", "incomplete": "perlu_dilengkapi",
                   "not_eligible": "belum_memenuhi_syarat"},
    Field.REGION: {"serang": KOTA_SERANG, "sumatera_selatan": "sumsel",
                   "kalimantan_barat": "kalbar", "outside_kota_serang": OUTSIDE_KOTA_SERANG},
    Field.DESTINATION: {"japan": "jepang", "south_korea": "korea", "korea_selatan": "korea",
                        "hong_kong": "hongkong", "singapore": "singapura",
                        "saudi_arabia": "arab_saudi", "saudi": "arab_saudi",
                        "germany": "jerman", "poland": "polandia"},
    Field.INTEREST: {"welding": "las", "electrical": "listrik", "automotive": "otomotif",
                     "manufacturing": "manufaktur", "construction": "bangunan", "ict": "tik",
                     "it": "tik", "agriculture": "pertanian", "hospitality": "perhotelan",
                     "garment": "garmen", "logistics": "logistik"},
    Field.CHANNEL: {"wa": "whatsapp", "tg": "telegram", "tele": "telegram"},
}  # fmt: skip
_VALUE_ALIASES[Field.FIRST_CHOICE] = _VALUE_ALIASES[Field.DESTINATION]

_VALID: dict[str, tuple[str, ...]] = {
    Field.STATUS: OUTCOMES,
    Field.REGION: REGIONS,
    Field.KECAMATAN: KECAMATAN_SLUGS,
    Field.DESTINATION: DESTINATION_VALUES,
    Field.FIRST_CHOICE: DESTINATION_VALUES,
    Field.INTEREST: INTEREST_VALUES,
    Field.STAGE: STAGES,
    Field.CHANNEL: CHANNELS,
}

# Words that mean "everyone" on their own.
ALL_WORDS = frozenset({"semua", "all"})


class FilterError(ValueError):
    """A typed filter staff must correct. ``key`` is a catalog key, ``params`` its
    placeholders (plain text: the renderer escapes them)."""

    def __init__(self, key: str, params: Mapping[str, str] | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.params: dict[str, str] = dict(params or {})


@dataclass(frozen=True)
class RecipientFilter:
    """Submitted applications matching every non-empty field (values within a field: any).

    Region: ``kota_serang=True`` and ``provinces`` together say where people may live (either
    counts); ``kota_serang=False`` leaves Kota Serang residents out. Province 36 (Banten)
    includes Kota Serang. A kecamatan is only ever answered by Kota Serang residents.
    """

    outcomes: frozenset[str] = frozenset()
    kota_serang: bool | None = None
    provinces: frozenset[str] = frozenset()
    kecamatan: frozenset[str] = frozenset()
    first_choice: frozenset[str] = frozenset()  # the first of the ranked destinations
    destinations: frozenset[str] = frozenset()  # any of the ranked destinations
    interests: frozenset[str] = frozenset()
    stages: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()  # telegram, whatsapp

    @property
    def is_everyone(self) -> bool:
        return self == RecipientFilter()

    def domiciles(self) -> frozenset[str]:
        """Domicile answers a recipient may have (empty: any), from kota_serang and provinces."""
        allowed: set[str] = set()
        if self.kota_serang is True:
            allowed.add(KOTA_SERANG)
        for code in self.provinces:
            allowed |= {d for d, p in DOMICILE_PROVINCE.items() if p == code}
        return frozenset(allowed)

    def matches(
        self,
        *,
        outcome: str | None,
        stage: str | None,
        answers: Mapping[str, Any],
        channel: str = "telegram",
    ) -> bool:
        """The rule in Python, for one submitted application (the SQL must agree)."""
        domicile = answers.get("domicile")
        destinations = answers.get("destinations") or []
        interests = answers.get("interests") or []
        checks = (
            not self.outcomes or outcome in self.outcomes,
            not self.stages or stage in self.stages,
            not self.domiciles() or domicile in self.domiciles(),
            self.kota_serang is not False or domicile != KOTA_SERANG,
            not self.kecamatan or answers.get("kecamatan") in self.kecamatan,
            not self.first_choice or (bool(destinations) and destinations[0] in self.first_choice),
            not self.destinations or bool(self.destinations & set(destinations)),
            not self.interests or bool(self.interests & set(interests)),
            not self.channels or channel in self.channels,
        )
        return all(checks)

    # the typed form ----------------------------------------------------------------------
    def terms(self) -> list[tuple[str, tuple[str, ...]]]:
        """(field, values) in FIELDS order, values in their catalog order: for display."""
        region: list[str] = []
        if self.kota_serang is True:
            region.append(KOTA_SERANG)
        region += [w for w, code in REGION_PROVINCES.items() if code in self.provinces]
        if self.kota_serang is False:
            region.append(OUTSIDE_KOTA_SERANG)
        chosen: dict[str, list[str]] = {
            Field.STATUS: [v for v in OUTCOMES if v in self.outcomes],
            Field.REGION: region,
            Field.KECAMATAN: [v for v in KECAMATAN_SLUGS if v in self.kecamatan],
            Field.DESTINATION: [v for v in DESTINATION_VALUES if v in self.destinations],
            Field.FIRST_CHOICE: [v for v in DESTINATION_VALUES if v in self.first_choice],
            Field.INTEREST: [v for v in INTEREST_VALUES if v in self.interests],
            Field.STAGE: [v for v in STAGES if v in self.stages],
            Field.CHANNEL: [v for v in CHANNELS if v in self.channels],
        }
        return [(name, tuple(chosen[name])) for name in FIELDS if chosen[name]]

    def to_text(self) -> str:
        """The canonical typed form (``semua`` for everyone); parse_filter reads it back."""
        if self.is_everyone:
            return "semua"
        return " ".join(f"{name}:{','.join(values)}" for name, values in self.terms())

    def to_json(self) -> str:
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, frozenset):
                if value:
                    data[f.name] = sorted(value)
            elif value is not None:
                data[f.name] = value
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RecipientFilter:
        data = json.loads(text or "{}")
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            kwargs[f.name] = value if f.name == "kota_serang" else frozenset(value)
        return cls(**kwargs)


# "tujuan : jepang , korea" -> "tujuan:jepang,korea": people put spaces around the marks.
_SPACES_AROUND = re.compile(r"\s*([:,])\s*")
_TOKEN = re.compile(r"^([^:]+):(.*)$")


def _normalise(value: str) -> str:
    """Lower case, words joined by "_" (so "Cipocok Jaya" and "cipocok-jaya" both work)."""
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")


def _value_of(name: str, raw: str) -> str:
    value = _normalise(raw)
    value = _VALUE_ALIASES.get(name, {}).get(value, value)
    valid = _VALID[name]
    if value in valid:
        return value
    squashed = {v.replace("_", ""): v for v in valid}  # "cipocokjaya", "memenuhisyarat"
    found = squashed.get(value.replace("_", ""))
    if found is not None:
        return found
    raise FilterError(
        "filter.error.unknown_value",
        {"field": name, "value": raw, "valid": ", ".join(valid)},
    )


def parse_filter(text: str) -> RecipientFilter:
    """A typed filter -> RecipientFilter; empty text or ``semua`` means everyone."""
    cleaned = _SPACES_AROUND.sub(r"\1", text.strip())
    tokens = cleaned.split()
    if not tokens or (len(tokens) == 1 and tokens[0].lower() in ALL_WORDS):
        return RecipientFilter()
    chosen: dict[str, set[str]] = {}
    for token in tokens:
        match = _TOKEN.match(token)
        if match is None:
            raise FilterError("filter.error.malformed", {"token": token})
        key, raw_values = match.group(1).lower(), match.group(2)
        name = _KEY_ALIASES.get(key)
        if name is None:
            raise FilterError(
                "filter.error.unknown_field", {"field": match.group(1), "fields": ", ".join(FIELDS)}
            )
        values = [v for v in raw_values.split(",") if v.strip()]
        if not values:
            raise FilterError("filter.error.no_value", {"field": name})
        chosen.setdefault(name, set()).update(_value_of(name, v) for v in values)
    return _build(chosen)


def _build(chosen: Mapping[str, set[str]]) -> RecipientFilter:
    region = chosen.get(Field.REGION, set())
    kota_serang: bool | None = None
    if KOTA_SERANG in region and OUTSIDE_KOTA_SERANG in region:
        raise FilterError(
            "filter.error.conflict", {"first": KOTA_SERANG, "second": OUTSIDE_KOTA_SERANG}
        )
    if KOTA_SERANG in region:
        kota_serang = True
    elif OUTSIDE_KOTA_SERANG in region:
        kota_serang = False
    provinces = frozenset(REGION_PROVINCES[w] for w in region if w in REGION_PROVINCES)
    kecamatan = frozenset(chosen.get(Field.KECAMATAN, set()))
    if kecamatan and kota_serang is False:
        # A kecamatan is in Kota Serang: "outside Kota Serang" would select nobody, silently.
        raise FilterError(
            "filter.error.conflict", {"first": Field.KECAMATAN, "second": OUTSIDE_KOTA_SERANG}
        )
    return RecipientFilter(
        outcomes=frozenset(chosen.get(Field.STATUS, set())),
        kota_serang=kota_serang,
        provinces=provinces,
        kecamatan=kecamatan,
        first_choice=frozenset(chosen.get(Field.FIRST_CHOICE, set())),
        destinations=frozenset(chosen.get(Field.DESTINATION, set())),
        interests=frozenset(chosen.get(Field.INTEREST, set())),
        stages=frozenset(chosen.get(Field.STAGE, set())),
        channels=frozenset(chosen.get(Field.CHANNEL, set())),
    )
