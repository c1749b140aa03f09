"""Fields built from evidence: value, where it was read, and how surely."""

from __future__ import annotations

from pipeline.model import Field, TableCell
from pipeline.normalize import Normalized
from pipeline.records.rules import ConfidenceFactors
from pipeline.records.stream import Evidence


def confidence(
    base: float,
    factors: ConfidenceFactors,
    *,
    exact: bool,
    reading: Normalized | None = None,
    broken_text: bool = False,
    joined: bool = False,
    stray_marks: bool = False,
) -> float:
    """Character confidence times the factor of every rule and repair involved."""
    value = base * (factors.exact_template if exact else factors.tolerant_template)
    if reading is not None:
        value *= _reading_factor(reading, factors)
    if broken_text:
        value *= factors.broken_text
    if joined:
        value *= factors.joined_paragraphs
    if stray_marks:
        value *= factors.stray_mark
    return round(min(1.0, max(0.0, value)), 4)


def _reading_factor(reading: Normalized, factors: ConfidenceFactors) -> float:
    """The factor of the repairs normalising a value took (docs/ocr-damage.md)."""
    value = 1.0
    if reading.repaired:
        value *= factors.repaired_number
    if reading.misread:
        value *= factors.misread_character
    if reading.doubtful:
        value *= factors.doubtful_reading
    return value


def field_from_evidence(
    result: Normalized, evidence: Evidence, factors: ConfidenceFactors, *, exact: bool = True
) -> Field:
    """A Field read from running text."""
    return Field(
        value=result.value,
        confidence=confidence(
            evidence.confidence,
            factors,
            exact=exact,
            reading=result,
            broken_text=evidence.broken_text,
            joined=evidence.joined,
            stray_marks=evidence.stray_marks,
        ),
        page=evidence.page,
        bbox=list(evidence.bbox),
        source=evidence.source,
    )


def field_from_cell(
    result: Normalized, cell: TableCell | None, factors: ConfidenceFactors, *, carried: bool = False
) -> Field:
    """A Field read from a table cell (``None`` cell: not stated)."""
    if cell is None:
        return Field()
    base = min(cell.char_conf) if cell.char_conf else cell.confidence
    value = confidence(base * factors.table_cell, factors, exact=True, reading=result)
    if carried:
        value = round(value * factors.carried_level, 4)
    return Field(
        value=result.value,
        confidence=value,
        page=cell.page,
        bbox=list(cell.bbox),
        source=cell.text,
    )
