"""Field-level accuracy of a Document against a truth file.

Truth files (``docs/truth-format.md``) hold the contract's shape with values
only.  Records are aligned (items by their 类/款/项 identity, performance
tables and their rows in document order), then every field is scored:
a predicted value equal to the truth is a true positive, a wrong or extra
value a false positive, a missed or wrong truth value a false negative.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import Document, Field

SECTIONS = (
    "document",
    "figures",
    "expenditure_items",
    "class_totals",
    "performance",
    "performance_indicators",
)
ITEM_FIELDS = ("lei", "kuan", "xiang", "code", "amount", "change", "growth_pct", "reason")
CLASS_FIELDS = ("lei", "amount", "share_pct")
PERF_FIELDS = ("name", "supervisor", "implementer", "goal_expected", "goal_actual", "total_score")
FUND_FIELDS = ("label", "initial_budget", "annual_budget", "executed", "weight", "execution_rate", "score")
INDICATOR_FIELDS = ("level1", "level2", "level3", "target", "actual", "weight", "score", "deviation_reason")
WHITESPACE = re.compile(r"\s+")


@dataclass
class FieldResult:
    section: str
    path: str
    predicted: Any
    truth: Any
    confidence: float | None

    @property
    def correct(self) -> bool:
        return self.predicted is not None and same(self.predicted, self.truth)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


@dataclass
class Evaluation:
    results: list[FieldResult] = field(default_factory=list)

    def scores(self) -> dict[str, Score]:
        """Per-section scores plus ``overall``."""
        scores = {name: Score() for name in (*SECTIONS, "overall")}
        for result in self.results:
            one = _score_one(result)
            scores[result.section].add(one)
            scores["overall"].add(one)
        return scores

    def extend(self, other: Evaluation) -> None:
        self.results.extend(other.results)

    def wrong(self) -> list[FieldResult]:
        return [r for r in self.results if _score_one(r).fp or _score_one(r).fn]


def same(predicted: Any, truth: Any) -> bool:
    """Equality after whitespace normalisation (texts) and type tolerance."""
    if predicted is None or truth is None:
        return predicted is None and truth is None
    return _canonical(predicted) == _canonical(truth)


def evaluate(document: Document, truth: dict[str, Any]) -> Evaluation:
    evaluation = Evaluation()
    results = evaluation.results
    info = document.document
    truth_info = truth.get("document", {})
    results.append(FieldResult("document", "document.kind", info.kind, truth_info.get("kind"), None))
    for name in ("title", "department", "fiscal_year"):
        results.append(_compare("document", f"document.{name}", getattr(info, name), truth_info.get(name)))
    results.extend(_figures(document, truth.get("figures", {})))
    results.extend(_items(document, truth.get("expenditure_items", [])))
    results.extend(_class_totals(document, truth.get("class_totals", [])))
    results.extend(_performance(document, truth.get("performance", [])))
    return evaluation


def _figures(document: Document, truth: dict[str, Any]) -> Iterator[FieldResult]:
    predicted = {figure.key: figure for figure in document.figures}
    for key in sorted(set(predicted) | set(truth)):
        yield _compare("figures", f"figures.{key}", predicted.get(key), truth.get(key))


def _items(document: Document, truth: list[dict[str, Any]]) -> Iterator[FieldResult]:
    def identity(budget: str, lei: Any, kuan: Any, xiang: Any) -> tuple:
        return (budget, *(_canonical(v) for v in (lei, kuan, xiang)))

    pred_keys = [identity(i.budget, i.lei.value, i.kuan.value, i.xiang.value) for i in document.expenditure_items]
    truth_keys = [identity(t["budget"], t["lei"], t["kuan"], t["xiang"]) for t in truth]
    for p, t in align(pred_keys, truth_keys):
        item = document.expenditure_items[p] if p is not None else None
        record = truth[t] if t is not None else {}
        path = f"expenditure_items[{p if p is not None else '-'}]"
        for name in ITEM_FIELDS:
            got = getattr(item, name) if item is not None else None
            yield _compare("expenditure_items", f"{path}.{name}", got, record.get(name))


def _class_totals(document: Document, truth: list[dict[str, Any]]) -> Iterator[FieldResult]:
    pred_keys = [(c.budget, _canonical(c.lei.value)) for c in document.class_totals]
    truth_keys = [(t["budget"], _canonical(t["lei"])) for t in truth]
    for p, t in align(pred_keys, truth_keys):
        total = document.class_totals[p] if p is not None else None
        record = truth[t] if t is not None else {}
        for name in CLASS_FIELDS:
            got = getattr(total, name) if total is not None else None
            yield _compare("class_totals", f"class_totals[{p}].{name}", got, record.get(name))


def _performance(document: Document, truth: list[dict[str, Any]]) -> Iterator[FieldResult]:
    pred_keys = [(p.scope, _canonical(p.name.value)) for p in document.performance]
    truth_keys = [(t["scope"], _canonical(t.get("name"))) for t in truth]
    for p, t in align(pred_keys, truth_keys):
        perf = document.performance[p] if p is not None else None
        record = truth[t] if t is not None else {}
        path = f"performance[{p}]"
        for name in PERF_FIELDS:
            got = getattr(perf, name) if perf is not None else None
            yield _compare("performance", f"{path}.{name}", got, record.get(name))
        yield from _rows(
            "performance", f"{path}.funds", perf.funds if perf else [], record.get("funds", []), FUND_FIELDS, "label"
        )
        yield from _rows(
            "performance_indicators",
            f"{path}.indicators",
            perf.indicators if perf else [],
            record.get("indicators", []),
            INDICATOR_FIELDS,
            "level3",
        )


def _rows(
    section: str, path: str, predicted: Sequence[Any], truth: list[dict[str, Any]], names: Sequence[str], key: str
) -> Iterator[FieldResult]:
    pred_keys = [_canonical(getattr(row, key).value) for row in predicted]
    truth_keys = [_canonical(row.get(key)) for row in truth]
    for p, t in align(pred_keys, truth_keys):
        row = predicted[p] if p is not None else None
        record = truth[t] if t is not None else {}
        for name in names:
            got = getattr(row, name) if row is not None else None
            yield _compare(section, f"{path}[{p}].{name}", got, record.get(name))


def align(predicted: Sequence[Any], truth: Sequence[Any]) -> list[tuple[int | None, int | None]]:
    """Pair records in order: equal keys first, then leftovers position by position."""
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(a=list(predicted), b=list(truth), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        left, right = list(range(i1, i2)), list(range(j1, j2))
        common = min(len(left), len(right))
        pairs.extend(zip(left[:common], right[:common], strict=True))
        pairs.extend((i, None) for i in left[common:])
        pairs.extend((None, j) for j in right[common:])
    return pairs


def _compare(section: str, path: str, predicted: Field | None, truth: Any) -> FieldResult:
    value = predicted.value if predicted is not None else None
    confidence = predicted.confidence if predicted is not None else None
    return FieldResult(section, path, value, truth, confidence)


def _score_one(result: FieldResult) -> Score:
    if result.predicted is None and result.truth is None:
        return Score()
    if result.correct:
        return Score(tp=1)
    return Score(fp=int(result.predicted is not None), fn=int(result.truth is not None))


def _canonical(value: Any) -> Any:
    if isinstance(value, str):
        return WHITESPACE.sub("", value)
    return value


def summarise(evaluations: Iterable[Evaluation]) -> Evaluation:
    total = Evaluation()
    for evaluation in evaluations:
        total.extend(evaluation)
    return total
