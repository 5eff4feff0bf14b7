"""Where an applicant is in the bot's own flow (applicants.status), apart from the stages
staff move them through once they submitted (bot/domain/stages.py)."""

from __future__ import annotations

from enum import StrEnum


class ApplicantStatus(StrEnum):
    CONSENT = "consent"  # asked for consent, not given yet
    INTERVIEWING = "interviewing"  # answering the questions
    MINOR = "minor"  # under 18: stopped at the birth date, only that is kept
    SUBMITTED = "submitted"  # has a registration number and a verdict
