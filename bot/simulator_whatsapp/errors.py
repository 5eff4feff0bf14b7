"""Graph API errors as Meta sends them: an HTTP status and {"error": {...}}.

The codes and titles are Meta's (WhatsApp Cloud API error codes); the bot's error table
(bot/channels/whatsapp/errors.py) reads only the code, as it must with Meta.
"""

from __future__ import annotations

import secrets
from typing import Any


class GraphError(Exception):
    """A refused request: becomes Meta's error object with a fresh fbtrace_id."""

    def __init__(
        self,
        code: int,
        title: str,
        details: str = "",
        *,
        status: int = 400,
        subcode: int | None = None,
        kind: str = "OAuthException",
        message: str | None = None,
    ) -> None:
        super().__init__(f"({code}) {title}: {details}")
        self.message = message or f"(#{code}) {title}"
        self.code = code
        self.title = title
        self.details = details
        self.status = status
        self.subcode = subcode
        self.kind = kind

    def to_json(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "message": self.message,
            "type": self.kind,
            "code": self.code,
            "fbtrace_id": secrets.token_urlsafe(12),
        }
        if self.details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        return {"error": error}


def invalid_token() -> GraphError:
    # Meta's answer to a missing, expired or mistyped access token: 401 and code 190.
    text = "Invalid OAuth access token - Cannot parse access token"
    return GraphError(190, text, status=401, message=text)


def invalid_parameter(details: str) -> GraphError:
    return GraphError(131009, "Parameter value is not valid", details)


def missing_parameter(details: str) -> GraphError:
    return GraphError(131008, "Required parameter is missing", details)


def unknown_object(object_id: str) -> GraphError:
    return GraphError(
        100,
        "Invalid parameter",
        f"Unsupported post request. Object with ID '{object_id}' does not exist, cannot be"
        " loaded due to missing permissions, or does not support this operation",
        subcode=33,
        kind="GraphMethodException",
    )


def rate_limit_hit() -> GraphError:
    return GraphError(130429, "Rate limit hit", "Cloud API message throughput has been reached.")


def pair_rate_limit_hit() -> GraphError:
    return GraphError(
        131056,
        "(Business Account, Consumer Account) pair rate limit hit",
        "Too many messages sent from the sender phone number to the same recipient phone"
        " number in a short period of time.",
    )


def template_missing(name: str, language: str) -> GraphError:
    return GraphError(
        132001,
        "Template name does not exist in the translation",
        f"template name ({name}) does not exist in {language}",
        status=404,
    )


def template_parameters(expected: int, given: int) -> GraphError:
    return GraphError(
        132000,
        "Number of parameters does not match the expected number of params",
        f"body: number of localizable_params ({given}) does not match the expected number"
        f" of params ({expected})",
    )


# Failures Meta reports later, in a "failed" status on the webhook, not in the answer.
STATUS_ERRORS: dict[int, tuple[str, str]] = {
    131047: (
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer"
        " last replied to this number.",
    ),
    131026: (
        "Message undeliverable",
        "Message Undeliverable.",
    ),
    131000: ("Something went wrong", "Message failed to send due to an unknown error."),
}


def status_error(code: int) -> dict[str, Any]:
    title, details = STATUS_ERRORS.get(code, ("Message failed", "Message failed to send."))
    return {"code": code, "title": title, "message": title, "error_data": {"details": details}}
