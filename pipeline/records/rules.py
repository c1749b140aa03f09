"""The rule tables in ``configs/rules/*.yaml``, loaded and compiled once.

``load_rules(rules_dir)`` is cached per directory: the regular expressions
and the spaCy matcher are built on the first call and reused by every
document after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.config import CONFIG_DIR
from pipeline.nlp import Language, PhraseMatcher, blank
from pipeline.normalize import DIGIT_LOOKALIKES, DIRECTION_WORDS, LEVEL_WORD, POINT_LOOKALIKES, fold
from pipeline.yaml_data import load_yaml

if TYPE_CHECKING:
    from pipeline.records.statements.rules import StatementRules

DEFAULT_RULES_DIR = CONFIG_DIR / "rules"

# Numbers as OCR may read them (docs/ocr-damage.md): a look-alike letter for
# a digit ("O.00"), a look-alike point ("6395:02"), commas grouped wrongly
# ("3,36"), but at least one real digit.  The rules only find the number;
# ``normalize`` tells a clean reading from a repaired or a doubtful one, and
# the confidence shows which.
_DIGIT = rf"[\d{re.escape(''.join(DIGIT_LOOKALIKES))}]"
_POINT = rf"[.{re.escape(''.join(POINT_LOOKALIKES))}]"
_HAS_DIGIT = rf"(?={_DIGIT}*{_POINT}?\d)"
_NUMBER = rf"-?{_HAS_DIGIT}{_DIGIT}+(?:,{_DIGIT}+)*(?:{_POINT}{_DIGIT}+)?"
_COUNT = rf"{_HAS_DIGIT}{_DIGIT}+(?:,{_DIGIT}+)*"
_DIRECTION = "|".join(DIRECTION_WORDS)
_VALUE_BY_TYPE = {
    "amount": _NUMBER,
    "signed_change": _NUMBER,
    "pct": _NUMBER,
    "signed_pct": _NUMBER,
    "area": _NUMBER,
    "count": _COUNT,
}
_PLACEHOLDERS = {
    "{unit}": "(?P<unit>万元|元)",
    "{dir}": f"(?P<dir>{_DIRECTION})",
    "{anydir}": f"(?:{_DIRECTION})",
    "{num}": f"(?:{_NUMBER})",
    "{amount}": _NUMBER,
    "{pct}": _NUMBER,
    "{sep}": "[,;:、]?",
    "{level}": f"(?P<value>{LEVEL_WORD})",
}


def compact(text: str) -> str:
    """Folded text without whitespace: the form every pattern is written for."""
    return "".join(fold(text).split())


def expand(pattern: str, value_type: str | None = None) -> str:
    """Replaces the placeholders of a rule pattern by regular expressions."""
    if value_type is not None:
        pattern = pattern.replace("{value}", f"(?P<value>{_VALUE_BY_TYPE[value_type]})")
    for placeholder, regex in _PLACEHOLDERS.items():
        pattern = pattern.replace(placeholder, regex)
    return pattern


# --------------------------------------------------------------------------
# sections.yaml
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionNode:
    id: str
    keywords: tuple[str, ...]
    children: tuple[SectionNode, ...]


def _section_nodes(entries: list[dict[str, Any]]) -> tuple[SectionNode, ...]:
    return tuple(
        SectionNode(
            id=str(entry["id"]),
            keywords=tuple(compact(k) for k in entry.get("keywords", [])),
            children=_section_nodes(entry.get("sections", [])),
        )
        for entry in entries
    )


# --------------------------------------------------------------------------
# figures.yaml
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FigureRule:
    key: str
    label: str
    value_type: str
    sections: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    not_after: str


@dataclass(frozen=True, slots=True)
class FigureRules:
    keys: dict[str, tuple[str, str]]  # key -> (label, value type), contract order
    by_mention: dict[str, tuple[FigureRule, ...]]  # compact mention -> rules
    sections: frozenset[str]  # every section some rule reads
    matcher: PhraseMatcher


def _figure_rules(raw: dict[str, Any], nlp: Language) -> FigureRules:
    keys = {key: (spec["label"], spec["type"]) for key, spec in raw["keys"].items()}
    by_mention: dict[str, list[FigureRule]] = {}
    for entry in raw["rules"]:
        label, value_type = keys[entry["key"]]
        rule = FigureRule(
            key=entry["key"],
            label=label,
            value_type=value_type,
            sections=frozenset(entry["sections"]),
            patterns=tuple(re.compile(expand(p, value_type)) for p in entry["patterns"]),
            not_after=entry.get("not_after", ""),
        )
        for mention in entry["mentions"]:
            by_mention.setdefault(compact(mention), []).append(rule)
    matcher = PhraseMatcher(nlp.vocab)
    for mention in by_mention:
        matcher.add(mention, [nlp.make_doc(mention)])
    return FigureRules(
        keys=keys,
        by_mention={m: tuple(rules) for m, rules in by_mention.items()},
        sections=frozenset(s for rules in by_mention.values() for r in rules for s in r.sections),
        matcher=matcher,
    )


# --------------------------------------------------------------------------
# items.yaml
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemRules:
    item_sections: dict[str, str]
    class_total_sections: dict[str, str]
    item_start: re.Pattern[str]
    item_head: re.Pattern[str]
    item_amount: re.Pattern[str]
    item_change: re.Pattern[str]
    item_growth: re.Pattern[str]
    item_reason: re.Pattern[str]
    item_budget: re.Pattern[str]
    item_purpose: re.Pattern[str]
    item_completion: re.Pattern[str]
    class_total: re.Pattern[str]
    sentence_end: re.Pattern[str]
    reason_continuation: re.Pattern[str]


def _item_rules(raw: dict[str, Any]) -> ItemRules:
    patterns = {
        name: re.compile(expand(raw[name]))
        for name in (
            "item_start",
            "item_head",
            "item_amount",
            "item_change",
            "item_growth",
            "item_reason",
            "item_budget",
            "item_purpose",
            "item_completion",
            "class_total",
            "sentence_end",
            "reason_continuation",
        )
    }
    return ItemRules(
        item_sections=dict(raw["item_sections"]),
        class_total_sections=dict(raw["class_total_sections"]),
        **patterns,
    )


# --------------------------------------------------------------------------
# performance.yaml, document.yaml, confidence.yaml
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PerformanceRules:
    scope_by_name_label: dict[str, str]  # compact label -> scope
    header_fields: dict[str, str]  # compact label -> field name
    fund_columns: dict[str, str]  # compact label -> column name
    fund_required: tuple[str, ...]
    fund_total_only: tuple[str, ...]
    goal_expected: frozenset[str]
    goal_actual: frozenset[str]
    indicator_columns: dict[str, str]
    indicator_required: tuple[str, ...]
    total_row: frozenset[str]
    symbols: SymbolRules


@dataclass(frozen=True, slots=True)
class SymbolRules:
    percent_lookalikes: tuple[str, ...]
    stray_marks: tuple[str, ...]
    equals_habit_share: float
    equals_habit_count: int
    equals_doubt_count: int
    limit_habit_count: int
    slashed_units: dict[str, str]  # the unit without its slashes -> with them
    repair_factor: float
    doubt_factor: float


def _invert(groups: dict[str, list[str]]) -> dict[str, str]:
    return {compact(label): name for name, labels in groups.items() for label in labels}


def _fund_columns(names: list[str], columns: dict[str, list[str]]) -> tuple[str, ...]:
    unknown = set(names) - set(columns)
    if unknown:
        raise ValueError(f"performance.yaml: fund_total_only names no fund column: {sorted(unknown)}")
    return tuple(names)


def _performance_rules(raw: dict[str, Any]) -> PerformanceRules:
    return PerformanceRules(
        scope_by_name_label=_invert(raw["scope_by_name_label"]),
        header_fields=_invert(raw["header_fields"]),
        fund_columns=_invert(raw["fund_columns"]),
        fund_required=tuple(raw["fund_required"]),
        fund_total_only=_fund_columns(raw["fund_total_only"], raw["fund_columns"]),
        goal_expected=frozenset(compact(x) for x in raw["goal_expected"]),
        goal_actual=frozenset(compact(x) for x in raw["goal_actual"]),
        indicator_columns=_invert(raw["indicator_columns"]),
        indicator_required=tuple(raw["indicator_required"]),
        total_row=frozenset(compact(x) for x in raw["total_row"]),
        symbols=_symbol_rules(raw["indicator_symbols"]),
    )


def _symbol_rules(raw: dict[str, Any]) -> SymbolRules:
    slashed: dict[str, str] = {}
    for unit in raw["slashed_units"]:
        bare = unit.replace("/", "")
        if "/" not in unit:
            raise ValueError(f"performance.yaml: slashed_units: {unit!r} has no '/'")
        if bare in slashed:
            raise ValueError(f"performance.yaml: slashed_units: {unit!r} and {slashed[bare]!r} are the same letters")
        slashed[bare] = unit
    return SymbolRules(**{**raw, "percent_lookalikes": tuple(raw["percent_lookalikes"]),
                          "stray_marks": tuple(raw["stray_marks"]), "slashed_units": slashed})  # fmt: skip


@dataclass(frozen=True, slots=True)
class DocumentRules:
    kinds: dict[str, str]  # compact phrase -> kind
    title_search_paragraphs: int
    department_before_year: re.Pattern[str]
    department_labels: tuple[re.Pattern[str], ...]
    fiscal_year: re.Pattern[str]


def _document_rules(raw: dict[str, Any]) -> DocumentRules:
    return DocumentRules(
        kinds=_invert(raw["kinds"]),
        title_search_paragraphs=int(raw["title_search_paragraphs"]),
        department_before_year=re.compile(raw["department_before_year"]),
        department_labels=tuple(re.compile(p) for p in raw["department_labels"]),
        fiscal_year=re.compile(raw["fiscal_year"]),
    )


@dataclass(frozen=True, slots=True)
class ConfidenceFactors:
    exact_template: float
    tolerant_template: float
    repaired_number: float
    misread_character: float
    doubtful_reading: float
    stray_mark: float
    broken_text: float
    joined_paragraphs: float
    table_cell: float
    carried_level: float


@dataclass(frozen=True, slots=True)
class Rules:
    nlp: Language
    parts: tuple[SectionNode, ...]
    figures: FigureRules
    items: ItemRules
    performance: PerformanceRules
    document: DocumentRules
    confidence: ConfidenceFactors
    statements: StatementRules


def _read(rules_dir: Path, name: str) -> dict[str, Any]:
    with (rules_dir / name).open(encoding="utf-8") as handle:
        return load_yaml(handle)


@cache
def load_rules(rules_dir: Path = DEFAULT_RULES_DIR) -> Rules:
    """All rule tables of ``rules_dir``, compiled (once per directory)."""
    # The statement rules build on ``compact`` from here: imported late.
    from pipeline.records.statements.rules import load_statement_rules

    # Chinese is tokenised one character per token by the blank pipeline,
    # which is what label phrases need: no word segmenter to disagree with.
    nlp = blank("zh")
    return Rules(
        nlp=nlp,
        parts=_section_nodes(_read(rules_dir, "sections.yaml")["parts"]),
        figures=_figure_rules(_read(rules_dir, "figures.yaml"), nlp),
        items=_item_rules(_read(rules_dir, "items.yaml")),
        performance=_performance_rules(_read(rules_dir, "performance.yaml")),
        document=_document_rules(_read(rules_dir, "document.yaml")),
        confidence=ConfidenceFactors(**_read(rules_dir, "confidence.yaml")),
        statements=load_statement_rules(rules_dir),
    )
