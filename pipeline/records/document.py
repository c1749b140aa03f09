"""Document kind, title, department and fiscal year, from the first page."""

from __future__ import annotations

from typing import cast

from pipeline import normalize
from pipeline.model import DocKind, DocumentInfo, Field, Paragraph
from pipeline.normalize import Normalized
from pipeline.records.fields import field_from_evidence
from pipeline.records.rules import Rules
from pipeline.records.stream import TextStream

_FURNITURE = frozenset({"header", "footer"})


def _leading_paragraphs(paragraphs: list[Paragraph], limit: int) -> list[Paragraph]:
    """The first paragraphs of the first page that has text."""
    text = [p for p in paragraphs if p.kind not in _FURNITURE and p.text.strip()]
    if not text:
        return []
    first_page = text[0].char_pages[0] if text[0].char_pages else 1
    return [p for p in text if p.char_pages and p.char_pages[0] == first_page][:limit]


def _title_span(stream: TextStream, rules: Rules) -> tuple[DocKind, int, int] | None:
    """Kind and compact span of the title: whole paragraphs around the kind phrase."""
    best: tuple[int, int, str] | None = None  # (start, -length, phrase)
    for phrase in rules.document.kinds:
        position = stream.text.find(phrase)
        if position >= 0 and (best is None or (position, -len(phrase)) < best[:2]):
            best = (position, -len(phrase), phrase)
    if best is None:
        return None
    start, negative_length, phrase = best
    first = stream.paragraph_index(start)
    last = stream.paragraph_index(start - negative_length - 1)
    span_start = stream.paragraph_ends[first - 1] if first > 0 else 0
    return cast(DocKind, rules.document.kinds[phrase]), span_start, stream.paragraph_ends[last]


def _department(stream: TextStream, title: tuple[int, int] | None, rules: Rules) -> Field:
    doc_rules = rules.document
    if title is not None:
        match = doc_rules.department_before_year.match(stream.text, *title)
        if match:
            evidence = stream.evidence(*match.span("department"))
            return field_from_evidence(normalize.text(evidence.source), evidence, rules.confidence)
    for label in doc_rules.department_labels:
        if match := label.search(stream.text):
            end = stream.paragraph_ends[stream.paragraph_index(match.start())]
            if match.end() < end:
                evidence = stream.evidence(match.end(), end)
                return field_from_evidence(normalize.text(evidence.source), evidence, rules.confidence)
    return Field()


def _fiscal_year(stream: TextStream, title: tuple[int, int] | None, rules: Rules) -> Field:
    pattern = rules.document.fiscal_year
    match = pattern.search(stream.text, *title) if title is not None else None
    match = match or pattern.search(stream.text)
    if match is None:
        return Field()
    evidence = stream.evidence(*match.span())
    return field_from_evidence(Normalized(int(match.group("year"))), evidence, rules.confidence)


def read_document_info(paragraphs: list[Paragraph], info: DocumentInfo, rules: Rules) -> DocumentInfo:
    """``info`` with kind, title, department and fiscal year filled in."""
    stream = TextStream(_leading_paragraphs(paragraphs, rules.document.title_search_paragraphs))
    located = _title_span(stream, rules)
    if located is None:
        return info.model_copy(
            update={
                "kind": "other",
                "department": _department(stream, None, rules),
                "fiscal_year": _fiscal_year(stream, None, rules),
            }
        )
    kind, start, end = located
    evidence = stream.evidence(start, end)
    title = field_from_evidence(normalize.text(evidence.source), evidence, rules.confidence)
    return info.model_copy(
        update={
            "kind": kind,
            "title": title,
            "department": _department(stream, (start, end), rules),
            "fiscal_year": _fiscal_year(stream, (start, end), rules),
        }
    )
