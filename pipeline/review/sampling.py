"""Spot checks: the machine's ``auto`` fields are not trusted blindly.

As Amazon A2I audits a share of the items it accepted, a share of the
``auto`` fields (``spot_check_share``, 1% by default) is drawn into the
queue.  The draw is a hash of a seed, the document and the path, so it is
random over an archive yet the same on every run, and each field is drawn
once: when it is first seen by the queue.  A person's answer on a spot
check says whether the machine was right; ``error_rate`` gives the
observed share of wrong auto fields with a Wilson 95% interval.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pipeline.confidence import PERSON_STATUSES
from pipeline.review.options import ReviewOptions
from pipeline.store.schema import CorrectionRow, FieldRow

_Z95 = 1.959964
_BATCH = 5000


def drawn(seed: str, doc_id: str, path: str, share: float) -> bool:
    """Whether this field is a spot check: its hash as a number in [0, 1) under ``share``."""
    digest = hashlib.sha256(f"{seed}\0{doc_id}\0{path}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def draw_spot_checks(session: Session, options: ReviewOptions) -> int:
    """Decide, for each field not decided yet, whether it is a spot check; the number drawn."""
    count = 0
    while True:
        rows = session.execute(
            select(FieldRow.id, FieldRow.doc_id, FieldRow.path).where(FieldRow.spot_check.is_(None)).limit(_BATCH)
        ).all()
        if not rows:
            return count
        # Drawn whatever the field's status now: one waiting for a person today may be auto after the checks
        # settle, and the sample must stand for every auto field (the queue takes only the auto ones).
        chosen = [r.id for r in rows if drawn(options.spot_check_seed, r.doc_id, r.path, options.spot_check_share)]
        ids = [r.id for r in rows]
        session.execute(update(FieldRow).where(FieldRow.id.in_(ids)).values(spot_check=False))
        if chosen:
            session.execute(update(FieldRow).where(FieldRow.id.in_(chosen)).values(spot_check=True))
        count += len(chosen)


@dataclass(frozen=True)
class ErrorRate:
    """What the spot checks found: ``wrong`` of ``checked`` auto fields, and a 95% interval of the rate."""

    checked: int
    wrong: int
    waiting: int
    rate: float | None
    low: float | None
    high: float | None

    def as_json(self) -> dict:
        return asdict(self)


def error_rate(engine: Engine) -> ErrorRate:
    with Session(engine) as session:
        answers = session.execute(
            select(CorrectionRow.old_value, CorrectionRow.new_value, CorrectionRow.status).where(
                CorrectionRow.spot_check.is_(True), CorrectionRow.status.in_(PERSON_STATUSES)
            )
        ).all()
        waiting = (
            session.scalar(select(func.count()).where(FieldRow.spot_check.is_(True), FieldRow.status == "auto")) or 0
        )
    wrong = sum(1 for old, new, status in answers if status == "corrected" and old != new)
    low, high = wilson_interval(wrong, len(answers))
    rate = wrong / len(answers) if answers else None
    return ErrorRate(checked=len(answers), wrong=wrong, waiting=waiting, rate=rate, low=low, high=high)


def wilson_interval(successes: int, trials: int, z: float = _Z95) -> tuple[float | None, float | None]:
    """The Wilson score interval of a proportion (sound near 0, where auto fields' error rates are)."""
    if trials == 0:
        return None, None
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return max(0.0, centre - half), min(1.0, centre + half)
