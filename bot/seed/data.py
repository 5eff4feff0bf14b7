"""Word lists and weights behind the synthetic applicants: names, regions, spreads.

The spreads are plausible, not statistics: they follow the shape of the public figures in
docs (most PMI go to Hong Kong, Taiwan, Malaysia, Japan, Korea; women mostly into care and
domestic work, men into welding, construction and factories) so that /statistik and exports
look like a real intake rather than a uniform blur.
"""

from __future__ import annotations

MALE_GIVEN = (
    "Ahmad", "Muhammad", "Agus", "Budi", "Dede", "Asep", "Ujang", "Iwan", "Rudi", "Hendra",
    "Andi", "Dimas", "Rizky", "Fajar", "Ilham", "Arif", "Yusuf", "Ridwan", "Hasan", "Firman",
    "Dani", "Eko", "Joko", "Bambang", "Wahyu", "Bayu", "Gilang", "Rahmat", "Saepul", "Ade",
    "Apip", "Nana", "Jajang", "Maman", "Encep", "Ikhsan", "Aldi", "Reza", "Fikri", "Taufik",
    "Samsul", "Sobari", "Hamdan", "Mulyadi", "Rohmat", "Andri", "Yogi", "Irfan", "Ma'ruf",
    "Komarudin", "Tubagus", "Ropik", "Deni", "Yayan", "Heri", "Wawan", "Anwar", "Jaka",
)  # fmt: skip

FEMALE_GIVEN = (
    "Siti", "Nur", "Dewi", "Sri", "Rina", "Yanti", "Lilis", "Euis", "Neneng", "Imas", "Ela",
    "Tuti", "Wati", "Fitri", "Putri", "Ayu", "Indah", "Nurul", "Rika", "Yuli", "Ratna", "Eva",
    "Dian", "Lina", "Mega", "Anisa", "Aisyah", "Rosita", "Maesaroh", "Nurhayati", "Kartika",
    "Wulan", "Sari", "Eneng", "Iis", "Titin", "Rohayati", "Syifa", "Nabila", "Salsabila",
    "Aulia", "Intan", "Novi", "Desi", "Rani", "Tika", "Melati", "Nur'aini", "Ratu", "Khodijah",
)  # fmt: skip

MALE_FAMILY = (
    "Hidayat", "Saputra", "Setiawan", "Nugraha", "Ramadhan", "Kurniawan", "Firmansyah",
    "Pratama", "Gunawan", "Wijaya", "Suryana", "Sudrajat", "Supriatna", "Maulana", "Hakim",
    "Rahman", "Fauzi", "Syahputra", "Nurdin", "Sobirin", "Jaelani", "Mulyana", "Sutisna",
    "Rohman", "Syamsudin", "Hermawan", "Irawan", "Santoso", "Susanto", "Haryanto", "Purnama",
)  # fmt: skip

FEMALE_FAMILY = (
    "Lestari", "Wulandari", "Rahayu", "Handayani", "Anggraini", "Puspita", "Marlina",
    "Fitriani", "Oktaviani", "Susanti", "Maryani", "Hasanah", "Nurjanah", "Rohmah",
    "Permatasari", "Kusumawati", "Apriyani", "Safitri", "Ningsih", "Yuliani", "Septiani",
)  # fmt: skip

# Share of applicants by domicile answer (Kota Serang first: the MoU is the city's).
DOMICILE_WEIGHTS = {
    "kota_serang": 36,
    "banten": 25,
    "sumsel": 12,
    "lampung": 13,
    "kalbar": 11,
    "other": 3,
}

# Regency/city codes (Kemendagri) per province, for NIK prefixes outside Kota Serang.
# The two kecamatan digits are drawn from 01-12: a hint of where a NIK was first issued,
# which the bot never checks against a registry.
REGENCIES: dict[str, tuple[str, ...]] = {
    # Banten without Kota Serang (3673): residents answering "Banten" live elsewhere in it.
    "banten": ("3601", "3602", "3603", "3604", "3671", "3672", "3674"),
    "sumsel": (
        "1601", "1602", "1603", "1604", "1605", "1606", "1607", "1608", "1609", "1610",
        "1611", "1671", "1672", "1673", "1674",
    ),
    "lampung": (
        "1801", "1802", "1803", "1804", "1805", "1806", "1807", "1808", "1809", "1810",
        "1811", "1871", "1872",
    ),
    "kalbar": (
        "6101", "6102", "6103", "6104", "6105", "6106", "6107", "6108", "6109", "6110",
        "6111", "6171", "6172",
    ),
    # Outside the four programme provinces: West, Central, East Java and Jakarta.
    "other": ("3201", "3204", "3216", "3273", "3302", "3374", "3515", "3578", "3171", "3175"),
}
# Kabupaten Serang: residents registered before Kota Serang split off (UU 32/2007) or who
# moved into the city still carry these NIKs.
KAB_SERANG = "3604"

# Weights per person: Kota Serang kecamatan by rough population.
KECAMATAN_WEIGHTS = {
    "serang": 30,
    "kasemen": 15,
    "walantaka": 14,
    "curug": 9,
    "cipocok_jaya": 18,
    "taktakan": 14,
}

EDUCATION_WEIGHTS = {
    "none": 1,
    "sd": 5,
    "smp": 15,
    "sma": 29,
    "smk": 35,
    "d1_d3": 8,
    "s1_plus": 7,
}

MARITAL_WEIGHTS = {"belum_kawin": 55, "kawin": 37, "cerai_hidup": 6, "cerai_mati": 2}
FAMILY_PERMISSION_WEIGHTS = {"ya": 68, "belum_tahu": 28, "tidak": 4}

INTEREST_WEIGHTS: dict[str, dict[str, int]] = {
    "L": {
        "las": 26, "listrik": 15, "otomotif": 15, "manufaktur": 12, "bangunan": 12, "tik": 8,
        "pertanian": 5, "logistik": 6, "perhotelan": 3, "caregiver": 2, "garmen": 1,
    },
    "P": {
        "caregiver": 26, "perhotelan": 15, "garmen": 15, "manufaktur": 12, "tik": 10,
        "logistik": 5, "pertanian": 5, "las": 2, "listrik": 2, "otomotif": 1, "bangunan": 1,
    },
}  # fmt: skip

# 2024 placements shaped, with the programme's G-to-G routes (Japan, Korea) pulled up.
DESTINATION_WEIGHTS: dict[str, dict[str, int]] = {
    "L": {
        "jepang": 24, "korea": 24, "taiwan": 10, "hongkong": 2, "malaysia": 10,
        "singapura": 4, "arab_saudi": 3, "jerman": 4, "polandia": 5, "kota_serang": 6,
        "jabodetabek": 6, "luar_jawa": 4,
    },
    "P": {
        "jepang": 22, "korea": 10, "taiwan": 18, "hongkong": 18, "malaysia": 8,
        "singapura": 7, "arab_saudi": 4, "jerman": 3, "polandia": 1, "kota_serang": 5,
        "jabodetabek": 5, "luar_jawa": 2,
    },
}  # fmt: skip
# An interest pulls its typical destinations up (welders to Korea and Poland, care to Japan).
DESTINATION_BOOST: dict[str, tuple[str, ...]] = {
    "las": ("korea", "polandia", "jepang"),
    "caregiver": ("jepang", "taiwan", "hongkong"),
    "pertanian": ("jepang", "korea", "luar_jawa"),
    "perhotelan": ("arab_saudi", "singapura", "jepang"),
    "bangunan": ("korea", "jabodetabek", "malaysia"),
    "manufaktur": ("korea", "taiwan", "jepang"),
    "tik": ("jabodetabek", "jepang", "kota_serang"),
}

LANGUAGE_CHANCE = {
    "inggris": 0.30,
    "jepang": 0.08,
    "korea": 0.06,
    "arab": 0.04,
    "mandarin": 0.02,
    "melayu": 0.03,
    "jerman": 0.01,
}

WORKED_ABROAD_PLACES = (
    "Malaysia, pabrik elektronik 2 tahun",
    "Hong Kong, pekerja rumah tangga",
    "Taiwan, perawat lansia 3 tahun",
    "Arab Saudi, sopir keluarga",
    "Korea Selatan, pabrik (EPS) 4 tahun",
    "Singapura, ART 2019-2021",
    "Jepang, magang las 3 tahun",
    "Brunei, bangunan",
)

# Deep-link payloads on posters and shared links (None: opened the bot directly).
SOURCES = ("kel_poster", "disnaker", "bbpvp_web", "ig_pemkot", "wa_grup")

MOBILE_PREFIXES = (
    "812", "813", "821", "822", "823", "852", "853", "851", "857", "856", "858", "878", "877",
    "817", "818", "819", "859", "895", "896", "897", "898", "838", "831", "832", "881", "882",
)  # fmt: skip
