"""The data-lifecycle pages and messages are complete in English (the app's own catalogue)."""

from __future__ import annotations

import gettext
from pathlib import Path

from tests.console.test_translations import (
    ROOT,
    po_entries,
    python_msgids,
    template_msgids,
    untranslated_template_text,
)

APP = ROOT / "aftersale" / "privacy"
CATALOGUE = APP / "locale" / "en" / "LC_MESSAGES"


def _msgids() -> dict[Path, set[str]]:
    found = {}
    for path in sorted(APP.rglob("*")):
        if path.suffix == ".html":
            found[path] = template_msgids(path)
        elif path.suffix == ".py" and "migrations" not in path.parts:
            found[path] = python_msgids(path)
    return found


def test_every_string_has_an_english_translation_compiled():
    entries = po_entries(CATALOGUE / "django.po")
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    missing = [
        f"{path.relative_to(ROOT)}: {msgid!r}"
        for path, msgids in _msgids().items()
        for msgid in sorted(msgids)
        if not entries.get(msgid, ("", False))[0] or mo.gettext(msgid) == msgid
    ]
    assert not missing, missing


def test_no_chinese_text_in_templates_is_left_unmarked():
    assert not {str(p): t for p in APP.rglob("*.html") if (t := untranslated_template_text(p))}
