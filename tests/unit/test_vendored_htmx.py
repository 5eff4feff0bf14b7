"""The vendored htmx is the published file its note names, and base.html loads it from this
server with the settings that keep it inside the pages' Content-Security-Policy."""

from __future__ import annotations

import hashlib
import json
import re

from bot.web.dashboard.render import STATIC, TEMPLATES


def test_htmx_is_the_file_its_note_names() -> None:
    note = (STATIC / "VENDORED.md").read_text(encoding="utf-8")
    data = (STATIC / "htmx.min.js").read_bytes()
    declared = re.search(r"sha256 of htmx.min.js: `([0-9a-f]{64})`", note)
    assert declared is not None
    assert hashlib.sha256(data).hexdigest() == declared.group(1)
    version = re.search(r"htmx (2\.\d+\.\d+)", note)
    assert version is not None
    assert f'version:"{version.group(1)}"'.encode() in data


def test_base_loads_htmx_from_here_with_the_csp_settings() -> None:
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", base, re.S)
    assert scripts == [(' src="/dasbor/static/htmx.min.js" defer', "")]
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", base)
    assert meta is not None
    config = json.loads(meta.group(1))
    assert config["includeIndicatorStyles"] is False  # its own <style> would break the CSP
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["historyCacheSize"] == 0  # no page (personal data) kept in the browser
