"""A document (the SOP, the handbook, training materials) and its Markdown form."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from .sections import Section


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Section]
    lang: str = "zh-hans"
    warnings: list[str] = field(default_factory=list)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def section_markdown(section: Section) -> str:
    lines = [f"## {section.title}", ""]
    if section.intro:
        lines += [section.intro, ""]
    if section.table:
        header, *rows = section.table
        lines.append("| " + " | ".join(_cell(h) for h in header) + " |")
        lines.append("|" + "|".join("---" for _h in header) + "|")
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
        lines.append("")
    if section.steps:
        lines += [f"{n}. {step}" for n, step in enumerate(section.steps, start=1)]
        lines.append("")
    if section.items:
        lines += [f"- {item}" for item in section.items]
        lines.append("")
    return "\n".join(lines)


def to_markdown(document: Document) -> str:
    parts = [f"# {document.title}", "", f"_{document.subtitle}_", ""]
    parts += [section_markdown(s) for s in document.sections]
    if document.warnings:
        with translation.override(document.lang):
            parts += [f"## {_('待确认事项')}", ""]
        parts += [f"- {w}" for w in document.warnings]
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"
