"""Figures: the contract's keyed amounts, rates and counts from running text.

In each section that some rule reads, the spaCy PhraseMatcher finds the
label mentions of ``configs/rules/figures.yaml``; each rule of a mention
that applies in the section then tries its patterns right after the
mention.  A key stated more than once is reported from its most confident
occurrence, with the others kept as ``alternates`` for the checks.
"""

from __future__ import annotations

import re

from pipeline import normalize
from pipeline.model import Figure
from pipeline.nlp import filter_spans
from pipeline.normalize import Normalized
from pipeline.records.fields import field_from_evidence
from pipeline.records.rules import FigureRule, Rules
from pipeline.records.sections import SectionBlock
from pipeline.records.stream import TextStream


def _normalized_value(rule: FigureRule, found: re.Match[str], raw: str) -> Normalized:
    """The value of ``raw`` (the number as read, spaces and all) by the rule's type."""
    groups = found.groupdict()
    if raw == normalize.LEVEL_WORD:
        return Normalized("0.00")
    unit = groups.get("unit") or "万元"
    direction = groups.get("dir")
    match rule.value_type:
        case "amount":
            return normalize.amount(raw, unit)
        case "signed_change":
            return normalize.signed_amount(raw, direction, unit) if direction else normalize.amount(raw, unit)
        case "pct":
            return normalize.percentage(raw)
        case "signed_pct":
            return normalize.signed_percentage(raw, direction) if direction else normalize.percentage(raw)
        case "count":
            return normalize.count(raw)
        case "area":
            return normalize.area(raw)
    raise ValueError(f"unknown value type {rule.value_type!r} for {rule.key}")


def _read_rule(rule: FigureRule, stream: TextStream, start: int, end: int, mention: str, rules: Rules) -> Figure | None:
    """The rule's figure if one of its patterns matches right after the mention."""
    if rule.not_after and start > 0 and stream.text[start - 1] in rule.not_after:
        return None
    for index, pattern in enumerate(rule.patterns):
        match = pattern.match(stream.text, end)
        if match is None:
            continue
        result = _normalized_value(rule, match, stream.source(*match.span("value")))
        if result.value is None:
            return None
        evidence = stream.evidence(start, match.end())
        field = field_from_evidence(result, evidence, rules.confidence, exact=index == 0)
        return Figure(key=rule.key, label=rule.label, mention=mention, **field.model_dump())
    return None


def _occurrences(block: SectionBlock, rules: Rules) -> list[Figure]:
    """Every figure stated in one section, in reading order."""
    figure_rules = rules.figures
    stream = TextStream(block.paragraphs)
    doc = rules.nlp.make_doc(stream.text)
    found: list[Figure] = []
    for span in filter_spans(figure_rules.matcher(doc, as_spans=True)):
        mention = span.label_
        for rule in figure_rules.by_mention[mention]:
            if block.section not in rule.sections:
                continue
            figure = _read_rule(rule, stream, span.start_char, span.end_char, mention, rules)
            if figure is not None:
                found.append(figure)
    return found


def extract_figures(blocks: list[SectionBlock], rules: Rules) -> list[Figure]:
    """One Figure per stated key, in contract order, alternates attached."""
    by_key: dict[str, list[Figure]] = {}
    for block in blocks:
        if block.section in rules.figures.sections:
            for figure in _occurrences(block, rules):
                by_key.setdefault(figure.key, []).append(figure)
    figures: list[Figure] = []
    for key in rules.figures.keys:
        occurrences = by_key.get(key)
        if not occurrences:
            continue
        # max() keeps the first of equals: the earlier statement wins a tie.
        best = max(occurrences, key=lambda f: f.confidence)
        best.alternates = [f for f in occurrences if f is not best]
        figures.append(best)
    return figures
