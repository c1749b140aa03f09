"""Confidence: calibrate each Field's evidence and decide its status.

Extraction leaves on every Field a raw confidence built from evidence (the
characters' recognition confidence, how exactly the rule matched, repairs
made).  Here that raw score goes through a monotone calibration map fitted on
generated documents with known truth (``benchmarks/calibrate.py`` writes
``models/calibration.json``), fields named by a failed check are marked down,
and everything under the review threshold goes to the correction queue.

A scanned page on which many characters were read with some doubt is a poor
scan: there the recogniser's confident readings are wrong more often too (a
bitonal "%" read as "°" at 1.0), so its fields are calibrated by maps of
their own (page source ``ocr-poor``), and the page gets a ``poor_scan`` note.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .config import resolve_path
from .model import Char, Check, Document, Page, PageNote, iter_fields

PERSON_STATUSES = {"corrected", "confirmed"}


@dataclass
class ConfidenceOptions:
    review_threshold: float = 0.95
    failed_check_factor: float = 0.5
    calibration: str | None = "models/calibration.json"


@dataclass(frozen=True)
class Calibration:
    """Piecewise-linear monotone map from raw evidence to probability."""

    raw: tuple[float, ...] = (0.0, 1.0)
    calibrated: tuple[float, ...] = (0.0, 1.0)

    def __call__(self, raw_confidence: float) -> float:
        return float(np.interp(raw_confidence, self.raw, self.calibrated))


@dataclass(frozen=True)
class PageGrade:
    """When a scanned page is a poor scan: at least ``share`` of its
    characters read with confidence below ``below``.  The defaults were
    chosen on the tuning split of the damage space by leave-one-report-out
    fits (``benchmarks/space_report.py``); the calibration file records the
    grade its maps were fitted with."""

    below: float = 0.995
    share: float = 0.25

    def source(self, page_source: str, doubtful: float | None) -> str:
        """The source a page's fields are calibrated as: ``ocr-poor`` for a
        scanned page with ``doubtful`` (``doubtful_share``) at ``share`` or more."""
        poor = page_source == "ocr" and doubtful is not None and doubtful >= self.share
        return POOR_SCAN if poor else page_source


IDENTITY = Calibration()
POOR_SCAN = "ocr-poor"  # the page source of a poor scan's fields, for calibration
# Text of at least this many characters is exactly right less often at the
# same character confidence (a comma dropped from a sentence leaves no
# doubtful character behind); chosen with ``PageGrade`` on the tuning split.
LONG_TEXT_CHARS = 10
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_PERCENT_NAME = re.compile(r"(pct|rate)$")


def field_kind(path: str, value: object) -> str:
    """What sort of value a field holds, for calibration: an amount (or
    count, score), a percentage, an indicator's target/actual (a comparison
    sign, a number and a unit, where symbols are the usual slips), short
    text, or long text (a sentence, a project name)."""
    name = path.rsplit(".", 1)[-1]
    if name in ("target", "actual"):
        return "indicator"
    if isinstance(value, int) or (isinstance(value, str) and _NUMBER.match(value)):
        return "percentage" if _PERCENT_NAME.search(name) else "amount"
    return "long_text" if isinstance(value, str) and len(value) >= LONG_TEXT_CHARS else "text"


def doubtful_share(chars: Iterable[Char], below: float = PageGrade.below) -> float | None:
    """The share of a page's printed characters read with confidence under
    ``below``; None for a page with none."""
    confidences = [char.confidence for char in chars if not char.text.isspace()]
    if not confidences:
        return None
    return round(sum(value < below for value in confidences) / len(confidences), 4)


def read_calibration_file(path: str | Path | None) -> tuple[dict[str, Calibration], PageGrade | None]:
    """The maps of a calibration file: one per page source ("text", "ocr",
    "ocr-poor") and, where fitted, per source and field kind
    ("ocr/indicator"): evidence means different things on a text layer and
    on OCR, and a percent sign's slips differ from a sentence's, so each is
    fitted on its own.  And the page grade the maps were fitted with (None:
    no poor-scan maps, no page is graded).  A malformed file raises
    ValueError, KeyError or TypeError."""
    if path is None or not resolve_path(path).exists():
        return {}, None
    data = json.loads(resolve_path(path).read_text(encoding="utf-8"))
    fits = {**data["by_page_source"], **data.get("by_field_kind", {})}
    maps = {key: Calibration(tuple(fit["raw"]), tuple(fit["calibrated"])) for key, fit in fits.items()}
    grade = PageGrade(**data["poor_scan"]) if data.get("poor_scan") else None
    if grade is not None and not all(isinstance(v, int | float) for v in (grade.below, grade.share)):
        raise TypeError(f"poor_scan: {data['poor_scan']} is not two numbers")
    return maps, grade


def calibration_for(calibrations: dict[str, Calibration], source: str, kind: str) -> Calibration:
    """The most specific map fitted: source and kind, else source; a poor
    scan without maps of its own uses the OCR ones; else none."""
    sources = (source, "ocr") if source == POOR_SCAN else (source,)
    for key in (f"{name}{suffix}" for name in sources for suffix in (f"/{kind}", "")):
        if key in calibrations:
            return calibrations[key]
    return IDENTITY


def save_calibrations(
    path: str | Path, calibrations: dict[str, Calibration], grade: PageGrade | None = None, **meta: object
) -> None:
    def as_json(fit: Calibration) -> dict[str, list[float]]:
        return {"raw": list(fit.raw), "calibrated": list(fit.calibrated)}

    payload = {
        "by_page_source": {key: as_json(fit) for key, fit in calibrations.items() if "/" not in key},
        "by_field_kind": {key: as_json(fit) for key, fit in calibrations.items() if "/" in key},
        **({"poor_scan": dataclasses.asdict(grade)} if grade else {}),
        **meta,
    }
    resolve_path(path).write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")



def fit_calibration(raw: list[float], correct: list[bool], bins: int = 20) -> Calibration:
    """Isotonic (pool-adjacent-violators) fit of correctness on raw confidence.

    The result is monotone, so a higher raw score never means a lower
    calibrated one; bins keep the map small and smooth.
    """
    order = np.argsort(raw)
    xs = np.asarray(raw, dtype=float)[order]
    ys = np.asarray(correct, dtype=float)[order]
    edges = np.unique(np.quantile(xs, np.linspace(0, 1, bins + 1)))
    if len(edges) == 1:  # every raw score the same: one bin
        edges = np.repeat(edges, 2)
    centres, means, weights = [], [], []
    for lo, hi in itertools.pairwise(edges):
        inside = (xs >= lo) & ((xs < hi) | (hi == edges[-1]))
        if inside.any():
            centres.append(float(xs[inside].mean()))
            # Laplace's rule of succession: a bin that was always right is
            # not thereby certain, and a small bin says less than a big one.
            means.append(float((ys[inside].sum() + 1) / (inside.sum() + 2)))
            weights.append(float(inside.sum()))
    pooled = _pool_adjacent_violators(means, weights)
    return Calibration((0.0, *centres, 1.0), (0.0, *pooled, pooled[-1]))


MIN_KIND_FIELDS = 30  # fewer fields of a kind than this: the kind uses its page source's map


def fit_calibrations(samples: Iterable[tuple[str, str, float, bool]]) -> dict[str, Calibration]:
    """One map per page source and one per source and field kind (where it
    has ``MIN_KIND_FIELDS``), from (page source, field kind, raw confidence,
    correct) samples."""
    grouped: dict[str, tuple[list[float], list[bool]]] = {}
    for source, kind, raw, correct in samples:
        for key in (source, f"{source}/{kind}"):
            raws, oks = grouped.setdefault(key, ([], []))
            raws.append(raw)
            oks.append(correct)
    return {
        key: fit_calibration(raws, oks)
        for key, (raws, oks) in sorted(grouped.items())
        if "/" not in key or len(raws) >= MIN_KIND_FIELDS
    }


def score(document: Document, options: ConfidenceOptions | None = None, pages: Iterable[Page] = ()) -> Document:
    """Calibrated confidence and status for every Field of ``document``;
    its scanned ``pages`` (with their chars) are graded first."""
    options = options or ConfidenceOptions()
    calibrations, grade = read_calibration_file(options.calibration)
    sources = grade_pages(document, pages, grade)
    in_failed_check = failed_paths(document.checks)
    for path, field in iter_fields(document):
        if field.status in PERSON_STATUSES:
            continue
        source = sources[field.page - 1] if field.page and field.page <= len(sources) else "text"
        confidence = calibration_for(calibrations, source, field_kind(path, field.value))(field.confidence)
        if path in in_failed_check:
            confidence *= options.failed_check_factor
        field.confidence = round(confidence, 4)
        needs_person = field.value is not None and (confidence < options.review_threshold or path in in_failed_check)
        field.status = "review" if needs_person else "auto"
    return document


def grade_pages(document: Document, pages: Iterable[Page], grade: PageGrade | None) -> list[str]:
    """Per page, the source its fields are calibrated as: ``text``, ``ocr``
    or ``ocr-poor``; each poor scan is also noted on the document (once)."""
    sources = list(document.document.page_sources)
    if grade is None:
        return sources
    notes = document.document.page_notes
    for page in pages:
        if not 0 < page.number <= len(sources):
            continue
        doubtful = doubtful_share(page.chars, grade.below) if page.source == "ocr" else None
        sources[page.number - 1] = grade.source(page.source, doubtful)
        if sources[page.number - 1] == POOR_SCAN:
            message = (f"{doubtful:.0%} of its characters read with confidence under {grade.below:g}: "
                       "its fields are calibrated as a poor scan's")
            note = PageNote(page=page.number, kind="poor_scan", message=message)
            if note not in notes:
                notes.append(note)
    notes.sort(key=lambda note: note.page)
    return sources


def failed_paths(checks: Iterable[Check]) -> set[str]:
    """Paths named by a failed check that sends them to a person (a ``note``,
    a difference within rounding, sends nothing: the contract)."""
    return {path for check in checks if not check.passed and check.severity != "note" for path in check.fields}


def settle(
    document: Document, before: set[str], options: ConfidenceOptions | None = None, keep: Iterable[str] = ()
) -> list[str]:
    """Statuses once the checks of a scored document changed (a person's
    correction, a neighbouring year's report): a field newly named by a failed
    check keeps ``failed_check_factor`` of its confidence and waits for a
    person; one no longer named gets its confidence back, and leaves the queue
    when that clears the threshold.  ``before``: ``failed_paths`` of the old
    checks.  A person's fields keep their status, and so do those of ``keep``
    (a person had a word on them: re-opened, or read again otherwise).
    Returns the paths whose status changed."""
    options = options or ConfidenceOptions()
    after = failed_paths(document.checks)
    moved = (before ^ after) - set(keep)
    changed = []
    for path, field in iter_fields(document):
        if path not in moved or field.status in PERSON_STATUSES or field.value is None:
            continue
        factor = options.failed_check_factor if path in after else 1 / options.failed_check_factor
        field.confidence = round(min(1.0, field.confidence * factor), 4)
        status = "review" if path in after or field.confidence < options.review_threshold else "auto"
        if status != field.status:
            field.status = status
            changed.append(path)
    return changed


def _pool_adjacent_violators(values: list[float], weights: list[float]) -> list[float]:
    blocks: list[list[float]] = []  # [mean, weight, count]
    for value, weight in zip(values, weights, strict=True):
        blocks.append([value, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean2, weight2, count2 = blocks.pop()
            mean1, weight1, count1 = blocks.pop()
            total = weight1 + weight2
            blocks.append([(mean1 * weight1 + mean2 * weight2) / total, total, count1 + count2])
    return [mean for mean, _, count in blocks for _ in range(int(count))]
