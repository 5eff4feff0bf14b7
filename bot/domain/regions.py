"""Indonesian provinces and the kecamatan/kelurahan of Kota Serang, as plain data.

Codes follow Kemendagri (Dukcapil), because that is the numbering NIKs are issued under.
BPS numbers the Papua provinces differently (e.g. BPS 94 = Papua, Kemendagri 91 = Papua),
so a BPS table must never be pasted in here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Kemendagri province codes (Kepmendagri 100.1.1-6117/2022 for the four Papua provinces
# created in 2022). Residents of the new provinces may still carry 91/92 NIKs because a NIK
# never changes, so every code stays valid forever once issued.
PROVINCES: dict[str, str] = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "DI Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}

# The MoU of 15 Dec 2025 opens the 3,000 places to these four provinces only:
# Banten, Sumatera Selatan, Lampung, Kalimantan Barat.
PROGRAMME_PROVINCES: frozenset[str] = frozenset({"36", "16", "18", "61"})

KOTA_SERANG = "3673"


@dataclass(frozen=True)
class Kelurahan:
    slug: str
    name: str


@dataclass(frozen=True)
class Kecamatan:
    code: str
    slug: str
    name: str
    kelurahan: tuple[Kelurahan, ...]


def _slug(name: str) -> str:
    # Slugs travel in callback_data (64 bytes in all) and are stored with answers, so they
    # are short, ascii and stable: derived from the official name, pinned by tests.
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _kecamatan(code: str, name: str, kelurahan: tuple[str, ...]) -> Kecamatan:
    return Kecamatan(
        code=code,
        slug=_slug(name),
        name=name,
        kelurahan=tuple(Kelurahan(slug=_slug(k), name=k) for k in kelurahan),
    )


# The six kecamatan in code order; kelurahan in the order domain.md lists them, which is
# the order the keyboard shows them in.
KECAMATAN: tuple[Kecamatan, ...] = (
    _kecamatan(
        "367301",
        "Serang",
        (
            "Serang",
            "Cipare",
            "Sumur Pecung",
            "Kota Baru",
            "Lopang",
            "Cimuncang",
            "Unyur",
            "Sukawana",
            "Lontarbaru",
            "Kaligandu",
            "Terondol",
            "Kagungan",
        ),
    ),
    _kecamatan(
        "367302",
        "Kasemen",
        (
            "Kasemen",
            "Mesjid Priyayi",
            "Terumbu",
            "Warung Jaud",
            "Bendung",
            "Banten",
            "Sawah Luhur",
            "Kilasah",
            "Kasunyatan",
            "Margaluyu",
        ),
    ),
    _kecamatan(
        "367303",
        "Walantaka",
        (
            "Walantaka",
            "Cigoong",
            "Nyapah",
            "Pangampelan",
            "Kiara",
            "Pager Agung",
            "Kalodran",
            "Kapuren",
            "Teritih",
            "Pabuaran",
            "Pasuluhan",
            "Tegalsari",
            "Pipitan",
            "Lebakwangi",
        ),
    ),
    _kecamatan(
        "367304",
        "Curug",
        (
            "Curug",
            "Tinggar",
            "Kemanisan",
            "Cipete",
            "Cilaku",
            "Pancalaksana",
            "Sukawana",
            "Sukalaksana",
            "Curug Manis",
            "Sukajaya",
        ),
    ),
    _kecamatan(
        "367305",
        "Cipocok Jaya",
        (
            "Cipocok Jaya",
            "Karundang",
            "Panancangan",
            "Banjar Agung",
            "Banjarsari",
            "Tembong",
            "Dalung",
            "Gelam",
        ),
    ),
    _kecamatan(
        "367306",
        "Taktakan",
        (
            "Taktakan",
            "Sayar",
            "Pancur",
            "Kuranji",
            "Kalanganyar",
            "Cilowong",
            "Panggungjati",
            "Drangong",
            "Umbul Tengah",
            "Sepang",
            "Lialang",
            "Taman Baru",
            "Cibendung",
        ),
    ),
)

_BY_SLUG: dict[str, Kecamatan] = {k.slug: k for k in KECAMATAN}
_BY_CODE: dict[str, Kecamatan] = {k.code: k for k in KECAMATAN}
# Keyed by the pair because "Sukawana" is a kelurahan in both Serang and Curug.
_KELURAHAN: dict[tuple[str, str], Kelurahan] = {
    (k.slug, kel.slug): kel for k in KECAMATAN for kel in k.kelurahan
}


def kecamatan_by_slug(slug: str) -> Kecamatan | None:
    return _BY_SLUG.get(slug)


def kelurahan_by_slug(kecamatan_slug: str, kelurahan_slug: str) -> Kelurahan | None:
    return _KELURAHAN.get((kecamatan_slug, kelurahan_slug))


def kecamatan_by_code(code: str) -> Kecamatan | None:
    return _BY_CODE.get(code)
