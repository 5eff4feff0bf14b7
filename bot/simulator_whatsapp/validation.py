"""What Meta refuses in a message the bot sends: the shapes and limits of the Cloud API.

Each check raises GraphError with Meta's code (131009 for a value out of bounds, 131008 for
a missing one, 100 for a malformed request) and a detail naming the field, so a test reads
why. The limits are Meta's published ones for interactive and text messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.simulator_whatsapp.errors import (
    GraphError,
    invalid_parameter,
    missing_parameter,
    template_missing,
    template_parameters,
)

TEXT_BODY_MAX = 4096
INTERACTIVE_BODY_MAX = 1024
HEADER_TEXT_MAX = 60
FOOTER_TEXT_MAX = 60
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
BUTTON_ID_MAX = 256
LIST_BUTTON_MAX = 20
LIST_ROWS_MAX = 10
LIST_SECTIONS_MAX = 10
ROW_TITLE_MAX = 24
ROW_ID_MAX = 200
ROW_DESCRIPTION_MAX = 72
SECTION_TITLE_MAX = 24
MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")


@dataclass(frozen=True)
class Template:
    """A template as WhatsApp Manager holds it: only APPROVED ones can be sent."""

    name: str
    language: str
    body: str  # with {{1}}, {{2}} ... placeholders
    status: str = "APPROVED"

    @property
    def parameters(self) -> int:
        count = 0
        while "{{" + str(count + 1) + "}}" in self.body:
            count += 1
        return count

    def render(self, values: list[str]) -> str:
        text = self.body
        for number, value in enumerate(values, start=1):
            text = text.replace("{{" + str(number) + "}}", value)
        return text


@dataclass(frozen=True)
class Outgoing:
    """A message the simulator accepted, as the resident's phone shows it."""

    to: str
    type: str
    payload: dict[str, Any]  # the request's object for its type ("text", "interactive", ...)
    text: str  # what the phone shows: body, header, footer together
    choices: tuple[tuple[str, str], ...] = ()  # (id, title) of buttons or list rows
    free_form: bool = True  # everything but a template needs the 24-hour window
    context_id: str | None = None  # the message it replies to, if any
    extra: dict[str, Any] = field(default_factory=dict)


def _text(value: Any, where: str, limit: int, *, required: bool = True) -> str:
    if value is None or value == "":
        if required:
            raise missing_parameter(f"{where} is required")
        return ""
    if not isinstance(value, str):
        raise GraphError(100, "Invalid parameter", f"{where} must be a string")
    if not value.strip():
        raise invalid_parameter(f"{where} must not be blank")
    if len(value) > limit:
        raise invalid_parameter(f"{where} is too long: {len(value)} characters, at most {limit}")
    return value


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise missing_parameter(f"{where} is required (an object)")
    return value


def check_message(body: dict[str, Any], templates: dict[tuple[str, str], Template]) -> Outgoing:
    """The message in a POST /{phone_number_id}/messages body, or GraphError."""
    if body.get("messaging_product") != "whatsapp":
        raise GraphError(100, "Invalid parameter", "messaging_product must be 'whatsapp'")
    to = body.get("to")
    if not isinstance(to, str) or not to:
        raise missing_parameter("to is required")
    digits = to.removeprefix("+")
    if not digits.isdigit() or not 8 <= len(digits) <= 15:
        raise GraphError(100, "Invalid parameter", f"to: '{to}' is not a phone number")
    kind = body.get("type", "text")
    context = body.get("context")
    context_id = context.get("message_id") if isinstance(context, dict) else None
    if kind == "text":
        text = _object(body.get("text"), "text")
        shown = _text(text.get("body"), "text.body", TEXT_BODY_MAX)
        return Outgoing(digits, kind, text, shown, context_id=context_id)
    if kind == "interactive":
        return _interactive(digits, _object(body.get("interactive"), "interactive"), context_id)
    if kind == "template":
        return _template(digits, _object(body.get("template"), "template"), templates)
    if kind == "reaction":
        reaction = _object(body.get("reaction"), "reaction")
        if not reaction.get("message_id"):
            raise missing_parameter("reaction.message_id is required")
        return Outgoing(digits, kind, reaction, f"[reaction {reaction.get('emoji', '')}]")
    if kind in MEDIA_TYPES:
        media = _object(body.get(kind), kind)
        if not media.get("id") and not media.get("link"):
            raise missing_parameter(f"{kind}.id or {kind}.link is required")
        caption = _text(media.get("caption"), f"{kind}.caption", 1024, required=False)
        return Outgoing(digits, kind, media, f"[{kind}] {caption}".rstrip())
    if kind == "location":
        location = _object(body.get("location"), "location")
        for key in ("latitude", "longitude"):
            if not isinstance(location.get(key), int | float | str):
                raise missing_parameter(f"location.{key} is required")
        return Outgoing(digits, kind, location, "[location]")
    raise GraphError(100, "Invalid parameter", f"type: '{kind}' is not a message type")


def _header_footer(interactive: dict[str, Any]) -> tuple[str, str]:
    header = interactive.get("header")
    header_text = ""
    if header is not None:
        header = _object(header, "interactive.header")
        if header.get("type") != "text":
            raise invalid_parameter("interactive.header.type: only text headers are simulated")
        header_text = _text(header.get("text"), "interactive.header.text", HEADER_TEXT_MAX)
    footer = interactive.get("footer")
    footer_text = ""
    if footer is not None:
        footer = _object(footer, "interactive.footer")
        footer_text = _text(footer.get("text"), "interactive.footer.text", FOOTER_TEXT_MAX)
    return header_text, footer_text


def _interactive(to: str, interactive: dict[str, Any], context_id: str | None) -> Outgoing:
    kind = interactive.get("type")
    if kind not in ("button", "list"):
        raise invalid_parameter(f"interactive.type: '{kind}' (button and list are simulated)")
    header, footer = _header_footer(interactive)
    body = _text(
        _object(interactive.get("body"), "interactive.body").get("text"),
        "interactive.body.text",
        INTERACTIVE_BODY_MAX,
    )
    action = _object(interactive.get("action"), "interactive.action")
    choices = _buttons(action) if kind == "button" else _list(action)
    shown = "\n".join(part for part in (header, body, footer) if part)
    return Outgoing(to, "interactive", interactive, shown, choices, context_id=context_id)


def _unique(values: list[str], where: str) -> None:
    if len(set(values)) != len(values):
        raise invalid_parameter(f"{where} must be unique")


def _buttons(action: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    buttons = action.get("buttons")
    if not isinstance(buttons, list) or not buttons:
        raise missing_parameter("interactive.action.buttons is required")
    if len(buttons) > BUTTONS_MAX:
        raise invalid_parameter(
            f"interactive.action.buttons: {len(buttons)} buttons, at most {BUTTONS_MAX}"
        )
    choices = []
    for number, button in enumerate(buttons):
        where = f"interactive.action.buttons[{number}]"
        button = _object(button, where)
        if button.get("type") != "reply":
            raise invalid_parameter(f"{where}.type must be 'reply'")
        reply = _object(button.get("reply"), f"{where}.reply")
        choice_id = _text(reply.get("id"), f"{where}.reply.id", BUTTON_ID_MAX)
        title = _text(reply.get("title"), f"{where}.reply.title", BUTTON_TITLE_MAX)
        choices.append((choice_id, title))
    _unique([c[0] for c in choices], "interactive.action.buttons ids")
    _unique([c[1] for c in choices], "interactive.action.buttons titles")
    return tuple(choices)


def _list(action: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    _text(action.get("button"), "interactive.action.button", LIST_BUTTON_MAX)
    sections = action.get("sections")
    if not isinstance(sections, list) or not sections:
        raise missing_parameter("interactive.action.sections is required")
    if len(sections) > LIST_SECTIONS_MAX:
        raise invalid_parameter(f"interactive.action.sections: at most {LIST_SECTIONS_MAX}")
    choices = []
    for s_number, section in enumerate(sections):
        where = f"interactive.action.sections[{s_number}]"
        section = _object(section, where)
        _text(section.get("title"), f"{where}.title", SECTION_TITLE_MAX, required=len(sections) > 1)
        rows = section.get("rows")
        if not isinstance(rows, list) or not rows:
            raise missing_parameter(f"{where}.rows is required")
        for r_number, row in enumerate(rows):
            row_where = f"{where}.rows[{r_number}]"
            row = _object(row, row_where)
            row_id = _text(row.get("id"), f"{row_where}.id", ROW_ID_MAX)
            title = _text(row.get("title"), f"{row_where}.title", ROW_TITLE_MAX)
            _text(
                row.get("description"),
                f"{row_where}.description",
                ROW_DESCRIPTION_MAX,
                required=False,
            )
            choices.append((row_id, title))
    if len(choices) > LIST_ROWS_MAX:
        raise invalid_parameter(
            f"interactive.action.sections: {len(choices)} rows in all, at most {LIST_ROWS_MAX}"
        )
    _unique([c[0] for c in choices], "interactive.action.sections row ids")
    return tuple(choices)


def _template(
    to: str, template: dict[str, Any], templates: dict[tuple[str, str], Template]
) -> Outgoing:
    name = template.get("name")
    language = template.get("language")
    code = language.get("code") if isinstance(language, dict) else None
    if not isinstance(name, str) or not name:
        raise missing_parameter("template.name is required")
    if not isinstance(code, str) or not code:
        raise missing_parameter("template.language.code is required")
    known = templates.get((name, code))
    if known is None or known.status != "APPROVED":
        raise template_missing(name, code)
    values: list[str] = []
    for component in template.get("components") or []:
        component = _object(component, "template.components[]")
        if component.get("type") != "body":
            continue
        for parameter in component.get("parameters") or []:
            parameter = _object(parameter, "template.components[].parameters[]")
            if parameter.get("type") != "text" or not isinstance(parameter.get("text"), str):
                raise invalid_parameter("template parameters: only text parameters simulated")
            if not parameter["text"].strip() or "\n" in parameter["text"]:
                # Meta refuses new lines, tabs and more than 4 spaces in a parameter.
                raise invalid_parameter("template parameter: no empty text or new lines")
            values.append(parameter["text"])
    if len(values) != known.parameters:
        raise template_parameters(known.parameters, len(values))
    return Outgoing(to, "template", template, known.render(values), free_form=False)
