"""A document as Markdown, HTML (a Django template), DOCX (python-docx) or PDF (WeasyPrint).

WeasyPrint is imported only when a PDF is asked for, so the system starts without its system
libraries; Chinese needs a CJK font (Debian's fonts-noto-cjk, installed by the setup).
"""

from __future__ import annotations

import io
import logging
import re

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from aftersale.common.errors import DomainError

from .document import Document, to_markdown

FORMATS = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
CJK_FONT = "Noto Sans CJK SC"
# Characters XML (and so DOCX) cannot hold; a playbook's own text could carry them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class PdfUnavailable(DomainError):
    status = 503


def to_html(document: Document) -> str:
    with translation.override(document.lang):
        return render_to_string("sop/document.html", {"document": document, "lang": document.lang})


def to_docx(document: Document) -> bytes:
    from docx import Document as Docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    def clean(text: str) -> str:
        return _NOT_XML.sub("", text)

    docx = Docx()
    normal = docx.styles["Normal"]
    normal.font.name = CJK_FONT
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_FONT)
    docx.core_properties.title = clean(document.title)
    docx.add_heading(clean(document.title), level=0)
    docx.add_paragraph(clean(document.subtitle)).italic = True
    for section in document.sections:
        docx.add_heading(clean(section.title), level=1)
        if section.intro:
            docx.add_paragraph(clean(section.intro))
        if section.table:
            header, *rows = section.table
            table = docx.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, header, strict=True):
                cell.text = clean(text)
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = clean(text)
        for step in section.steps:
            docx.add_paragraph(clean(step), style="List Number")
        for item in section.items:
            docx.add_paragraph(clean(item), style="List Bullet")
    if document.warnings:
        with translation.override(document.lang):
            docx.add_heading(_("待确认事项"), level=1)
        for warning in document.warnings:
            docx.add_paragraph(clean(warning), style="List Bullet")
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


def to_pdf(document: Document) -> bytes:
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)  # per-page progress is noise in logs
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        raise PdfUnavailable(
            "format", _("此服务器未安装 PDF 组件（WeasyPrint 及其系统库），请选择其他格式")
        ) from None
    return HTML(string=to_html(document)).write_pdf()


def render(document: Document, fmt: str) -> bytes:
    if fmt == "md":
        return to_markdown(document).encode()
    if fmt == "html":
        return to_html(document).encode()
    if fmt == "docx":
        return to_docx(document)
    if fmt == "pdf":
        return to_pdf(document)
    raise DomainError(
        "format", _("不支持的格式：%(f)s；可选：%(all)s") % {"f": fmt, "all": ", ".join(FORMATS)}
    )
