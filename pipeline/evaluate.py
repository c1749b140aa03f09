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
    "statements",
)
ITEM_FIELDS = ("lei", "kuan", "xiang", "code", "amount", "change", "growth_pct", "reason", "initial_budget",
               "annual_budget", "completion_pct")
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
    page: int | None = None
    page_source: str | None = None  # "text" or "ocr": how the field's page was read

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
    results.extend(_statements(document, truth.get("statements", [])))
    for result in results:
        if result.page is not None and 0 < result.page <= len(info.page_sources):
            result.page_source = info.page_sources[result.page - 1]
    return evaluation


def _figures(document: Document, truth: dict[str, Any]) -> Iterator[FieldResult]:
    predicted = {figure.key: figure for figure in document.figures}
    for key in sorted(set(predicted) | set(truth)):
        yield _compare("figures", f"figures.{key}", predicted.get(key), truth.get(key))


def _items(document: Document, truth: list[dict[str, Any]]) -> Iterator[FieldResult]:
    yield from _records(
        "expenditure_items",
        "expenditure_items",
        document.expenditure_items,
        truth,
        ("budget", "lei", "kuan", "xiang"),
        ITEM_FIELDS,
    )


def _class_totals(document: Document, truth: list[dict[str, Any]]) -> Iterator[FieldResult]:
    yield from _records("class_totals", "class_totals", document.class_totals, truth, ("budget", "lei"), CLASS_FIELDS)


def _performance(document: Document, truth: list[dict[str, Any]]) -> Iterator[FieldResult]:
    for p, perf, record in _aligned(document.performance, truth, ("scope", "name")):
        path = f"performance[{p}]"
        for name in PERF_FIELDS:
            yield _compare("performance", f"{path}.{name}", _get(perf, name), record.get(name))
        funds = perf.funds if perf else []
        indicators = perf.indicators if perf else []
        yield from _records("performance", f"{path}.funds", funds, record.get("funds", []), ("label",), FUND_FIELDS)
        yield from _records(
            "performance_indicators",
            f"{path}.indicators",
            indicators,
            record.get("indicators", []),
            ("level3",),
            INDICATOR_FIELDS,
        )


def _statements(document: Document, truth: list[dict[str, Any]]) -> Iterator[FieldResult]:
    """Statement cells: each row's code, name and values, rows aligned by (side, code, name)."""
    for s, statement, record in _aligned(document.statements, truth, ("form",)):
        path = f"statements.{s}"
        yield _compare("statements", f"{path}.title", _get(statement, "title"), record.get("title"))
        rows = statement.rows if statement is not None else []
        for r, row, truth_row in _aligned(rows, record.get("rows", []), ("side", "code", "name")):
            row_path = f"{path}.rows.{r}"
            for name in ("code", "name"):
                yield _compare("statements", f"{row_path}.{name}", _get(row, name), truth_row.get(name))
            values = row.values if row is not None else {}
            truth_values = truth_row.get("values", {})
            for key in sorted(set(values) | set(truth_values)):
                yield _compare("statements", f"{row_path}.values.{key}", values.get(key), truth_values.get(key))


def _records(
    section: str,
    path: str,
    predicted: Sequence[Any],
    truth: list[dict[str, Any]],
    identity: Sequence[str],
    names: Sequence[str],
) -> Iterator[FieldResult]:
    """Align records by their identity fields, then compare each named field."""
    for p, row, record in _aligned(predicted, truth, identity):
        for name in names:
            yield _compare(section, f"{path}[{p}].{name}", _get(row, name), record.get(name))


def _aligned(
    predicted: Sequence[Any], truth: list[dict[str, Any]], identity: Sequence[str]
) -> Iterator[tuple[int | None, Any, dict[str, Any]]]:
    pred_keys = [tuple(_canonical(_value(_get(row, name))) for name in identity) for row in predicted]
    truth_keys = [tuple(_canonical(record.get(name)) for name in identity) for record in truth]
    for p, t in align(pred_keys, truth_keys):
        yield p, predicted[p] if p is not None else None, truth[t] if t is not None else {}


def _get(record: Any, name: str) -> Any:
    return getattr(record, name) if record is not None else None


def _value(item: Any) -> Any:
    return item.value if isinstance(item, Field) else item


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


def _compare(section: str, path: str, predicted: Field | str | None, truth: Any) -> FieldResult:
    if predicted is None:
        return FieldResult(section, path, None, truth, None)
    if not isinstance(predicted, Field):  # a bare value (an item's code)
        return FieldResult(section, path, predicted, truth, None)
    return FieldResult(section, path, predicted.value, truth, predicted.confidence, predicted.page)


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
