"""Reading Bot API parameters the way Telegram does, from any of the three body encodings.

PTB sends application/x-www-form-urlencoded bodies in which a string stays as it is and any
other value is JSON-encoded (chat_id=42, reply_markup={"inline_keyboard": ...}, flag=true),
and multipart/form-data when it uploads files. JSON bodies and query strings are read too.
So every reader below accepts either the typed JSON value or its string form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.simulator.errors import ApiError, bad_request


@dataclass(slots=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    data: bytes
    content_type: str | None


class Params:
    """Typed access to one request's parameters."""

    __slots__ = ("files", "values")

    def __init__(self, values: dict[str, Any], files: dict[str, Upload] | None = None) -> None:
        self.values = values
        self.files = files or {}

    @classmethod
    async def from_request(cls, request: web.Request) -> Params:
        values: dict[str, Any] = dict(request.query)
        files: dict[str, Upload] = {}
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise bad_request("can't parse JSON object") from None
                if not isinstance(body, dict):
                    raise bad_request("can't parse JSON object")
                values.update(body)
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = Upload(
                            value.filename or key, value.file.read(), value.content_type
                        )
                    else:
                        values[key] = value
        return cls(values, files)

    def __contains__(self, name: str) -> bool:
        return name in self.values or name in self.files

    def get_str(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def get_int(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_float(self, name: str) -> float | None:
        value = self.values.get(name)
        if value is None or value == "" or isinstance(value, bool):
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def get_json(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def peek_chat_id(self) -> int | None:
        """The chat_id if it is an integer, without raising: for records and fault matching."""
        try:
            return self.get_int("chat_id")
        except ApiError:
            return None

    def chat_id(self) -> int:
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        try:
            return int(value)
        except (TypeError, ValueError):
            # "@channelusername": no channel exists in this simulator.
            raise bad_request("chat not found") from None

    def required_int(self, name: str, missing: str) -> int:
        value = self.get_int(name)
        if value is None:
            raise bad_request(missing)
        return value
