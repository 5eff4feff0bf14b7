"""Telegram's HTML parse mode: what passes, what is rejected and with which message."""

from __future__ import annotations

import pytest

from bot.simulator import BotApiSimulator, HtmlParseError, parse_html, utf16_len

from .conftest import Api

GOOD = [
    # (html, plain text, entities as (type, offset, length))
    ("plain text", "plain text", []),
    (
        "<b>bold</b> and <strong>strong</strong>",
        "bold and strong",
        [("bold", 0, 4), ("bold", 9, 6)],
    ),
    (
        "<i>a</i><em>b</em><u>c</u><ins>d</ins>",
        "abcd",
        [("italic", 0, 1), ("italic", 1, 1), ("underline", 2, 1), ("underline", 3, 1)],
    ),
    (
        "<s>a</s><strike>b</strike><del>c</del>",
        "abc",
        [("strikethrough", 0, 1), ("strikethrough", 1, 1), ("strikethrough", 2, 1)],
    ),
    (
        '<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>',
        "xy",
        [("spoiler", 0, 1), ("spoiler", 1, 1)],
    ),
    ('<a href="https://kemnaker.go.id/a?b=1&amp;c=2">link</a>', "link", [("text_link", 0, 4)]),
    ("<code>x = 1</code>", "x = 1", [("code", 0, 5)]),
    ('<pre><code class="language-python">print()</code></pre>', "print()", [("pre", 0, 7)]),
    ("<blockquote>q</blockquote>", "q", [("blockquote", 0, 1)]),
    ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
    ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍", [("custom_emoji", 0, 2)]),
    ("&lt;tag&gt; &amp; &quot;q&quot;", '<tag> & "q"', []),
    ("&#65;&#x42;&#67", "ABC", []),
    ("&nbsp; &copy; stay literal", "&nbsp; &copy; stay literal", []),
    ("a > b & c", "a > b & c", []),
    ("<B>case</B>", "case", [("bold", 0, 4)]),
    ("<b>a <i>b</i></>", "a b", [("bold", 0, 3), ("italic", 2, 1)]),
    ("😀<b>x</b>", "😀x", [("bold", 2, 1)]),  # offsets in UTF-16 code units
    ("<b></b>x", "x", []),  # an empty entity is dropped
]

BAD = [
    ("a < b", 'Unsupported start tag "" at byte offset 2'),
    ("x <b", "Unclosed start tag at byte offset 2"),
    ("<br>", 'Unsupported start tag "br" at byte offset 0'),
    ("<br/>", 'Unsupported start tag "br/" at byte offset 0'),
    ("<b/>", 'Unsupported start tag "b/" at byte offset 0'),
    ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
    ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
    ("é<foo>", 'Unsupported start tag "foo" at byte offset 2'),  # byte offsets, UTF-8
    ("<b>x", "Can't find end tag corresponding to start tag b"),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ("<b>x</b", "Unclosed end tag at byte offset 4"),
    ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ("<a =\"x\">y</a>", 'Empty attribute name in the tag "a" at byte offset 0'),
    ("<i aba>x</i>",
     'Expected equal sign in declaration of an attribute of the tag "i" at byte offset 0'),
    ("<a href=x/>y</a>", "Unexpected end of name token at byte offset 8"),
    ('<tg-emoji emoji-id="x">y</tg-emoji>', "Invalid custom emoji identifier specified"),
    ("&#xD800;", "Text contains invalid Unicode characters after decoding HTML entities, "
     "check for unmatched surrogate code units"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "text", "entities"), GOOD)
def test_valid_html_is_parsed(source: str, text: str, entities: list[tuple[str, int, int]]) -> None:
    parsed = parse_html(source)
    assert parsed.text == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed.entities] == entities


@pytest.mark.parametrize(("source", "message"), BAD)
def test_invalid_html_is_rejected(source: str, message: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(source)
    assert str(caught.value) == message


@pytest.mark.parametrize(("source", "message"), BAD[:6])
async def test_send_message_rejects_bad_html(api: Api, source: str, message: str) -> None:
    status, description, _ = await api.error(
        "sendMessage", chat_id=1001, text=source, parse_mode="HTML"
    )
    assert (status, description) == (400, f"Bad Request: can't parse entities: {message}")


async def test_without_parse_mode_tags_are_plain_text(api: Api) -> None:
    result = await api.ok("sendMessage", chat_id=1001, text="a < b <br>")
    assert result["text"] == "a < b <br>"


async def test_records_plain_text_and_raw_html(api: Api, simulator: BotApiSimulator) -> None:
    await api.ok("sendMessage", chat_id=1001, text="<b>Nama</b>: Siti &amp; Ani", parse_mode="HTML")
    [message] = simulator.chat(1001).messages
    assert message.text == "Nama: Siti & Ani"
    assert message.html == "<b>Nama</b>: Siti &amp; Ani"
    assert message.parse_mode == "HTML"
    assert message.entities == [{"type": "bold", "offset": 0, "length": 4}]


@pytest.mark.parametrize("mode", ["MarkdownV2", "Markdown", "bogus"])
async def test_other_parse_modes_are_refused(api: Api, mode: str) -> None:
    status, description, _ = await api.error("sendMessage", chat_id=1001, text="x", parse_mode=mode)
    assert status == 400 and description.startswith("Bad Request: unsupported parse_mode")


def test_utf16_length_counts_surrogate_pairs() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("😀") == 2
    assert utf16_len("é") == 1
