"""Fields built from evidence: value, where it was read, and how surely."""

from __future__ import annotations

from pipeline.extract.rules import ConfidenceFactors
from pipeline.extract.stream import Evidence
from pipeline.model import Field, TableCell
from pipeline.normalize import Normalized


def confidence(
    base: float,
    factors: ConfidenceFactors,
    *,
    exact: bool,
    repaired: bool = False,
    broken_text: bool = False,
    joined: bool = False,
) -> float:
    """Character confidence times the factor of every rule and repair involved."""
    value = base * (factors.exact_template if exact else factors.tolerant_template)
    if repaired:
        value *= factors.repaired_number
    if broken_text:
        value *= factors.broken_text
    if joined:
        value *= factors.joined_paragraphs
    return round(min(1.0, max(0.0, value)), 4)


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
            repaired=result.repaired,
            broken_text=evidence.broken_text,
            joined=evidence.joined,
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
    value = confidence(base * factors.table_cell, factors, exact=True, repaired=result.repaired)
    if carried:
        value = round(value * factors.carried_level, 4)
    return Field(
        value=result.value,
        confidence=value,
        page=cell.page,
        bbox=list(cell.bbox),
        source=cell.text,
    )
