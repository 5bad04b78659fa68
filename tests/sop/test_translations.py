"""English is complete: every string the sop app marks for translation has an English msgstr in the
app's own compiled catalogue."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "aftersale" / "sop"
CALLS = {"_", "gettext", "gettext_lazy", "ngettext"}


def _python_msgids() -> set[str]:
    found = set()
    for path in APP.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in CALLS and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
    return found


def _template_msgids() -> set[str]:
    found = set()
    for path in APP.glob("templates/**/*.html"):
        found |= set(re.findall(r'{%\s*trans(?:late)?\s+"([^"]+)"\s*%}', path.read_text(encoding="utf-8")))
    return found


def test_every_marked_string_has_an_english_translation():
    with (APP / "locale" / "en" / "LC_MESSAGES" / "django.mo").open("rb") as stream:
        catalogue = gettext.GNUTranslations(stream)
    msgids = _python_msgids() | _template_msgids()
    assert len(msgids) > 300
    missing = sorted(m for m in msgids if catalogue.gettext(m) == m and catalogue.ngettext(m, m, 2) == m)
    assert missing == []


def test_no_chinese_outside_translation_tags_in_templates():
    for path in APP.glob("templates/**/*.html"):
        text = re.sub(r"{%.*?%}", "", path.read_text(encoding="utf-8"))
        assert not re.search(r"[\u4e00-\u9fff]", text), path
