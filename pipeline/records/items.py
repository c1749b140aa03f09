"""Expenditure items (具体情况 lines) and class totals (结构情况 lines).

An item starts with its number and a 类 name ("9.社会保障和就业支出(类)…") and
runs to the next item, or to the end of a paragraph that closes a sentence
— so an item broken over a page (or paragraph) break is read whole, while
a reason's own numbered points ("1.…；2.…") stay inside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from pipeline import normalize
from pipeline.model import ClassTotal, ExpenditureItem, Field
from pipeline.normalize import Normalized
from pipeline.records.fields import field_from_evidence
from pipeline.records.rules import ItemRules, Rules
from pipeline.records.sections import SectionBlock
from pipeline.records.stream import TextStream

_LEADING_CODE = re.compile(r"^(\d+)")
_CLAUSE_SEPARATORS = ",;:"
_CODE_WIDTHS = (3, 2, 2)  # 类 3 digits, 款 2, 项 2: "208" "02" "01" -> "2080201"


def _item_end(stream: TextStream, start: int, limit: int, items: ItemRules) -> int:
    """Where the item starting at ``start`` ends (at most ``limit``)."""
    for paragraph_end in stream.paragraph_ends:
        if paragraph_end <= start or paragraph_end >= limit:
            continue
        closes_sentence = items.sentence_end.search(stream.text[paragraph_end - 1])
        continues = items.reason_continuation.match(stream.text, paragraph_end)
        if closes_sentence and not continues:
            return paragraph_end
    return limit


def _split_code(names: list[Field]) -> str | None:
    """Strips leading subject codes off the names; the 7-digit code if complete."""
    digits: list[str] = []
    for name in names:
        if isinstance(name.value, str) and (match := _LEADING_CODE.match(name.value)):
            digits.append(match.group(1))
            name.value = name.value[match.end() :] or None
    joined = "".join(digits)
    if len(joined) == 7 and (len(digits) == 1 or tuple(map(len, digits)) == _CODE_WIDTHS):
        return joined
    return None


def _text_field(stream: TextStream, start: int, end: int, rules: Rules, *, exact: bool) -> Field:
    evidence = stream.evidence(start, end)
    return field_from_evidence(normalize.text(evidence.source), evidence, rules.confidence, exact=exact)


def _name_field(stream: TextStream, match: re.Match[str], group: str, rules: Rules) -> Field:
    start, end = match.span(group)
    evidence = stream.evidence(start, end)
    return field_from_evidence(normalize.class_name(evidence.source), evidence, rules.confidence)


def _value_field(
    stream: TextStream, match: re.Match[str] | None, result: Normalized, rules: Rules, *, exact: bool
) -> Field:
    if match is None or result.value is None:
        return Field()
    start = match.start()
    while stream.text[start] in _CLAUSE_SEPARATORS:  # the source starts at the words
        start += 1
    evidence = stream.evidence(start, match.end())
    return field_from_evidence(result, evidence, rules.confidence, exact=exact)


def _signed_field(
    stream: TextStream,
    match: re.Match[str] | None,
    group: str,
    direction_group: str,
    convert: Callable[[str, str], Normalized],
    rules: Rules,
    *,
    exact: bool,
) -> Field:
    """A change or growth figure, its sign taken from the wording in ``direction_group``."""
    if match is None:
        return Field()
    value = convert(_as_read(stream, match, group), match.group(direction_group))
    return _value_field(stream, match, value, rules, exact=exact)


def _as_read(stream: TextStream, match: re.Match[str], group: str) -> str:
    """A number as read: normalising it then reports spaces inside it as a repair."""
    return stream.source(*match.span(group))


def _find(pattern: re.Pattern[str], text: str, start: int, end: int) -> tuple[re.Match[str] | None, bool]:
    """The pattern right at ``start`` (exact), else anywhere before ``end``."""
    if match := pattern.match(text, start, end):
        return match, True
    return pattern.search(text, start, end), False


def _read_item(stream: TextStream, start: int, end: int, budget: str, rules: Rules) -> ExpenditureItem | None:
    items = rules.items
    text = stream.text
    head = items.item_head.match(text, start, end)
    if head is None:
        return None
    amount, amount_exact = _find(items.item_amount, text, head.end(), end)
    if amount is None:
        return None
    # The national wording states the 年初预算 first and a completion rate after.
    planned = items.item_budget.search(text, head.end(), amount.start())
    purpose = items.item_purpose.search(text, head.end(), planned.start() if planned else amount.start())
    completion, completion_exact = _find(items.item_completion, text, amount.end(), end)
    if completion is not None and (planned is None or not completion_exact):
        completion = None  # a rate elsewhere in the text is not this line's
    change, change_exact = _find(items.item_change, text, amount.end(), end)
    growth_from = change.end() if change else amount.end()
    growth, growth_exact = _find(items.item_growth, text, growth_from, end)
    if planned is not None:
        exact = planned.end() == amount.start()
        change = growth = None
        growth_from = completion.end() if completion else amount.end()
    else:
        exact = amount_exact and change_exact and growth_exact

    names = [_name_field(stream, head, group, rules) for group in ("lei", "kuan", "xiang")]
    code = _split_code(names)
    unit = amount.group("unit")
    reason_marker = items.item_reason.search(text, growth.end() if growth else growth_from, end)
    reason = Field()
    if reason_marker and reason_marker.end() < end:
        reason = _text_field(stream, reason_marker.end(), end, rules, exact=exact)
    return ExpenditureItem(
        budget=budget,
        lei=names[0],
        kuan=names[1],
        xiang=names[2],
        code=code,
        amount=_value_field(
            stream, amount, normalize.amount(_as_read(stream, amount, "amount"), unit), rules, exact=exact
        ),
        change=_signed_field(stream, change, "change", "cdir", normalize.signed_amount, rules, exact=exact),
        growth_pct=_signed_field(stream, growth, "growth", "gdir", normalize.signed_percentage, rules, exact=exact),
        reason=reason,
        initial_budget=_value_field(
            stream, planned, normalize.amount(_as_read(stream, planned, "budget"), planned.group("bunit")), rules,
            exact=exact,
        ) if planned else None,
        purpose=_text_field(stream, *purpose.span("purpose"), rules, exact=exact) if purpose else None,
        completion_pct=_value_field(
            stream, completion, normalize.percentage(_as_read(stream, completion, "completion")), rules, exact=exact
        ) if completion else None,
    )


def _streams_by_budget(blocks: list[SectionBlock], sections: dict[str, str]) -> Iterator[tuple[str, TextStream]]:
    """The text of each block whose section is listed, with that section's budget."""
    for block in blocks:
        budget = sections.get(block.section or "")
        if budget is not None:
            yield budget, TextStream(block.paragraphs)


def extract_items(blocks: list[SectionBlock], rules: Rules) -> list[ExpenditureItem]:
    """Every 类/款/项 line of the 具体情况 sections, in document order."""
    items = rules.items
    found: list[ExpenditureItem] = []
    for budget, stream in _streams_by_budget(blocks, items.item_sections):
        starts = [m.start() for m in items.item_start.finditer(stream.text)]
        for index, start in enumerate(starts):
            limit = starts[index + 1] if index + 1 < len(starts) else len(stream.text)
            end = _item_end(stream, start, limit, items)
            if item := _read_item(stream, start, end, budget, rules):
                found.append(item)
    return found


def extract_class_totals(blocks: list[SectionBlock], rules: Rules) -> list[ClassTotal]:
    """Every 结构情况 line ("1.科学技术支出(类)22.85 万元,占 1.25%")."""
    items = rules.items
    found: list[ClassTotal] = []
    for budget, stream in _streams_by_budget(blocks, items.class_total_sections):
        for match in items.class_total.finditer(stream.text):
            amount = normalize.amount(stream.source(*match.span("amount")), match.group("unit"))
            amount_span = stream.evidence(*match.span("amount"))
            share_span = stream.evidence(match.start("share"), match.end())
            found.append(
                ClassTotal(
                    budget=budget,
                    lei=_name_field(stream, match, "lei", rules),
                    amount=field_from_evidence(amount, amount_span, rules.confidence),
                    share_pct=field_from_evidence(
                        normalize.percentage(stream.source(*match.span("share"))), share_span, rules.confidence
                    ),
                )
            )
    return found
