"""``configs/rules/statements.yaml``, compiled: how the nine 决算报表 are
recognised and read.  Every label is kept in its compact form (``label``)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.records.rules import compact
from pipeline.yaml_data import load_yaml

STATEMENTS_FILE = "statements.yaml"
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十]+\)|\d+[、.]|\(\d+\))")
_STRAY_ENDS = ".·•,:;、。"
_NOISE = re.compile(r"[^\u3400-\u9fff]")  # a mark or digit inside a label: OCR noise
_QUOTES = re.compile(r"[\"'“”‘’「」『』]")


def label(text: str) -> str:
    """A header or row label as the rules compare it: compact, quotes dropped,
    no stray point or mark at either end (OCR's "合计." is 合计)."""
    return _QUOTES.sub("", compact(text)).strip(_STRAY_ENDS)


def row_name(text: str) -> str:
    """A row label without its ordinal (一、 1. （一）) or a leading 其中:."""
    name = _ORDINAL.sub("", label(text))
    return name.removeprefix("其中:")


LabelSets = tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class FigureCell:
    """Where a statement states a figure: form, lane, row names, column."""

    form: str
    side: str | None
    rows: tuple[str, ...]  # empty: the form's first data row
    column: str
    key: str


@dataclass(frozen=True, slots=True)
class StatementRules:
    titles: tuple[tuple[str, re.Pattern[str]], ...]
    headers: tuple[tuple[str, frozenset[str]], ...]
    sides: dict[str, str]
    code_labels: frozenset[str]
    name_labels: frozenset[str]
    ignored_labels: frozenset[str]
    columns: dict[str, dict[str, LabelSets]]
    three_public_parts: dict[str, LabelSets]
    three_public_measures: dict[str, frozenset[str]]
    total_rows: tuple[str, ...]
    unit: re.Pattern[str]
    maker: re.Pattern[str]
    empty_note: re.Pattern[str]
    title_reach: float
    note_reach: float
    figures: tuple[FigureCell, ...]

    vocabulary: frozenset[str]  # every label a header may print: what tells a header row from data
    canonical_titles: tuple[tuple[str, str], ...]  # (form, its title as the template prints it)

    def header_label(self, text: str) -> str:
        """A header cell's label, a close misreading taken for the label it misreads
        (科·目编码 for 科目编码, a lost or doubled character in a long label)."""
        compact = label(text)
        if compact in self.vocabulary:
            return compact
        return _closest(compact, self.vocabulary)

    def title_form(self, text: str) -> str | None:
        """The form a title line names: its pattern, or a close misreading of
        the form's own title (one character in ten wrong)."""
        compact = label(text)
        for form, pattern in self.titles:
            if pattern.search(compact):
                return form
        return _closest_title(compact, self.canonical_titles)


@lru_cache(maxsize=4096)
def _closest(text: str, vocabulary: frozenset[str]) -> str:
    """A misread header label: a close match, or a label plus marks noise added
    ("支出.公": a point and a seal's character beside 支出)."""
    if len(text) >= 4 and (close := difflib.get_close_matches(text, sorted(vocabulary), n=1, cutoff=0.85)):
        return close[0]
    if _NOISE.search(text):
        inside = [w for w in vocabulary if len(w) >= 2 and w in text and len(text) - len(w) <= 2]
        if inside:
            return max(inside, key=len)
    return text


@lru_cache(maxsize=1024)
def _closest_title(text: str, titles: tuple[tuple[str, str], ...]) -> str | None:
    for form, title in titles:
        tail = text[-len(title):]
        if len(tail) == len(title) and difflib.SequenceMatcher(None, tail, title).ratio() >= 0.9:
            return form
    return None


def _vocabulary(data: dict[str, Any]) -> frozenset[str]:
    words = set(data["sides"]) | set(data["code_labels"]) | set(data["name_labels"]) | set(data["ignored_labels"])
    for by_key in [*data["columns"].values(), data["three_public"]["parts"]]:
        words |= {word for sets in by_key.values() for labels in sets for word in labels}
    for measures in data["three_public"]["measures"].values():
        words |= set(measures)
    words |= set(data["group_labels"])
    return frozenset(label(word) for word in words)


def _label_sets(raw: list[list[str]]) -> LabelSets:
    return tuple(tuple(label(word) for word in labels) for labels in raw)


def load_statement_rules(rules_dir: Path) -> StatementRules:
    with (rules_dir / STATEMENTS_FILE).open(encoding="utf-8") as handle:
        data: dict[str, Any] = load_yaml(handle)
    three = data["three_public"]
    return StatementRules(
        titles=tuple((form, re.compile(pattern)) for form, pattern in data["titles"]),
        headers=tuple((form, frozenset(label(w) for w in words)) for form, words in data["headers"]),
        sides={label(word): side for word, side in data["sides"].items()},
        code_labels=frozenset(label(w) for w in data["code_labels"]),
        name_labels=frozenset(label(w) for w in data["name_labels"]),
        ignored_labels=frozenset(label(w) for w in data["ignored_labels"]),
        columns={
            form: {key: _label_sets(sets) for key, sets in by_key.items()} for form, by_key in data["columns"].items()
        },
        three_public_parts={key: _label_sets(sets) for key, sets in three["parts"].items()},
        three_public_measures={key: frozenset(label(w) for w in words) for key, words in three["measures"].items()},
        total_rows=tuple(label(w) for w in data["total_rows"]),
        unit=re.compile(data["unit"]),
        maker=re.compile(data["maker"]),
        empty_note=re.compile(data["empty_note"]),
        title_reach=float(data["title_reach"]),
        note_reach=float(data["note_reach"]),
        figures=tuple(
            FigureCell(form, side, tuple(row_name(r) for r in rows), column, key)
            for form, side, rows, column, key in data["figures"]
        ),
        vocabulary=_vocabulary(data),
        canonical_titles=tuple((form, label(title)) for form, title in data["canonical_titles"].items()),
    )
