"""Regions: the province table and the 67 kelurahan of Kota Serang as domain.md lists them."""

from __future__ import annotations

import re

import pytest

from bot.domain.regions import (
    KECAMATAN,
    KOTA_SERANG,
    PROGRAMME_PROVINCES,
    PROVINCES,
    Kecamatan,
    kecamatan_by_code,
    kecamatan_by_slug,
    kelurahan_by_slug,
)

SLUG = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")


@pytest.mark.parametrize(
    ("code", "slug", "name", "count"),
    [
        ("367301", "serang", "Serang", 12),
        ("367302", "kasemen", "Kasemen", 10),
        ("367303", "walantaka", "Walantaka", 14),
        ("367304", "curug", "Curug", 10),
        ("367305", "cipocok_jaya", "Cipocok Jaya", 8),
        ("367306", "taktakan", "Taktakan", 13),
    ],
)
def test_kecamatan_codes_slugs_and_counts(code: str, slug: str, name: str, count: int) -> None:
    kecamatan = kecamatan_by_code(code)
    assert kecamatan is not None
    assert (kecamatan.slug, kecamatan.name, len(kecamatan.kelurahan)) == (slug, name, count)
    assert kecamatan_by_slug(slug) is kecamatan


def test_kecamatan_are_in_code_order_and_total_67_kelurahan() -> None:
    assert [k.code for k in KECAMATAN] == [f"3673{i:02d}" for i in range(1, 7)]
    assert all(k.code.startswith(KOTA_SERANG) for k in KECAMATAN)
    assert sum(len(k.kelurahan) for k in KECAMATAN) == 67


@pytest.mark.parametrize(
    ("kecamatan_slug", "kelurahan_slug", "name"),
    [
        ("serang", "serang", "Serang"),
        ("serang", "sumur_pecung", "Sumur Pecung"),
        ("serang", "lontarbaru", "Lontarbaru"),
        ("serang", "sukawana", "Sukawana"),
        ("serang", "kagungan", "Kagungan"),
        ("kasemen", "mesjid_priyayi", "Mesjid Priyayi"),
        ("kasemen", "warung_jaud", "Warung Jaud"),
        ("kasemen", "banten", "Banten"),
        ("walantaka", "pager_agung", "Pager Agung"),
        ("walantaka", "lebakwangi", "Lebakwangi"),
        ("curug", "sukawana", "Sukawana"),
        ("curug", "curug_manis", "Curug Manis"),
        ("cipocok_jaya", "cipocok_jaya", "Cipocok Jaya"),
        ("cipocok_jaya", "banjar_agung", "Banjar Agung"),
        ("cipocok_jaya", "gelam", "Gelam"),
        ("taktakan", "umbul_tengah", "Umbul Tengah"),
        ("taktakan", "cibendung", "Cibendung"),
    ],
)
def test_kelurahan_lookup(kecamatan_slug: str, kelurahan_slug: str, name: str) -> None:
    kelurahan = kelurahan_by_slug(kecamatan_slug, kelurahan_slug)
    assert kelurahan is not None
    assert kelurahan.name == name


@pytest.mark.parametrize(
    ("kecamatan_slug", "kelurahan_slug"),
    [
        ("kasemen", "sukawana"),  # Sukawana is only in Serang and Curug
        ("serang", "curug_manis"),  # right kelurahan, wrong kecamatan
        ("walantaka", "cipocok_jaya"),
        ("cipocok", "cipocok_jaya"),  # kecamatan slug must be exact
        ("", ""),
        ("serang", "Serang"),  # slugs are lowercase
        ("unknown", "serang"),
    ],
)
def test_kelurahan_lookup_misses(kecamatan_slug: str, kelurahan_slug: str) -> None:
    assert kelurahan_by_slug(kecamatan_slug, kelurahan_slug) is None


@pytest.mark.parametrize("code", ["367307", "367101", "3673", "", "360401"])
def test_unknown_kecamatan_code(code: str) -> None:
    assert kecamatan_by_code(code) is None


@pytest.mark.parametrize("slug", ["Serang", "cipocok", "cipocok-jaya", "kota_serang", ""])
def test_unknown_kecamatan_slug(slug: str) -> None:
    assert kecamatan_by_slug(slug) is None


def test_sukawana_is_in_serang_and_curug_only() -> None:
    holders = [k.slug for k in KECAMATAN for kel in k.kelurahan if kel.name == "Sukawana"]
    assert holders == ["serang", "curug"]
    serang = kelurahan_by_slug("serang", "sukawana")
    curug = kelurahan_by_slug("curug", "sukawana")
    assert serang is not None and curug is not None
    assert serang == curug  # same value, so callers must always carry the kecamatan too


@pytest.mark.parametrize("kecamatan", KECAMATAN, ids=lambda k: k.slug)
def test_slugs_are_unique_short_and_callback_safe(kecamatan: Kecamatan) -> None:
    slugs = [kel.slug for kel in kecamatan.kelurahan]
    assert len(slugs) == len(set(slugs))
    for slug in [kecamatan.slug, *slugs]:
        assert SLUG.fullmatch(slug), slug
        assert len(slug) < 20, slug


def test_kecamatan_slugs_are_unique() -> None:
    slugs = [k.slug for k in KECAMATAN]
    assert len(slugs) == len(set(slugs))


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("11", "Aceh"),
        ("16", "Sumatera Selatan"),
        ("18", "Lampung"),
        ("21", "Kepulauan Riau"),
        ("31", "DKI Jakarta"),
        ("36", "Banten"),
        ("61", "Kalimantan Barat"),
        ("65", "Kalimantan Utara"),
        ("76", "Sulawesi Barat"),
        # Kemendagri numbering (what NIKs use), not BPS: 91 is Papua, 96 Papua Barat Daya.
        ("91", "Papua"),
        ("92", "Papua Barat"),
        ("93", "Papua Selatan"),
        ("94", "Papua Tengah"),
        ("95", "Papua Pegunungan"),
        ("96", "Papua Barat Daya"),
    ],
)
def test_province_names(code: str, name: str) -> None:
    assert PROVINCES[code] == name


@pytest.mark.parametrize("code", ["00", "10", "20", "37", "41", "97", "99", "3", "036"])
def test_codes_that_are_not_provinces(code: str) -> None:
    assert code not in PROVINCES


def test_province_table_shape() -> None:
    assert len(PROVINCES) == 38
    assert all(len(code) == 2 and code.isdigit() for code in PROVINCES)
    assert len(set(PROVINCES.values())) == 38


def test_programme_provinces_are_the_four_of_the_mou() -> None:
    assert {PROVINCES[c] for c in PROGRAMME_PROVINCES} == {
        "Banten",
        "Sumatera Selatan",
        "Lampung",
        "Kalimantan Barat",
    }
    assert KOTA_SERANG[:2] in PROGRAMME_PROVINCES
