"""Render the documents of one language from the model: HTML pages, Markdown, DOCX, JSON rows.

Each document has one template per language (``documents/<lang>/<id>.html.j2``). The HTML it
renders is the H5 page; Markdown and DOCX are converted from that same HTML, so the prose is
written once. The rows JSON is :meth:`DocumentModel.to_dict`, evidence included.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from selfaudit.documents.docx import to_docx
from selfaudit.documents.htmltree import parse_html, text_of
from selfaudit.documents.markdown import to_markdown
from selfaudit.documents.rows import DocumentModel

__all__ = ["Document", "DOCUMENTS", "FORMATS", "LANGS", "render_documents", "file_names"]

FORMATS = ("html", "md", "docx", "json")
LANGS = ("zh-CN", "en")
_COUNT = "@@selfaudit-todo-count@@"


@dataclass(frozen=True)
class Document:
    id: str  # template name: documents/<lang>/<id>.html.j2
    stem: str  # output file stem
    rows: str | None  # which rows the document lists (None: all of them)
    docx: bool = False


DOCUMENTS: tuple[Document, ...] = (
    Document("collected", "collected-pi", "collected"),
    Document("sharing", "third-party-sharing", "sharing"),
    Document("permissions", "permissions", "permissions"),
    Document("policy", "privacy-policy", None, docx=True),
)


def file_names(lang: str, formats: tuple[str, ...] | list[str] = FORMATS) -> list[str]:
    """The files one language produces for ``formats`` (what the docs directory holds)."""
    names = []
    for doc in DOCUMENTS:
        for fmt in ("html", "md", "docx"):
            if fmt in formats and (fmt != "docx" or doc.docx):
                names.append(f"{doc.stem}.{lang}.{fmt}")
    if "json" in formats:
        names.append(f"rows.{lang}.json")
    return names


def _summary(model: DocumentModel, doc: Document) -> dict[str, Any]:
    rows = getattr(model, doc.rows) if doc.rows else [*model.collected, *model.sharing, *model.permissions]
    return {
        "todo": _COUNT,
        "rows": len(rows),
        "undeclared": sum(1 for r in rows if r.status == "undeclared"),
        "not_observed": sum(1 for r in rows if r.status == "not-observed"),
    }


def render_html(model: DocumentModel, doc: Document, env: Any, *, show_evidence: bool = True,
                extra: dict[str, Any] | None = None) -> str:
    """One document as a standalone HTML page."""
    lang = model.meta.lang
    template = env.get_template(f"documents/{lang}/{doc.id}.html.j2")
    context = {
        "doc": doc.id,
        "meta": model.meta,
        "model": model,
        "rows": getattr(model, doc.rows) if doc.rows else [],
        "collected": model.collected,
        "sharing": model.sharing,
        "permissions": model.permissions,
        "functions": model.functions,
        "summary": _summary(model, doc),
        "show_evidence": show_evidence,
        "extra": dict(extra or {}),
    }
    html = template.render(context)
    return html.replace(_COUNT, str(html.count('<mark class="todo">')))


def render_documents(
    model: DocumentModel,
    env: Any,
    *,
    formats: tuple[str, ...] | list[str] = FORMATS,
    show_evidence: bool = True,
    extra: dict[str, Any] | None = None,
) -> dict[str, bytes]:
    """Every file of one language, by file name (see :func:`file_names`)."""
    lang = model.meta.lang
    files: dict[str, bytes] = {}
    for doc in DOCUMENTS:
        html = render_html(model, doc, env, show_evidence=show_evidence, extra=extra)
        if "html" in formats:
            files[f"{doc.stem}.{lang}.html"] = html.encode("utf-8")
        if "md" in formats:
            files[f"{doc.stem}.{lang}.md"] = to_markdown(parse_html(html, "md")).encode("utf-8")
        if "docx" in formats and doc.docx:
            tree = parse_html(html, "docx")
            title = tree.find("h1")
            files[f"{doc.stem}.{lang}.docx"] = to_docx(tree, lang=lang, title=text_of(title) if title else None)
    if "json" in formats:
        data = {"$comment": "selfaudit document rows: a generated draft, not legal advice", **model.to_dict()}
        files[f"rows.{lang}.json"] = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files
