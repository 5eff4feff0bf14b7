"""The stages of an application, in order: the words staff use in /tahap and in filters.

Catalog keys ``stage.<value>`` and ``stage.<value>.next`` tell the applicant what a stage
means and what to do next. The values are stored in SQLite (applicants.stage) and typed by
staff, so they never change; a new stage is a new member and two catalog entries.
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    TERDAFTAR = "terdaftar"  # registered: the bot gave a registration number
    TERVERIFIKASI = "terverifikasi"  # staff checked the data
    WAWANCARA = "wawancara"  # interview
    PEMETAAN_MINAT = "pemetaan_minat"  # interest mapping
    PELATIHAN = "pelatihan"  # training
    SIAP_BERANGKAT = "siap_berangkat"  # ready to leave
    BERANGKAT = "berangkat"  # left for work
    TIDAK_LOLOS = "tidak_lolos"  # not selected: ends the application
    MENGUNDURKAN_DIRI = "mengundurkan_diri"  # withdrew: ends the application


STAGES: tuple[Stage, ...] = tuple(Stage)

# Where every submitted application starts.
FIRST_STAGE = Stage.TERDAFTAR

# Stages that end someone's part in the programme and so free their quota place.
LEAVING_STAGES = frozenset({Stage.TIDAK_LOLOS, Stage.MENGUNDURKAN_DIRI})

# Until staff verify an application, the resident may still change their answers (/ubah).
EDITABLE_STAGES = frozenset({FIRST_STAGE})


def parse_stage(text: str) -> Stage | None:
    """A stage as staff may type it ("Pemetaan-Minat", " WAWANCARA "), or None if unknown."""
    value = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Stage(value)
    except ValueError:
        return None
