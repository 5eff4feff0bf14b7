"""Settings: defaults, parsing, and a one-line error naming the setting for bad values."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings


def test_defaults() -> None:
    s = load_settings({}, env_file=None)
    assert s.bot_token is None
    assert s.telegram_api_base_url == "https://api.telegram.org/bot"
    assert s.database_path == Path("data/bot.sqlite3")
    assert s.timezone.key == "Asia/Jakarta" and s.default_locale == "id"
    assert s.reminder_offsets == (3 * 86400, 86400, 7200) and s.reminder_hour == 8
    assert s.broadcast_rate == 28.0 and s.telegram_rate_limit == 30


def test_values_are_parsed() -> None:
    s = load_settings(
        {
            "BOT_TOKEN": "123:abc",
            "ADMIN_IDS": "1, 2;3",
            "TIMEZONE": "Asia/Pontianak",
            "DEFAULT_LOCALE": "en",
            "REMINDER_OFFSETS": "20s,10s",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "TELEGRAM_RATE_LIMIT": "1000",
        },
        env_file=None,
    )
    assert s.telegram_rate_limit == 1000
    assert s.admin_ids == frozenset({1, 2, 3})
    assert s.reminder_offsets == (20, 10)
    assert s.telegram_file_base_url == "http://127.0.0.1:8081/file/bot"


def test_env_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("BOT_TOKEN=1:fromfile\nDEFAULT_LOCALE=en\n")
    s = load_settings({"DEFAULT_LOCALE": "id"}, env_file=env_file)
    assert s.bot_token == "1:fromfile" and s.default_locale == "id"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_IDS", "12,abc"),
        ("TIMEZONE", "Mars/Olympus"),
        ("DEFAULT_LOCALE", "fr"),
        ("REMINDER_OFFSETS", "3x"),
        ("REMINDER_HOUR", "25"),
        ("BROADCAST_RATE", "-1"),
        ("TELEGRAM_RATE_LIMIT", "0"),
        ("TELEGRAM_RATE_LIMIT", "2.5"),
        ("BOT_TOKEN", "nocolon"),
        ("TELEGRAM_API_BASE_URL", "ftp://x"),
        ("LOG_LEVEL", "LOUD"),
        ("RULES_FILE", "/nonexistent/rules.toml"),
        ("DESTINATION_NOTES_PATH", "/nonexistent/notes.toml"),
        ("HTTP_PORT", "80000"),
        ("HTTP_PORT", "web"),
        ("WEBHOOK_URL", "http://pmi.example.go.id"),
        ("WEB_BASE_URL", "pmi.example.go.id"),
        ("WEB_SESSION_HOURS", "0"),
    ],
)
def test_bad_values_name_the_setting(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings({name: value}, env_file=None)
    message = str(error.value)
    assert message.startswith(f"{name}:") and "\n" not in message


def test_the_web_pages_address_is_kept_without_its_trailing_slash() -> None:
    settings = load_settings({"WEB_BASE_URL": "https://pmi.example.go.id/"}, env_file=None)
    assert settings.web_base_url == "https://pmi.example.go.id"
    assert load_settings({}, env_file=None).web_base_url == "http://127.0.0.1:8080"


def test_destination_notes_come_from_the_file_named(tmp_path: Path) -> None:
    notes = tmp_path / "notes.toml"
    notes.write_text('[taiwan]\nid = "Catatan Taiwan."\nen = "A Taiwan note."\n', "utf-8")
    settings = load_settings({"DESTINATION_NOTES_PATH": str(notes)}, env_file=None)
    assert [n.destination for n in settings.destination_notes.notes] == ["taiwan"]
    # Without the setting: the notes shipped with the bot.
    shipped = load_settings({}, env_file=None).destination_notes
    assert [n.destination for n in shipped.notes] == ["arab_saudi"]


def test_a_bad_notes_file_stops_start_up_naming_the_setting(tmp_path: Path) -> None:
    notes = tmp_path / "notes.toml"
    notes.write_text('[arab-saudi]\nid = "x"\nen = "y"\n', "utf-8")
    with pytest.raises(SettingsError) as error:
        load_settings({"DESTINATION_NOTES_PATH": str(notes)}, env_file=None)
    assert str(error.value).startswith("DESTINATION_NOTES_PATH:")
    assert "[arab-saudi] is not a destination" in str(error.value)


def test_webhook_mode_needs_a_secret_telegram_accepts() -> None:
    url = {"WEBHOOK_URL": "https://pmi.example.go.id/"}
    with pytest.raises(SettingsError, match=r"^WEBHOOK_SECRET: required when WEBHOOK_URL"):
        load_settings(url, env_file=None)
    with pytest.raises(SettingsError, match=r"^WEBHOOK_SECRET: 1-256 characters"):
        load_settings({**url, "WEBHOOK_SECRET": "has spaces!"}, env_file=None)
    s = load_settings({**url, "WEBHOOK_SECRET": "a-Secret_123"}, env_file=None)
    assert (s.webhook_url, s.webhook_secret) == ("https://pmi.example.go.id", "a-Secret_123")
    assert load_settings({}, env_file=None).webhook_url is None  # polling by default


def test_backup_settings_are_read_and_checked() -> None:
    s = load_settings({"BACKUP_AT": "23:30", "BACKUP_KEEP": "3", "BACKUP_DIR": "/b"}, env_file=None)
    assert (s.backup_at.hour, s.backup_at.minute, s.backup_keep, str(s.backup_dir)) == (
        23, 30, 3, "/b"
    )  # fmt: skip
    with pytest.raises(SettingsError, match="BACKUP_AT"):
        load_settings({"BACKUP_AT": "25:00"}, env_file=None)


def test_alert_and_log_settings_are_read_and_checked() -> None:
    defaults = load_settings({}, env_file=None)
    assert defaults.alert_every == timedelta(minutes=10) and defaults.log_format == "text"
    s = load_settings({"ALERT_EVERY": "1h", "LOG_FORMAT": "JSON"}, env_file=None)
    assert s.alert_every == timedelta(hours=1) and s.log_format == "json"
    assert load_settings({"ALERT_EVERY": "90s"}, env_file=None).alert_every.total_seconds() == 90
    for bad in ("10", "0m", "10m,1h", "soon"):
        with pytest.raises(SettingsError, match=r"^ALERT_EVERY: "):
            load_settings({"ALERT_EVERY": bad}, env_file=None)
    with pytest.raises(SettingsError, match=r"^LOG_FORMAT: must be text or json$"):
        load_settings({"LOG_FORMAT": "xml"}, env_file=None)


WHATSAPP = {
    "WHATSAPP_PHONE_NUMBER_ID": "109876543210",
    "WHATSAPP_TOKEN": "EAAG-token",
    "WHATSAPP_VERIFY_TOKEN": "verify-me",
    "WHATSAPP_APP_SECRET": "app-secret",
}


def test_whatsapp_is_off_unless_set() -> None:
    s = load_settings({}, env_file=None)
    assert not s.whatsapp_enabled
    assert s.whatsapp_api_base_url == "https://graph.facebook.com/v26.0"


def test_whatsapp_settings_are_read() -> None:
    s = load_settings(
        {**WHATSAPP, "WHATSAPP_API_BASE_URL": "http://127.0.0.1:9/v26.0/"}, env_file=None
    )
    assert s.whatsapp_enabled
    assert (s.whatsapp_phone_number_id, s.whatsapp_token) == ("109876543210", "EAAG-token")
    assert (s.whatsapp_verify_token, s.whatsapp_app_secret) == ("verify-me", "app-secret")
    assert s.whatsapp_api_base_url == "http://127.0.0.1:9/v26.0"


@pytest.mark.parametrize("left_out", sorted(WHATSAPP))
def test_whatsapp_is_all_four_or_none(left_out: str) -> None:
    partial = {k: v for k, v in WHATSAPP.items() if k != left_out}
    with pytest.raises(SettingsError, match=f"^{left_out}: required"):
        load_settings(partial, env_file=None)


@pytest.mark.parametrize(
    ("name", "value"),
    [("WHATSAPP_PHONE_NUMBER_ID", "+62 811 0000"), ("WHATSAPP_API_BASE_URL", "graph.facebook.com")],
)
def test_bad_whatsapp_values_name_the_setting(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"^{name}:"):
        load_settings({**WHATSAPP, name: value}, env_file=None)


def test_whatsapp_templates_map_kinds_to_names() -> None:
    assert load_settings({}, env_file=None).whatsapp_templates == {}
    s = load_settings(
        {**WHATSAPP, "WHATSAPP_TEMPLATES": " reminder = pmi_pengingat_jadwal ,stage=pmi_tahap_2,"},
        env_file=None,
    )
    assert s.whatsapp_templates == {"reminder": "pmi_pengingat_jadwal", "stage": "pmi_tahap_2"}


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("pengingat=pmi_pengingat_jadwal", "not kind=template_name"),
        ("reminder", "not kind=template_name"),
        ("reminder=PMI Pengingat", "not a template name"),
        ("reminder=", "not a template name"),
        ("reminder=a,reminder=b", "given twice"),
    ],
)
def test_bad_whatsapp_templates_name_the_setting(value: str, says: str) -> None:
    with pytest.raises(SettingsError, match=f"^WHATSAPP_TEMPLATES: .*{says}"):
        load_settings({**WHATSAPP, "WHATSAPP_TEMPLATES": value}, env_file=None)


def test_every_personal_message_kind_can_have_a_template() -> None:
    from bot.config import WHATSAPP_TEMPLATE_KINDS
    from bot.storage.message_log import Kind

    assert {k.value for k in Kind} - {"other"} <= set(WHATSAPP_TEMPLATE_KINDS)
