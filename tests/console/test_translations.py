"""Both languages complete: every string the console and the portal mark for translation (templates
and Python) has an English translation, in the catalogue and in its compiled form."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
APPS = [ROOT / "aftersale" / "console", ROOT / "aftersale" / "portal"]
CATALOGUE = ROOT / "aftersale" / "locale" / "en" / "LC_MESSAGES"
GETTEXT_CALLS = {
    "_": 0,
    "gettext": 0,
    "gettext_lazy": 0,
    "gettext_noop": 0,
    "ngettext": 0,
    "ngettext_lazy": 0,
    "pgettext": 1,
    "pgettext_lazy": 1,
    "npgettext": 1,
    "npgettext_lazy": 1,
}
_LITERAL = r"u?'(?:[^'\\\n]|\\.)*'|u?\"(?:[^\"\\\n]|\\.)*\""
_TEMPLATE_CALL = re.compile(rf"\b(n?p?gettext|_)\(\s*((?:{_LITERAL})(?:\s*,\s*(?:{_LITERAL}))*)")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _catalogue_of(app: Path) -> Path:
    own = app / "locale" / "en" / "LC_MESSAGES"
    return own if own.exists() else CATALOGUE


def template_msgids(path: Path) -> set[str]:
    """The msgids of {% translate %} and {% blocktranslate %}, as makemessages extracts them."""
    found = set()
    for name, args in _TEMPLATE_CALL.findall(templatize(path.read_text(), origin=str(path))):
        literals = [ast.literal_eval(x) for x in re.findall(_LITERAL, args)]
        found.add(literals[1] if name.startswith(("pgettext", "npgettext")) else literals[0])
        if name.startswith("ngettext"):
            found.add(literals[1])
    return found


def python_msgids(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT_CALLS or len(node.args) <= GETTEXT_CALLS[name]:
            continue
        arg = node.args[GETTEXT_CALLS[name]]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.add(arg.value)
    return found


def po_entries(path: Path) -> dict[str, tuple[str, bool]]:
    """msgid → (msgstr, fuzzy) of a .po file (plural forms: the first msgstr)."""
    entries: dict[str, tuple[str, bool]] = {}
    for block in path.read_text().split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
            elif line.strip():
                key, _, value = line.partition(" ")
                current = "msgstr" if key == "msgstr[0]" else key
                fields[current] = ast.literal_eval(value) if value.startswith('"') else ""
        if fields.get("msgid"):
            entries[fields["msgid"]] = (fields.get("msgstr", ""), fuzzy)
    return entries


def _sources():
    for app in APPS:
        for path in sorted(app.rglob("*")):
            if path.suffix == ".html":
                yield app, path, template_msgids(path)
            elif path.suffix == ".py" and "migrations" not in path.parts:
                yield app, path, python_msgids(path)


def test_the_extraction_finds_what_the_templates_mark():
    msgids = template_msgids(APPS[0] / "templates" / "console" / "case" / "_actions.html")
    assert {"操作", "原因（必填）", "确认%(label)s", "当前状态下您没有可执行的操作。"} <= msgids
    assert "未分派" in template_msgids(APPS[0] / "templates" / "console" / "case" / "_header.html")  # _("…")


def untranslated_template_text(path: Path) -> list[str]:
    """Chinese text in a template outside {% translate %} / {% blocktranslate %}: never translated."""
    from django.template.base import Lexer, TokenType

    found, inside = [], False
    for token in Lexer(path.read_text()).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(" ", 1)[0]
            inside = name in ("blocktranslate", "blocktrans") or (
                inside and not name.startswith("endblocktrans")
            )
        elif token.token_type == TokenType.TEXT and not inside and _HAN.search(token.contents):
            found.append(token.contents.strip()[:40])
    return found


@pytest.mark.parametrize("app", APPS, ids=lambda app: app.name)
def test_no_chinese_text_in_templates_is_left_unmarked(app):
    left = {
        str(path.relative_to(ROOT)): texts
        for path in sorted(app.rglob("*.html"))
        if (texts := untranslated_template_text(path))
    }
    assert not left, left


@pytest.mark.parametrize("app", APPS, ids=lambda app: app.name)
def test_every_marked_string_has_an_english_translation(app):
    directory = _catalogue_of(app)
    entries = po_entries(directory / "django.po")
    with (directory / "django.mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    missing = []
    for _app, path, msgids in (s for s in _sources() if s[0] == app):
        for msgid in sorted(msgids):
            msgstr, fuzzy = entries.get(msgid, ("", False))
            if not msgstr or fuzzy:
                missing.append(
                    f"{path.relative_to(ROOT)}: {msgid!r} untranslated{' (fuzzy)' if fuzzy else ''}"
                )
            elif mo.gettext(msgid) == msgid and msgstr != msgid:
                missing.append(f"{path.relative_to(ROOT)}: {msgid!r} not compiled (run make messages)")
    assert not missing, "\n".join(missing)


def unmarked_python_text(path: Path) -> list[str]:
    """Chinese string literals in Python code neither marked for translation nor a docstring."""
    tree = ast.parse(path.read_text(), filename=str(path))
    allowed = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in GETTEXT_CALLS:
                allowed.update(id(arg) for arg in node.args)
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            allowed.add(id(body[0].value))  # a docstring
    return [
        node.value[:40]
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _HAN.search(node.value)
        and id(node) not in allowed
    ]


@pytest.mark.parametrize("app", APPS, ids=lambda app: app.name)
def test_no_chinese_text_in_python_is_left_unmarked(app):
    left = {
        str(path.relative_to(ROOT)): texts
        for path in sorted(app.rglob("*.py"))
        if "migrations" not in path.parts and (texts := unmarked_python_text(path))
    }
    assert not left, left
