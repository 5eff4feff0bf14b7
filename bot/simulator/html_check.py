"""Telegram's HTML parse mode, reproduced closely enough to reject what Telegram rejects.

The rules follow tdlib's `parse_html` (the code behind the Bot API's "HTML" parse mode):
- tags: b strong i em u ins s strike del tg-spoiler span(class="tg-spoiler") a(href)
  code(class="language-x") pre blockquote(expandable) tg-emoji(emoji-id); any other tag,
  including <br> and self-closing forms such as <b/>, is an error;
- a `<` always starts a tag, so a bare `<` is an error; `>` and a bare `&` are plain text;
- entities: &lt; &gt; &amp; &quot; and numeric &#NNN; / &#xHH; (the `;` is optional);
  any other named entity (&nbsp;) stays literally in the text;
- end tags must match the innermost open tag; `</>` closes whatever is open.
Errors carry tdlib's wording and UTF-8 byte offsets; the Bot API prefixes them with
"can't parse entities: ".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
# tdlib's is_space() plus the end of the string, which C code sees as '\0'.
_SPACES = frozenset(" \t\r\n\v\f\0")
_HEX = frozenset("0123456789abcdefABCDEF")
_DIGITS = frozenset("0123456789")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL = re.compile(r"[<&]")
_END = "\0"
_MAX_INT64 = 2**63 - 1

Entity = dict[str, Any]


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; `str(err)` is tdlib's message."""


@dataclass(slots=True)
class ParsedText:
    """Plain text after tags are removed and entities decoded, with Bot API entities."""

    text: str
    entities: list[Entity] = field(default_factory=list)


@dataclass(slots=True)
class _Open:
    tag: str
    argument: str
    utf16_offset: int
    text_index: int  # len(parts) when the tag opened, to recover a link's own text


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts message lengths in."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8", "surrogatepass"))


def _is_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _decode_entity(source: str, pos: int) -> tuple[int, int]:
    """Decode the character reference at source[pos] == '&': (code point or 0, next index)."""
    size = len(source)

    def at(j: int) -> str:
        return source[j] if j < size else _END

    end = pos + 1
    code = 0
    if at(end) == "#":
        end += 1
        if at(end) == "x":
            end += 1
            while at(end) in _HEX:
                code = code * 16 + int(source[end], 16)
                end += 1
        else:
            while at(end) in _DIGITS:
                code = code * 10 + int(source[end])
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while at(end).isascii() and at(end).isalpha():
            end += 1
        char = _NAMED.get(source[pos + 1 : end])
        if char is None:
            return 0, pos
        code = ord(char)
    if at(end) == ";":
        end += 1
    return code, end


def parse_html(source: str) -> ParsedText:
    """Parse `source` as Telegram does for parse_mode=HTML; raise HtmlParseError if rejected."""
    return _Parser(source).run()


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.size = len(source)
        self.parts: list[str] = []
        self.u16 = 0
        self.stack: list[_Open] = []
        self.entities: list[Entity] = []
        self.has_surrogate = False

    def at(self, j: int) -> str:
        return self.src[j] if j < self.size else _END

    def fail(self, message: str) -> HtmlParseError:
        return HtmlParseError(message)

    def offset(self, index: int) -> int:
        return _byte_offset(self.src, index)

    def emit(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.u16 += len(chunk) if chunk.isascii() else utf16_len(chunk)

    def run(self) -> ParsedText:
        i = 0
        src = self.src
        while i < self.size:
            match = _SPECIAL.search(src, i)
            if match is None:
                self.emit(src[i:])
                break
            if match.start() > i:
                self.emit(src[i : match.start()])
            i = match.start()
            if src[i] == "&":
                code, end = _decode_entity(src, i)
                if code:
                    if 0xD800 <= code <= 0xDFFF:
                        self.has_surrogate = True
                    self.parts.append(chr(code))
                    self.u16 += 2 if code > 0xFFFF else 1
                    i = end
                else:
                    self.emit("&")
                    i += 1
                continue
            i = self.end_tag(i) if self.at(i + 1) == "/" else self.start_tag(i)
        if self.stack:
            raise self.fail(f"Can't find end tag corresponding to start tag {self.stack[-1].tag}")
        if self.has_surrogate:
            raise self.fail(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        for entity in self.entities:
            # Only a <pre><code class="language-x"> pair keeps a language (tdlib clears the rest).
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.parts), self.entities)

    def start_tag(self, begin: int) -> int:
        i = begin + 1
        while self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        if i >= self.size:
            raise self.fail(f"Unclosed start tag at byte offset {self.offset(begin)}")
        tag = self.src[begin + 1 : i].lower()
        if tag not in _TAGS:
            raise self.fail(f'Unsupported start tag "{tag}" at byte offset {self.offset(begin)}')
        argument = ""
        while self.at(i) != ">":
            name, value, i = self.attribute(tag, begin, i)
            if name is None:
                break
            if tag == "a" and name == "href":
                argument = value
            elif tag == "code" and name == "class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif tag == "span" and name == "class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif tag == "tg-emoji" and name == "emoji-id":
                argument = value
            elif tag == "blockquote" and name == "expandable":
                argument = "1"
        if tag == "span" and argument != "spoiler":
            raise self.fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.offset(begin)}'
            )
        self.stack.append(_Open(tag, argument, self.u16, len(self.parts)))
        return i + 1

    def attribute(self, tag: str, begin: int, i: int) -> tuple[str | None, str, int]:
        """Read one attribute at i; (None, "", i) when the tag's '>' comes first."""
        while i < self.size and self.at(i) in _SPACES:
            i += 1
        if self.at(i) == ">":
            return None, "", i
        name_begin = i
        while self.at(i) not in _SPACES and self.at(i) not in "=>":
            i += 1
        name = self.src[name_begin:i]
        if not name:
            raise self.fail(
                f'Empty attribute name in the tag "{tag}" at byte offset {self.offset(begin)}'
            )
        while i < self.size and self.at(i) in _SPACES:
            i += 1
        if self.at(i) != "=":
            if tag == "blockquote" and name == "expandable" and i < self.size:
                return name, "", i
            raise self.fail(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {self.offset(begin)}'
            )
        i += 1
        while i < self.size and self.at(i) in _SPACES:
            i += 1
        if i >= self.size:
            raise self.fail(f'Unclosed start tag "{tag}" at byte offset {self.offset(begin)}')
        if self.at(i) not in "'\"":
            # A name token: letters, digits, periods and hyphens, case-insensitive.
            token_begin = i
            while _is_alnum(self.at(i)) or self.at(i) in ".-":
                i += 1
            value = self.src[token_begin:i].lower()
            if self.at(i) not in _SPACES and self.at(i) != ">":
                raise self.fail(
                    f"Unexpected end of name token at byte offset {self.offset(token_begin)}"
                )
        else:
            quote = self.src[i]
            i += 1
            chars: list[str] = []
            while i < self.size and self.src[i] != quote:
                if self.src[i] == "&":
                    code, end = _decode_entity(self.src, i)
                    if code:
                        chars.append(chr(code))
                        i = end
                        continue
                chars.append(self.src[i])
                i += 1
            if i < self.size:
                i += 1
            value = "".join(chars)
        if i >= self.size:
            raise self.fail(f"Unclosed start tag at byte offset {self.offset(begin)}")
        return name, value, i

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {self.offset(begin)}")
        i = begin + 2
        while self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        end_name = self.src[begin + 2 : i].lower()
        while i < self.size and self.at(i) in _SPACES:
            i += 1
        if self.at(i) != ">":
            raise self.fail(f"Unclosed end tag at byte offset {self.offset(begin)}")
        opened = self.stack[-1]
        if end_name and end_name != opened.tag:
            raise self.fail(
                f"Unmatched end tag at byte offset {self.offset(begin)}, "
                f'expected "</{opened.tag}>", found "</{end_name}>"'
            )
        self.stack.pop()
        if self.u16 > opened.utf16_offset:
            self.close_entity(opened)
        return i + 1

    def close_entity(self, opened: _Open) -> None:
        offset, length = opened.utf16_offset, self.u16 - opened.utf16_offset
        tag, argument = opened.tag, opened.argument
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and last["offset"] == offset and last["length"] == length
        if tag in _SIMPLE_TYPES:
            self.entities.append({"type": _SIMPLE_TYPES[tag], "offset": offset, "length": length})
        elif tag == "tg-emoji":
            if not argument.isdigit() or not 0 < int(argument) <= _MAX_INT64:
                raise self.fail("Invalid custom emoji identifier specified")
            self.entities.append(
                {"type": "custom_emoji", "offset": offset, "length": length,
                 "custom_emoji_id": argument}
            )  # fmt: skip
        elif tag == "a":
            url = argument or "".join(self.parts[opened.text_index :])
            if _looks_like_link(url):
                self.entities.append(
                    {"type": "text_link", "offset": offset, "length": length, "url": url}
                )
        elif tag == "pre":
            if same_span and last is not None and last["type"] == "code" and "language" in last:
                last["type"] = "pre"
            else:
                self.entities.append({"type": "pre", "offset": offset, "length": length})
        elif tag == "code":
            if same_span and last is not None and last["type"] == "pre" and argument:
                last["language"] = argument
            elif argument:
                self.entities.append(
                    {"type": "code", "offset": offset, "length": length, "language": argument}
                )
            else:
                self.entities.append({"type": "code", "offset": offset, "length": length})
        else:  # blockquote
            kind = "expandable_blockquote" if argument else "blockquote"
            self.entities.append({"type": kind, "offset": offset, "length": length})


def _looks_like_link(url: str) -> bool:
    url = url.strip()
    if not url or any(c in url for c in " \n\t"):
        return False
    return "://" in url or url.startswith(("tg:", "mailto:")) or "." in url
