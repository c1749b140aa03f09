"""The four real report texts of ``shared/seeds`` as ``ReportSpec``s with exact truth.

Each seed (a cleaned report, a narrative self-evaluation, an OCR dump, a
word-processor export) is read back into the blocks the renderer draws: the
title, headings, paragraphs with the artificial line and page breaks undone,
and the performance tables (绩效自评表) rebuilt as ruled grids with the merged
cells of the official form.

``seed_truth/NAME.json`` holds the hand-annotated part of the truth (document,
figures, expenditure items, class totals; see ``seed_truth/README.md``).  The
performance truth is computed here from the same parsed tables that are drawn.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.corpus.spec import Block, CellSpec, GridTable, Heading, PageBreak, Para, ReportSpec, Style

TRUTH_DIR = Path(__file__).with_name("seed_truth")

# --------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------

_SPACE_BETWEEN_SYMBOLS = re.compile(r"(?<=[^\sA-Za-z0-9])\s+(?=[^\sA-Za-z0-9])")
_OCR_SPLIT_NUMBER = re.compile(r"(?<=\d)\s*([.,])\s*(?=\d)")
_DASHES = {"", "-", "—", "－", "／"}
_OPERATORS = str.maketrans({"≥": ">=", "≤": "<=", "＝": "=", "＞": ">", "＜": "<"})
_TRAILING = "。；;."


def clean_text(text: str, ocr: bool = False) -> str:
    """Collapse whitespace and drop it where neither neighbour is an ASCII
    letter or digit (``人员 经费`` -> ``人员经费``, ``2024 年`` stays).  With
    ``ocr`` also rejoin numbers the OCR split: ``25, 169. 42`` -> ``25,169.42``."""
    text = " ".join(text.split())
    if ocr:
        text = _OCR_SPLIT_NUMBER.sub(r"\1", text)
    return _SPACE_BETWEEN_SYMBOLS.sub("", text)


def norm_text(text: str) -> str | None:
    """Truth form of a text value: cleaned, without a trailing 。/；/;/.; dashes -> None."""
    text = clean_text(text).rstrip(_TRAILING)
    return None if text in _DASHES else text


def norm_decimal(text: str) -> str | None:
    """Amount, weight, score or rate with two decimals: ``3,831.22`` -> ``3831.22``,
    ``10.00 分`` -> ``10.00``, ``99.8%`` -> ``99.80``; dashes -> None."""
    text = re.sub(r"[\s,分%]", "", text)
    return None if text in _DASHES else f"{Decimal(text):.2f}"


def norm_target(text: str) -> str | None:
    """Indicator target/actual: ASCII operators without a following space, one space
    between a number and its CJK unit, none before ``%`` or around ``/``."""
    text = clean_text(text).translate(_OPERATORS)
    if text in _DASHES:
        return None
    text = re.sub(r"^([<>]?=|[<>])\s+", r"\1", text)
    text = re.sub(r"\s*/\s*", "/", text)
    text = re.sub(r"(\d)\s*(?=[^\x00-\x7f])", r"\1 ", text)
    return re.sub(r"(\d)\s+%", r"\1%", text)


# --------------------------------------------------------------------------
# Narrative: fragments (one per source line) -> headings and paragraphs
# --------------------------------------------------------------------------

_CN = "一二三四五六七八九十"
_HEADING_MARKERS = (
    (re.compile(rf"^第[{_CN}]+部分"), 1),
    (re.compile(rf"^[{_CN}]+、"), 1),
    (re.compile(rf"^[（(][{_CN}]+[）)]"), 2),
)
_NUMBERED_MARKER = re.compile(r"^(\d{1,2}[.．](?!\d)|[（(]\d{1,2}[）)])")
_ITEM_START = re.compile(rf"^(第[{_CN}]+部分|[{_CN}]+、|[（(][{_CN}\d]+[）)]|\d{{1,2}}[.．、](?!\d))")
_NOT_IN_HEADING = re.compile(r"[。；;，,《]")
_MAX_HEADING_CHARS = 26
_SENTENCE_END = tuple("。！？：:!?")  # a line ending in ； may still wrap
_MARKUP = re.compile(r"^\s*(?:#+\s*|[-*]\s+)*")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


def _fragment(line: str, ocr: bool = False) -> str:
    """One source line without markdown markers and bookmarks, cleaned."""
    line = _BOOKMARK.sub("", line).replace("**", "")
    return clean_text(_MARKUP.sub("", line), ocr)


def _heading_level(fragment: str, numbered: bool) -> int | None:
    """Level of a heading line (第X部分/一、 -> 1, （一） -> 2, 1./（1） -> 3 where
    ``numbered``), or None for a paragraph line: headings are short and hold no
    sentence punctuation."""
    if len(fragment.replace(" ", "")) > _MAX_HEADING_CHARS or _NOT_IN_HEADING.search(fragment):
        return None
    for marker, level in _HEADING_MARKERS:
        if marker.match(fragment):
            return level
    return 3 if numbered and _NUMBERED_MARKER.match(fragment) else None


def _split_toc(pieces: list[str | PerfTable]) -> tuple[list[str], list[str | PerfTable]]:
    """Table-of-contents entries (up to the first entry repeated as a body heading) and the rest."""
    end = pieces.index(pieces[0], 1)
    return [p for p in pieces[:end] if isinstance(p, str)], pieces[end:]


@dataclass
class _Text:
    text: str
    level: int | None  # heading level, None for a paragraph


def _join(fragments: Iterable[str], numbered: bool) -> list[_Text]:
    """Group line fragments into headings and paragraphs: a fragment continues the
    paragraph before it unless that one ended a sentence or the fragment starts an item."""
    texts: list[_Text] = []
    for fragment in fragments:
        level = _heading_level(fragment, numbered)
        previous = texts[-1] if texts else None
        if (
            level is None
            and previous is not None
            and previous.level is None
            and not previous.text.endswith(_SENTENCE_END)
            and not _ITEM_START.match(fragment)
        ):
            previous.text = clean_text(f"{previous.text} {fragment}")
        else:
            texts.append(_Text(fragment, level))
    return texts


def _body_blocks(pieces: list[str | PerfTable], numbered: bool = False) -> list[Block]:
    """Blocks for a run of fragments and tables in document order."""
    blocks: list[Block] = []
    run: list[str] = []
    for piece in [*pieces, None]:
        if isinstance(piece, str):
            run.append(piece)
            continue
        blocks += [Heading(t.text, t.level) if t.level is not None else Para(t.text) for t in _join(run, numbered)]
        run = []
        if piece is not None:
            blocks += [PageBreak(), perf_grid(piece)]
    return blocks


def _report_blocks(pieces: list[str | PerfTable]) -> list[Block]:
    """A 部门决算公开说明: title, table of contents where present, body."""
    title, *rest = pieces
    assert isinstance(title, str)
    blocks: list[Block] = [Heading(title.replace(" ", ""), 0)]
    if rest and rest[0] == "目录":
        toc, rest = _split_toc(rest[1:])
        blocks += [Heading("目录", 1), *(Para(entry) for entry in toc), PageBreak()]
    return blocks + _body_blocks(rest)


# --------------------------------------------------------------------------
# Performance tables
# --------------------------------------------------------------------------

IND_TITLE = "年度绩效指标完成情况"
GOAL_TITLE = "年度总体目标"
_NAME_LABELS = ("项目名称", "单位名称")
_FUND_TITLES = ("项目资金", "部门资金")
_LEVEL1 = {"产出指标", "效益指标", "满意度指标", "成本指标"}
_LEVEL1_ONLY = _LEVEL1 - {"满意度指标"}
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_ROLES: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标",),
    "target": ("年度指标值", "指标值", "预期指标值"),
    "actual": ("实际完成值", "指标实际完成值", "实际完成指标值"),
    "weight": ("分值", "指标分值权重", "分值权重"),
    "score": ("得分", "指标得分"),
    "deviation_reason": ("偏差原因分析及改进措施",),
}
_COLUMN_WIDTHS = {  # relative widths by indicator header; 1.0 otherwise
    "三级指标": 1.7,
    "偏差原因分析及改进措施": 2.4,
    "指标值设定依据": 1.6,
    "上年完成值": 1.2,
    "指标赋分规则": 1.1,
    "佐证资料": 1.1,
    "分值": 0.7,
    "分值权重": 0.7,
    "指标分值权重": 0.8,
    "指标得分": 0.8,
    "完成率": 0.9,
}


@dataclass
class PerfTable:
    """One 绩效自评表 as read from a seed, every cell cleaned, level names carried down."""

    title: str
    subtitle: str
    name_label: str = ""
    name: str = ""
    supervisor: str | None = None
    implementer: str | None = None
    fund_title: str = ""
    fund_header: list[str] = field(default_factory=list)  # label column + 6 value columns
    funds: list[list[str]] = field(default_factory=list)
    goal_header: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)  # expected, actual
    indicator_header: list[str] = field(default_factory=list)
    indicators: list[list[str]] = field(default_factory=list)  # one cell per header column
    total: list[str] | None = None  # 总分 row: weight, score

    @property
    def scope(self) -> str:
        return "project" if self.title.startswith("项目") else "overall"


IndicatorReader = Callable[[list[str], PerfTable], list[str]]


def _assemble(title: str, subtitle: str, rows: list[list[str]], read_indicator: IndicatorReader) -> PerfTable:
    """Fill a PerfTable from its rows (cleaned cells), keyed by each row's first filled cell."""
    table = PerfTable(title, subtitle)
    section = ""
    for cells in rows:
        filled = [c for c in cells if c]
        key = filled[0] if filled else ""
        if key in _NAME_LABELS:
            table.name_label, table.name = key, filled[1]
        elif key == "主管部门":
            table.supervisor, table.implementer = filled[1], filled[3]
        elif key.startswith(_FUND_TITLES):
            header = filled[1:]
            table.fund_title, table.fund_header, section = key, [""] * (7 - len(header)) + header, "funds"
        elif key == GOAL_TITLE:
            table.goal_header, section = filled[1:], "goals"
        elif "一级指标" in filled:
            table.indicator_header, section = filled, "indicators"
        elif key == "总分":
            table.total = filled[1:]
        elif section == "funds":
            table.funds.append(filled)
        elif section == "goals":
            table.goals = filled
        elif section == "indicators":
            table.indicators.append(read_indicator(cells, table))
    _check_shape(table)
    return table


def _check_shape(table: PerfTable) -> None:
    width = len(table.indicator_header)
    assert len(table.fund_header) == 7 and all(len(f) == 7 for f in table.funds), table.name
    assert len(table.goal_header) == 2 and len(table.goals) == 2, table.name
    assert all(len(row) == width for row in table.indicators), table.name


def _carry_levels(names: list[str], previous: list[str] | None) -> tuple[str, str]:
    """一级/二级指标 of a row whose merged cells lost their text: carried from the row above."""
    level1, level2 = (None, None) if previous is None else (previous[0], previous[1])
    if len(names) == 2:
        level1, level2 = names
    elif len(names) == 1:
        level2 = names[0]
        if level2 == "满意度指标":
            level1 = level2
    if level1 not in _LEVEL1 or level2 is None or not level2.endswith("指标") or level2 in _LEVEL1_ONLY:
        raise ValueError(f"cannot place indicator levels {names} after {previous}")
    return level1, level2


def _read_loose_indicator(cells: list[str], table: PerfTable) -> list[str]:
    """An indicator row of a tab-separated seed, whose empty cells may be lost: read
    from the right (reason, score, weight, actual, target, 三级指标), levels carried."""
    filled = [c for c in cells if c and c != IND_TITLE]
    reason = "" if _NUMBER.match(filled[-1]) else filled.pop()
    score, weight = filled.pop(), filled.pop()
    while _NUMBER.match(filled[-1]):  # a stray copy of the score
        filled.pop()
    actual, target, level3 = filled.pop(), filled.pop(), filled.pop()
    level1, level2 = _carry_levels(filled, table.indicators[-1] if table.indicators else None)
    return [level1, level2, level3, target, actual, weight, score, reason]


def _read_positional_indicator(cells: list[str], table: PerfTable) -> list[str]:
    """An indicator row with every cell in place (empty where merged)."""
    row = cells[-len(table.indicator_header) :]
    previous = table.indicators[-1] if table.indicators else row
    return [row[0] or previous[0], row[1] or previous[1], *row[2:]]


def read_tab_table(lines: list[str]) -> PerfTable:
    """A table of the 000 seed: title line, subtitle line, tab-separated rows."""
    rows = [[clean_text(c) for c in line.split("\t")] for line in lines[2:] if line.strip()]
    return _assemble(clean_text(lines[0]), clean_text(lines[1]), rows, _read_loose_indicator)


def read_cell_table(lines: list[str]) -> PerfTable:
    """A table of the 004 seed: one tab-indented cell per line, rows separated by blank lines."""
    rows: list[list[str]] = [[]]
    for line in lines:
        if line.startswith("\t"):
            rows[-1].append(clean_text(line))
        elif rows[-1]:
            rows.append([])
    (title,), (subtitle,), *body = [row for row in rows if row]
    return _assemble(title, subtitle, body, _read_positional_indicator)


# --------------------------------------------------------------------------
# PerfTable -> GridTable (official form layout) and -> truth
# --------------------------------------------------------------------------


def _spread(pieces: int, width: int) -> list[int]:
    """Column spans sharing ``width`` columns among ``pieces`` cells, wider ones first."""
    base, extra = divmod(width, pieces)
    return [base + (i < extra) for i in range(pieces)]


class _Grid:
    def __init__(self, n_cols: int) -> None:
        self.n_cols = n_cols
        self.rows: list[list[CellSpec | None]] = []

    def add(self, *cells: CellSpec) -> None:
        row: list[CellSpec | None] = []
        for cell in cells:
            row += [cell, *[None] * (cell.colspan - 1)]
        assert len(row) == self.n_cols, [c.text for c in cells]
        self.rows.append(row)

    def add_spread(self, first: CellSpec, texts: list[str], align: str = "center") -> None:
        spans = _spread(len(texts), self.n_cols - first.colspan)
        self.add(first, *(CellSpec(t, colspan=s, align=align) for t, s in zip(texts, spans, strict=True)))

    def merge_down(self, row: int, col: int, count: int) -> None:
        cell = self.rows[row][col]
        assert cell is not None
        cell.rowspan = count
        for r in range(row + 1, row + count):
            self.rows[r][col] = None


def _runs(keys: list[Any]) -> Iterable[tuple[int, int]]:
    """(start, length) of each run of equal consecutive keys."""
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            yield start, i - start
            start = i


def perf_grid(table: PerfTable) -> GridTable:
    """The table as drawn: name, units, money rows under a merged 项目资金 label, goals
    under a merged 年度总体目标, indicators with merged level cells, 总分."""
    offset = int(table.scope == "project")  # project forms have a merged 年度绩效指标完成情况 column
    header = table.indicator_header
    grid = _Grid(len(header) + offset)
    n = grid.n_cols
    grid.add(CellSpec(table.name_label), CellSpec(table.name, colspan=n - 1, align="left"))
    if table.supervisor is not None:
        label = max(1, round((n - 1) / 8))  # 实施单位 gets two columns of a wide form
        supervisor = (n - 1 - label) // 2
        grid.add(
            CellSpec("主管部门"),
            CellSpec(table.supervisor, colspan=supervisor),
            CellSpec("实施单位", colspan=label),
            CellSpec(table.implementer or "", colspan=n - 1 - label - supervisor),
        )
    top = len(grid.rows)
    for texts in [table.fund_header, *table.funds]:
        grid.add_spread(CellSpec(table.fund_title), texts)
    grid.merge_down(top, 0, 1 + len(table.funds))
    top = len(grid.rows)
    grid.add_spread(CellSpec(GOAL_TITLE), table.goal_header)
    grid.add_spread(CellSpec(""), table.goals, align="left")
    grid.merge_down(top, 0, 2)
    _add_indicators(grid, table, offset)
    if table.total is not None:
        grid.add(*_total_row(table, offset))
    widths = [1.0] * offset + [_COLUMN_WIDTHS.get(h, 1.0) for h in header]
    return GridTable(rows=grid.rows, col_widths=widths, title=table.title, subtitle=table.subtitle)


def _add_indicators(grid: _Grid, table: PerfTable, offset: int) -> None:
    """Indicator header and rows; 年度绩效指标完成情况 (project forms) and runs of equal
    一级/二级指标 merged vertically."""
    top = len(grid.rows)
    header = table.indicator_header
    lead = [CellSpec(IND_TITLE)] if offset else []
    grid.add(*lead, *(CellSpec(h) for h in header))
    for row in table.indicators:
        grid.add(
            *(CellSpec("") for _ in lead),
            *(CellSpec(c, align=_cell_align(h)) for h, c in zip(header, row, strict=True)),
        )
    if offset:
        grid.merge_down(top, 0, 1 + len(table.indicators))
    for col in (0, 1):
        for start, length in _runs([tuple(r[: col + 1]) for r in table.indicators]):
            grid.merge_down(top + 1 + start, offset + col, length)


def _cell_align(header: str) -> str:
    return "left" if header in ("三级指标", "偏差原因分析及改进措施", "指标值设定依据") else "center"


def _total_row(table: PerfTable, offset: int) -> list[CellSpec]:
    """总分 over the columns left of 分值, the total weight and score in their columns."""
    assert table.total is not None
    columns = _role_columns(table.indicator_header)
    weight_col, score_col = offset + columns["weight"], offset + columns["score"]
    n = len(table.indicator_header) + offset
    cells = [CellSpec("总分", colspan=weight_col), CellSpec(table.total[0])]
    if score_col > weight_col + 1:
        cells.append(CellSpec("", colspan=score_col - weight_col - 1))
    cells.append(CellSpec(table.total[1]))
    if n > score_col + 1:
        cells.append(CellSpec("", colspan=n - score_col - 1))
    return cells


def _role_columns(header: list[str]) -> dict[str, int]:
    return {role: header.index(h) for role, names in _ROLES.items() for h in names if h in header}


_NORMALISE: dict[str, Callable[[str], str | None]] = {
    "target": norm_target,
    "actual": norm_target,
    "weight": norm_decimal,
    "score": norm_decimal,
}


def perf_truth(table: PerfTable) -> dict[str, Any]:
    """The table's ``performance`` truth record (docs/truth-format.md)."""
    columns = _role_columns(table.indicator_header)
    indicators = [
        {role: _NORMALISE.get(role, norm_text)(row[columns[role]]) if role in columns else None for role in _ROLES}
        for row in table.indicators
    ]
    funds = [
        {
            "label": norm_text(label),
            "initial_budget": norm_decimal(initial),
            "annual_budget": norm_decimal(annual),
            "executed": norm_decimal(executed),
            "weight": norm_decimal(weight),
            "execution_rate": norm_decimal(rate),
            "score": norm_decimal(score),
        }
        for label, initial, annual, executed, weight, rate, score in table.funds
    ]
    return {
        "scope": table.scope,
        "name": norm_text(table.name),
        "supervisor": norm_text(table.supervisor) if table.supervisor else None,
        "implementer": norm_text(table.implementer) if table.implementer else None,
        "funds": funds,
        "goal_expected": norm_text(table.goals[0]),
        "goal_actual": norm_text(table.goals[1]),
        "indicators": indicators,
        "total_score": norm_decimal(table.total[1]) if table.total else None,
    }


# --------------------------------------------------------------------------
# The four seeds
# --------------------------------------------------------------------------


def _pieces_000(text: str) -> list[str | PerfTable]:
    """Fragments and tables: a table runs from its title line to its 总分 row."""
    lines = text.splitlines()
    pieces: list[str | PerfTable] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "项目支出绩效自评表":
            end = next(j for j in range(i, len(lines)) if clean_text(lines[j]).startswith("总分"))
            pieces.append(read_tab_table(lines[i : end + 1]))
            i = end + 1
        else:
            pieces += filter(None, [_fragment(lines[i])])
            i += 1
    return pieces


def _pieces_004(text: str) -> list[str | PerfTable]:
    """Fragments and tables: a table is the run of tab-indented lines from its title."""
    lines = text.splitlines()
    titles = [i for i, line in enumerate(lines) if line.strip().endswith("绩效自评表") and line.startswith("\t")]
    pieces: list[str | PerfTable] = []
    i = 0
    while i < len(lines):
        if i in titles:
            end = next(j for j in range(i + 1, len(lines)) if j in titles or lines[j][:1] not in ("\t", ""))
            pieces.append(read_cell_table(lines[i:end]))
            i = end
        else:
            pieces += filter(None, [_fragment(lines[i])])
            i += 1
    return pieces


def _pieces_002(text: str) -> list[str | PerfTable]:
    """Narrative only: the OCR'd tables (整体支出 and 项目支出绩效自评表) are skipped."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("#") and "部门整体支出绩效自评表" in line)
    end = next(i for i in range(start, len(lines)) if "十二、其他需说明的事项" in lines[i])
    return [f for f in (_fragment(line, ocr=True) for line in lines[:start] + lines[end:]) if f]


def _blocks_001(text: str) -> list[Block]:
    """Cover (附件 label, two-line title, year, unit, date), then the numbered narrative."""
    fragments = [f for f in map(_fragment, text.splitlines()) if f]
    body = fragments.index("一、基本概况：")
    label, title1, title2, *cover = fragments[:body]
    return [
        Para(label),
        Heading(title1 + title2, 0),
        *(Para(line) for line in cover),
        PageBreak(),
        *_body_blocks(fragments[body:], numbered=True),
    ]


Reader = Callable[[str], tuple[list[Block], list[PerfTable]]]


def _report(pieces: Callable[[str], list[str | PerfTable]]) -> Reader:
    """Reader of a 部门决算公开说明 seed whose text ``pieces`` splits into fragments and tables."""

    def read(text: str) -> tuple[list[Block], list[PerfTable]]:
        parts = pieces(text)
        return _report_blocks(parts), [p for p in parts if isinstance(p, PerfTable)]

    return read


@dataclass(frozen=True)
class _Seed:
    name: str
    prefix: str
    read: Reader
    style: Style


_SEEDS = (
    _Seed("seed-000", "000_", _report(_pieces_000), Style()),
    _Seed("seed-001", "001_", lambda text: (_blocks_001(text), []), Style(font="fangsong", size=14.0, thousands=False)),
    _Seed("seed-002", "002_", _report(_pieces_002), Style(page_number_format="- {n} -")),
    _Seed(
        "seed-004",
        "004_",
        _report(_pieces_004),
        Style(font="ming", size=10.5, margin_mm=18.0, table_font_size=7.5, heading_font="song"),
    ),
)


def load_truth(name: str, tables: list[PerfTable]) -> dict[str, Any]:
    """Hand-annotated truth from ``seed_truth`` plus the performance truth of ``tables``."""
    truth = json.loads((TRUTH_DIR / f"{name}.json").read_text(encoding="utf-8"))
    truth["performance"] = [perf_truth(t) for t in tables]
    truth["n_tables"] = len(tables)
    return truth


def seed_specs(seeds_dir: Path) -> list[ReportSpec]:
    """ReportSpecs of the four seed reports in ``seeds_dir`` (``shared/seeds``)."""
    specs = []
    for seed in _SEEDS:
        (path,) = seeds_dir.glob(f"{seed.prefix}*.txt")
        blocks, tables = seed.read(path.read_text(encoding="utf-8"))
        specs.append(ReportSpec(seed.name, blocks, load_truth(seed.name, tables), seed.style))
    return specs
