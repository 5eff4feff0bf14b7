"""One Settings object, read from the environment (and .env) and validated once at start-up."""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.domain.destination_notes import DestinationNotes, NotesError, parse_notes
from bot.domain.eligibility import DEFAULT_RULES, ProgrammeRules
from bot.domain.faq import Faq, FaqError, parse_faq
from bot.domain.office_hours import (
    DEFAULT_OFFICE_HOURS,
    OfficeHours,
    OfficeHoursError,
    parse_office_hours,
)
from bot.domain.rules_file import RulesError, rules_from
from bot.i18n import SUPPORTED_LOCALES

# Notes on destinations with placement restrictions, shipped with the bot (staff may point
# DESTINATION_NOTES_PATH at their own copy).
SHIPPED_DESTINATION_NOTES = Path(__file__).resolve().parent / "destination_notes.toml"
# Answers to frequent questions, shipped with the bot (FAQ_PATH: staff's own copy).
SHIPPED_FAQ = Path(__file__).resolve().parent / "faq.toml"
# How a staff reply reaches a resident: signed by the service, or by the staff member's own
# first name (QUESTION_SIGNATURE).
SIGNATURES = ("service", "first_name")
# The Graph API version current when this was written (v26.0, 29 July 2026); Meta keeps a
# version two years at least, and WHATSAPP_API_BASE_URL moves to a newer one without a release.
GRAPH_API_BASE_URL = "https://graph.facebook.com/v26.0"


class SettingsError(ValueError):
    """A setting has a bad value; the message names the setting and is shown as-is."""


def load_destination_notes(name: str, path: Path) -> DestinationNotes:
    try:
        return parse_notes(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"{name}: cannot read {path} ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{name}: {path} is not UTF-8 text") from None
    except NotesError as exc:
        raise SettingsError(f"{name}: {path}: {exc}") from None


@functools.cache
def shipped_notes() -> DestinationNotes:
    return load_destination_notes("DESTINATION_NOTES_PATH", SHIPPED_DESTINATION_NOTES)


def load_faq(name: str, path: Path) -> Faq:
    try:
        return parse_faq(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"{name}: cannot read {path} ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{name}: {path} is not UTF-8 text") from None
    except FaqError as exc:
        raise SettingsError(f"{name}: {path}: {exc}") from None


@functools.cache
def shipped_faq() -> Faq:
    return load_faq("FAQ_PATH", SHIPPED_FAQ)


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"
    database_path: Path = Path("data/bot.sqlite3")
    admin_ids: frozenset[int] = frozenset()
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Jakarta"))
    default_locale: str = "id"
    broadcast_rate: float = 28.0
    # Messages a second the bot sends in all, at most (Telegram's limit for one bot).
    telegram_rate_limit: int = 30
    # Waits before each retry of a reply that met a 5xx or a network error (bot/rate_limit.py).
    # Not a setting in the environment: the tests shorten it, the shape stays.
    network_backoff: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)
    reminder_offsets: tuple[int, ...] = (3 * 86400, 86400, 2 * 3600)  # seconds before the event
    reminder_hour: int = 8
    siapkerja_url: str = "https://siapkerja.kemnaker.go.id"
    karirhub_url: str = "https://karirhub.kemnaker.go.id"
    # The real addresses and phone numbers are set per deployment: none is invented here.
    contact_bbpvp: str = "BBPVP Serang (Balai Besar Pelatihan Vokasi dan Produktivitas Serang)"
    contact_disnaker: str = "Disnakertrans Kota Serang"
    destination_notes: DestinationNotes = field(default_factory=shipped_notes)
    log_level: str = "INFO"
    # The programme's rules: the built-in ones, or those of RULES_FILE (read at start-up).
    rules_file: Path | None = None
    rules: ProgrammeRules = DEFAULT_RULES
    # The bot's HTTP server (/healthz, /metrics, webhooks): loopback unless told otherwise.
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    # Webhook mode when set: Telegram delivers to webhook_url + WEBHOOK_PATH.
    webhook_url: str | None = None
    webhook_secret: str | None = None
    # The staff web pages (/dasbor): the address staff open, as the login links show it.
    web_base_url: str = "http://127.0.0.1:8080"
    web_session_hours: int = 8
    backup_dir: Path = Path("data/backups")
    backup_at: time = time(2, 0)  # local time (TIMEZONE)
    backup_keep: int = 14
    # At most one alert to the admins per kind of unexpected error in this time.
    alert_every: timedelta = timedelta(minutes=10)
    log_format: str = "text"  # or "json": one JSON object per line, for a log collector
    # Residents' questions (handlers/questions.py): the FAQ read at start-up from faq_path
    # (reloaded when the file changes), and the staff supergroup with topics they go to.
    faq_path: Path = SHIPPED_FAQ
    faq: Faq = field(default_factory=shipped_faq)
    staff_group_id: int | None = None  # None: no "Tanya petugas", the FAQ still answers
    question_limit: int = 20  # messages a resident may send to staff in an hour
    question_sla_hours: int = 24
    office_hours: OfficeHours = DEFAULT_OFFICE_HOURS
    question_signature: str = "service"
    # What the consent promises (bot/services/retention.py): a registration's personal data
    # goes this many days after it was sent; an unfinished one, and a minor's birth date,
    # this many days after the person's last answer.
    retention_days: int = 730
    incomplete_retention_days: int = 90
    # WhatsApp Cloud API (bot/channels/whatsapp): off unless the four below are all set.
    whatsapp_api_base_url: str = GRAPH_API_BASE_URL
    whatsapp_phone_number_id: str | None = None
    whatsapp_token: str | None = None
    whatsapp_verify_token: str | None = None  # echoed by Meta when it verifies the webhook
    whatsapp_app_secret: str | None = None  # signs Meta's deliveries (X-Hub-Signature-256)
    # Outside a resident's 24-hour window only an approved template may be sent: the
    # template name for each kind of personal message (WHATSAPP_TEMPLATES), in the
    # applicant's language. A kind without one is not sent there (recorded, counted).
    whatsapp_templates: Mapping[str, str] = field(default_factory=dict)
    # Messages a second sent from the one number, at most (Meta's limit for a number).
    # Not a setting in the environment: Meta's figure, the simulator enforces it.
    whatsapp_rate_limit: int = 80

    @property
    def tz_name(self) -> str:
        return self.timezone.key

    @property
    def whatsapp_enabled(self) -> bool:
        return self.whatsapp_phone_number_id is not None


def _parse_ids(name: str, raw: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise SettingsError(f"{name}: '{part}' is not a Telegram user id (digits only)")
        ids.add(int(part))
    return frozenset(ids)


def parse_offsets(name: str, raw: str) -> tuple[int, ...]:
    """'3d,1d,2h,30m,20s' -> seconds, largest first."""
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    out: set[int] = set()
    for part in raw.split(","):
        part = part.strip().lower()
        if not part:
            continue
        number, unit = part[:-1], part[-1:]
        if unit not in units or not number.isdigit() or int(number) == 0:
            raise SettingsError(f"{name}: '{part}' is not an offset like 3d, 2h, 30m or 20s")
        out.add(int(number) * units[unit])
    if not out:
        raise SettingsError(f"{name}: give at least one offset, e.g. 3d,1d,2h")
    return tuple(sorted(out, reverse=True))


def parse_duration(name: str, raw: str) -> timedelta:
    """'10m' -> 10 minutes: one number and a unit, as in REMINDER_OFFSETS (d, h, m, s)."""
    part = raw.strip().lower()
    if "," in part:
        raise SettingsError(f"{name}: '{raw}' is one duration like 10m, 1h or 30s")
    (seconds,) = parse_offsets(name, part)
    return timedelta(seconds=seconds)


def _positive_float(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}: '{raw}' is not a number") from None
    if value <= 0:
        raise SettingsError(f"{name}: must be greater than 0")
    return value


def _positive_int(name: str, raw: str) -> int:
    if not raw.isdigit() or int(raw) == 0:
        raise SettingsError(f"{name}: must be a whole number greater than 0")
    return int(raw)


def load_rules(name: str, path: Path) -> ProgrammeRules:
    """The rules in a TOML file, or SettingsError: one line naming the setting and the key."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"{name}: cannot read {path} ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        first_line = str(exc).splitlines()[0]
        raise SettingsError(f"{name}: {path} is not valid TOML ({first_line})") from None
    try:
        return rules_from(data)
    except RulesError as exc:
        raise SettingsError(f"{name}: {path}: {exc}") from None


def _destination_notes(path: str | None) -> DestinationNotes:
    if path is None:
        return shipped_notes()
    return load_destination_notes("DESTINATION_NOTES_PATH", Path(path))


# Telegram's rule for setWebhook's secret_token.
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _port(name: str, raw: str) -> int:
    if not raw.isdigit() or not 0 <= int(raw) <= 65535:
        raise SettingsError(f"{name}: '{raw}' is not a port number (0-65535)")
    return int(raw)


def _webhook(url: str | None, secret: str | None) -> tuple[str | None, str | None]:
    if url is None:
        return None, secret
    if not url.startswith("https://"):
        raise SettingsError("WEBHOOK_URL: must start with https:// (Telegram refuses http)")
    if secret is None:
        raise SettingsError("WEBHOOK_SECRET: required when WEBHOOK_URL is set")
    if not _WEBHOOK_SECRET.match(secret):
        raise SettingsError("WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and - only")
    return url.rstrip("/"), secret


def _web_base_url(raw: str | None, default: str) -> str:
    url = (raw or default).rstrip("/")
    if not re.match(r"^https?://[^/\s]+", url):
        raise SettingsError("WEB_BASE_URL: must start with http:// or https://")
    return url


def _clock_time(name: str, raw: str) -> time:
    hour, _, minute = raw.partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise SettingsError(f"{name}: '{raw}' is not a time like 02:00")
    return time(int(hour), int(minute))


def _staff_group(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not raw.startswith("-") or not raw[1:].isdigit():
        raise SettingsError(
            f"STAFF_GROUP_ID: '{raw}' is not a group id (a negative number like -1001234567890)"
        )
    return int(raw)


def _office_hours(raw: str | None) -> OfficeHours:
    if raw is None:
        return DEFAULT_OFFICE_HOURS
    try:
        return parse_office_hours(raw)
    except OfficeHoursError as exc:
        raise SettingsError(f"OFFICE_HOURS: {exc}") from None


@dataclass(frozen=True)
class _WhatsApp:
    base_url: str
    phone_number_id: str | None
    token: str | None
    verify_token: str | None
    app_secret: str | None


# The messages the service starts on WhatsApp, by the word WHATSAPP_TEMPLATES uses: the
# personal ones (bot/storage/message_log.Kind, "other" excepted) and announcements.
WHATSAPP_TEMPLATE_KINDS = (
    "stage", "place", "schedule", "schedule_cancel", "reminder", "nik_conflict", "turned_18",
    "question_reply", "announcement",
)  # fmt: skip
_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")


def parse_templates(raw: str) -> dict[str, str]:
    """``reminder=pmi_pengingat_jadwal,stage=pmi_tahap_pendaftaran``: kind to template name
    (Meta's names: lowercase letters, digits and underscores)."""
    found: dict[str, str] = {}
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        kind, sep, name = (piece.strip() for piece in part.partition("="))
        if not sep or kind not in WHATSAPP_TEMPLATE_KINDS:
            raise SettingsError(
                f"WHATSAPP_TEMPLATES: '{part}' is not kind=template_name; kinds:"
                f" {', '.join(WHATSAPP_TEMPLATE_KINDS)}"
            )
        if not _TEMPLATE_NAME.match(name):
            raise SettingsError(
                f"WHATSAPP_TEMPLATES: '{name}' is not a template name (lowercase letters,"
                " digits and _, as in WhatsApp Manager)"
            )
        if kind in found:
            raise SettingsError(f"WHATSAPP_TEMPLATES: '{kind}' is given twice")
        found[kind] = name
    return found


def _whatsapp(get: Callable[[str], str | None]) -> _WhatsApp:
    """The WhatsApp settings: all four or none (half a configuration would take webhooks it
    cannot check, or send with no way to hear the answers)."""
    given = {
        "WHATSAPP_PHONE_NUMBER_ID": get("WHATSAPP_PHONE_NUMBER_ID"),
        "WHATSAPP_TOKEN": get("WHATSAPP_TOKEN"),
        "WHATSAPP_VERIFY_TOKEN": get("WHATSAPP_VERIFY_TOKEN"),
        "WHATSAPP_APP_SECRET": get("WHATSAPP_APP_SECRET"),
    }
    missing = [name for name, value in given.items() if value is None]
    if missing and len(missing) < len(given):
        raise SettingsError(f"{missing[0]}: required when any of {', '.join(given)} is set")
    phone_id = given["WHATSAPP_PHONE_NUMBER_ID"]
    if phone_id is not None and not phone_id.isdigit():
        raise SettingsError(
            "WHATSAPP_PHONE_NUMBER_ID: the phone number ID from Meta's WhatsApp Manager"
            " (digits), not the phone number"
        )
    base_url = (get("WHATSAPP_API_BASE_URL") or GRAPH_API_BASE_URL).rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise SettingsError("WHATSAPP_API_BASE_URL: must start with http:// or https://")
    return _WhatsApp(
        base_url,
        phone_id,
        given["WHATSAPP_TOKEN"],
        given["WHATSAPP_VERIFY_TOKEN"],
        given["WHATSAPP_APP_SECRET"],
    )


def load_settings(
    env: Mapping[str, str] | None = None, *, env_file: Path | None = Path(".env")
) -> Settings:
    """Merge .env (lower precedence) with the process environment, then validate."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if env is None else env)

    def get(name: str) -> str | None:
        raw = values.get(name)
        return raw.strip() if raw is not None and raw.strip() != "" else None

    defaults = Settings()
    tz_raw = get("TIMEZONE") or defaults.tz_name
    try:
        tz = ZoneInfo(tz_raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"TIMEZONE: '{tz_raw}' is not an IANA time zone") from None

    locale = get("DEFAULT_LOCALE") or defaults.default_locale
    if locale not in SUPPORTED_LOCALES:
        raise SettingsError(f"DEFAULT_LOCALE: must be one of {', '.join(SUPPORTED_LOCALES)}")

    hour_raw = get("REMINDER_HOUR") or str(defaults.reminder_hour)
    hour_raw = hour_raw.split(":")[0]
    if not hour_raw.isdigit() or not 0 <= int(hour_raw) <= 23:
        raise SettingsError("REMINDER_HOUR: must be an hour from 0 to 23")

    token = get("BOT_TOKEN")
    if token is not None and ":" not in token:
        raise SettingsError("BOT_TOKEN: does not look like a token from @BotFather (id:secret)")

    base_url = get("TELEGRAM_API_BASE_URL") or defaults.telegram_api_base_url
    if not base_url.startswith(("http://", "https://")):
        raise SettingsError("TELEGRAM_API_BASE_URL: must start with http:// or https://")
    file_url = get("TELEGRAM_FILE_BASE_URL") or base_url.replace("/bot", "/file/bot", 1)

    webhook_url, webhook_secret = _webhook(get("WEBHOOK_URL"), get("WEBHOOK_SECRET"))

    log_level = (get("LOG_LEVEL") or defaults.log_level).upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise SettingsError("LOG_LEVEL: must be DEBUG, INFO, WARNING or ERROR")

    log_format = (get("LOG_FORMAT") or defaults.log_format).lower()
    if log_format not in {"text", "json"}:
        raise SettingsError("LOG_FORMAT: must be text or json")

    rules_file = Path(raw_rules) if (raw_rules := get("RULES_FILE")) else None
    rules = load_rules("RULES_FILE", rules_file) if rules_file else DEFAULT_RULES

    faq_path = Path(raw_faq) if (raw_faq := get("FAQ_PATH")) else SHIPPED_FAQ
    signature = (get("QUESTION_SIGNATURE") or defaults.question_signature).lower()
    if signature not in SIGNATURES:
        raise SettingsError(f"QUESTION_SIGNATURE: must be one of {', '.join(SIGNATURES)}")

    whatsapp = _whatsapp(get)
    return Settings(
        bot_token=token,
        telegram_api_base_url=base_url,
        telegram_file_base_url=file_url,
        database_path=Path(get("DATABASE_PATH") or defaults.database_path),
        admin_ids=_parse_ids("ADMIN_IDS", get("ADMIN_IDS") or ""),
        timezone=tz,
        default_locale=locale,
        broadcast_rate=_positive_float(
            "BROADCAST_RATE", get("BROADCAST_RATE") or str(defaults.broadcast_rate)
        ),
        telegram_rate_limit=_positive_int(
            "TELEGRAM_RATE_LIMIT",
            get("TELEGRAM_RATE_LIMIT") or str(defaults.telegram_rate_limit),
        ),
        reminder_offsets=parse_offsets("REMINDER_OFFSETS", get("REMINDER_OFFSETS") or "3d,1d,2h"),
        reminder_hour=int(hour_raw),
        siapkerja_url=get("SIAPKERJA_URL") or defaults.siapkerja_url,
        karirhub_url=get("KARIRHUB_URL") or defaults.karirhub_url,
        contact_bbpvp=get("CONTACT_BBPVP") or defaults.contact_bbpvp,
        contact_disnaker=get("CONTACT_DISNAKER") or defaults.contact_disnaker,
        destination_notes=_destination_notes(get("DESTINATION_NOTES_PATH")),
        log_level=log_level,
        rules_file=rules_file,
        rules=rules,
        http_host=get("HTTP_HOST") or defaults.http_host,
        http_port=_port("HTTP_PORT", get("HTTP_PORT") or str(defaults.http_port)),
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        web_base_url=_web_base_url(get("WEB_BASE_URL"), defaults.web_base_url),
        web_session_hours=_positive_int(
            "WEB_SESSION_HOURS", get("WEB_SESSION_HOURS") or str(defaults.web_session_hours)
        ),
        backup_dir=Path(get("BACKUP_DIR") or defaults.backup_dir),
        backup_at=_clock_time("BACKUP_AT", get("BACKUP_AT") or "02:00"),
        backup_keep=_positive_int("BACKUP_KEEP", get("BACKUP_KEEP") or str(defaults.backup_keep)),
        alert_every=parse_duration("ALERT_EVERY", get("ALERT_EVERY") or "10m"),
        log_format=log_format,
        faq_path=faq_path,
        faq=shipped_faq() if faq_path == SHIPPED_FAQ else load_faq("FAQ_PATH", faq_path),
        staff_group_id=_staff_group(get("STAFF_GROUP_ID")),
        question_limit=_positive_int(
            "QUESTION_LIMIT", get("QUESTION_LIMIT") or str(defaults.question_limit)
        ),
        question_sla_hours=_positive_int(
            "QUESTION_SLA_HOURS", get("QUESTION_SLA_HOURS") or str(defaults.question_sla_hours)
        ),
        office_hours=_office_hours(get("OFFICE_HOURS")),
        question_signature=signature,
        retention_days=_positive_int(
            "RETENTION_DAYS", get("RETENTION_DAYS") or str(defaults.retention_days)
        ),
        incomplete_retention_days=_positive_int(
            "INCOMPLETE_RETENTION_DAYS",
            get("INCOMPLETE_RETENTION_DAYS") or str(defaults.incomplete_retention_days),
        ),
        whatsapp_api_base_url=whatsapp.base_url,
        whatsapp_phone_number_id=whatsapp.phone_number_id,
        whatsapp_token=whatsapp.token,
        whatsapp_verify_token=whatsapp.verify_token,
        whatsapp_app_secret=whatsapp.app_secret,
        whatsapp_templates=parse_templates(get("WHATSAPP_TEMPLATES") or ""),
    )
