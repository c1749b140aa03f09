"""Statements meet the narrative: figures the 决算报表 state, and item codes.

``reconcile(figures, items, statements, rules)``:

* every figure a statement states (``statements.yaml`` ``figures``) becomes
  a Figure naming its cell (``statements.0.rows.21.values.amount``); where the
  narrative states the same key, the more confident of the two is reported
  and the other kept as an alternate, so the checks compare them;
* each expenditure item takes its ``code`` from the 项 row of the same
  类/款/项 names in 一般公共预算财政拨款支出决算表 (fund and capital items from
  their own tables), or from 支出决算表.
"""

from __future__ import annotations

from pipeline.model import ExpenditureItem, Figure, Statement
from pipeline.records.rules import Rules
from pipeline.records.statements.rules import label, row_name

# Where each budget's item lines are printed with their codes, best first.
_ITEM_FORMS = {
    "general": ("general_expenditure", "expenditure"),
    "fund": ("fund", "expenditure"),
    "capital": ("capital", "expenditure"),
}


def statement_figures(statements: list[Statement], rules: Rules) -> list[Figure]:
    figures: list[Figure] = []
    seen: set[str] = set()
    for cell in rules.statements.figures:
        if cell.key in seen:
            continue
        for s, statement in enumerate(statements):
            if statement.form != cell.form:
                continue
            rows = [
                (r, row)
                for r, row in enumerate(statement.rows)
                if (cell.side is None or row.side == cell.side)
                and (not cell.rows or row_name(row.name.value or "") in cell.rows)
            ]
            for r, row in rows[:1]:
                value = row.values.get(cell.column)
                if value is None or value.value is None:
                    continue
                label = rules.figures.keys[cell.key][0]
                mention = "".join(part for part in (statement.title.value, row.name.value) if part)
                figures.append(
                    Figure(
                        key=cell.key,
                        label=label,
                        mention=mention or statement.form,
                        cell=f"statements.{s}.rows.{r}.values.{cell.column}",
                        **value.model_dump(),
                    )
                )
                seen.add(cell.key)
            if cell.key in seen:
                break
    return figures


def merge_figures(narrative: list[Figure], tables: list[Figure]) -> list[Figure]:
    """One figure per key: the more confident place, the other as an alternate."""
    by_key = {figure.key: figure for figure in narrative}
    merged = list(narrative)
    for figure in tables:
        stated = by_key.get(figure.key)
        if stated is None:
            merged.append(figure)
            continue
        first, second = (stated, figure) if stated.confidence >= figure.confidence else (figure, stated)
        winner = first.model_copy(update={"alternates": [*stated.alternates, second]})
        if first is figure:
            winner.alternates = [*stated.alternates, stated.model_copy(update={"alternates": []})]
        merged[merged.index(stated)] = winner
    return merged


def link_item_codes(items: list[ExpenditureItem], statements: list[Statement]) -> None:
    """Each item's 7-digit code from the 项 row under the same 类 and 款 names."""
    codes_by_form: dict[str, dict[tuple[str, str, str], str]] = {}
    for statement in statements:  # a form printed twice (基本 and 项目) gives both tables' lines
        for names, code in _codes_by_names(statement).items():
            codes_by_form.setdefault(statement.form, {}).setdefault(names, code)
    for item in items:
        names = tuple(label(n.value or "") for n in (item.lei, item.kuan, item.xiang))
        for form in _ITEM_FORMS[item.budget]:
            code = codes_by_form.get(form, {}).get(names)
            if code is not None:
                item.code = code
                break


def _codes_by_names(statement: Statement) -> dict[tuple[str, str, str], str]:
    """(类, 款, 项) names -> 项 code; a 项 row's parents are the 类 and 款 rows
    above it whose codes head its own."""
    found: dict[tuple[str, str, str], str] = {}
    parents: dict[int, tuple[str, str | None]] = {}  # code length -> (code, name)
    for row in statement.rows:
        code = row.code.value
        if not isinstance(code, str) or len(code) not in (3, 5, 7):
            continue
        if len(code) < 7:
            parents[len(code)] = (code, row.name.value)
            continue
        lei, kuan = parents.get(3, ("", None)), parents.get(5, ("", None))
        if lei[0] == code[:3] and kuan[0] == code[:5]:
            found.setdefault((label(lei[1] or ""), label(kuan[1] or ""), label(row.name.value or "")), code)
    return found
