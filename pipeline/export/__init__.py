"""Exports: the store's documents as the analysts' tables, or as contract JSON.

    write_tables(frames, "csv", out)   # one file per table in the folder out/
    write_tables(frames, "xlsx", out)  # one workbook, a sheet per table
    write_json(document, out, stem)    # the budgetdoc/1 file of one document

``csv``, ``parquet`` and ``jsonl`` write a folder with one file per table
(``figures.csv`` …); ``xlsx`` one workbook with a frozen header row, column
widths and numbers as numbers; ``json`` (``write_json``) one contract file
per document.  Every file is written atomically.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.export.json_file import unique_stem, write_atomically, write_json
from pipeline.export.tables import COLUMNS, TABLES, data_frames, table_rows

FORMATS = ("csv", "xlsx", "parquet", "jsonl", "json")

__all__ = [
    "COLUMNS", "FORMATS", "TABLES", "data_frames", "table_rows", "unique_stem", "write_atomically", "write_json",
    "write_tables",
]  # fmt: skip

# Excel columns are sized to their text, within these bounds (characters).
_WIDTH = (6, 60)
# Rows of data one sheet holds (Excel's 1,048,576 less the header); a longer table goes on over more sheets.
SHEET_ROWS = 1_048_575


def write_tables(frames: Mapping[str, Any], fmt: str, out: str | Path) -> list[Path]:
    """Write each DataFrame of ``frames`` in ``fmt``; returns the files written."""
    out = Path(out)
    if fmt == "xlsx":
        target = out if out.suffix == ".xlsx" else out / "budgetdoc.xlsx"
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, _workbook(frames))
        return [target]
    if fmt not in ("csv", "parquet", "jsonl"):
        raise ValueError(f"unknown table format {fmt!r} (one of csv, xlsx, parquet, jsonl)")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames.items():
        target = out / f"{name}.{fmt}"
        write_atomically(target, _table_bytes(frame, fmt))
        written.append(target)
    return written


def _table_bytes(frame, fmt: str) -> bytes:
    if fmt == "csv":
        # With a byte-order mark Excel opens the Chinese text as UTF-8.
        return frame.to_csv(index=False).encode("utf-8-sig")
    if fmt == "jsonl":
        text = frame.to_json(orient="records", lines=True, force_ascii=False)
        return text.encode("utf-8") if text.endswith("\n") or not text else (text + "\n").encode("utf-8")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _workbook(frames: Mapping[str, Any]) -> bytes:
    import pandas as pd
    from openpyxl.utils import get_column_letter

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in frames.items():
            for sheet_name, part in _sheets(name, frame):
                part.to_excel(writer, sheet_name=sheet_name, index=False, freeze_panes=(1, 0))
                sheet = writer.sheets[sheet_name]
                for i, column in enumerate(part.columns, start=1):
                    longest = max([_text_width(column), *(_text_width(v) for v in part[column].head(200))])
                    sheet.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, _WIDTH[0]), _WIDTH[1])
    return buffer.getvalue()


def _sheets(name: str, frame):
    """The sheets of one table: ``statement_rows``, then ``statement_rows 2`` … past Excel's rows."""
    if len(frame) <= SHEET_ROWS:
        yield name[:31], frame
        return
    for n, start in enumerate(range(0, len(frame), SHEET_ROWS), start=1):
        yield (name if n == 1 else f"{name} {n}")[:31], frame.iloc[start : start + SHEET_ROWS]


def _text_width(value: Any) -> int:
    """Columns a value takes in Excel: a wide character (汉字, full-width punctuation) is two."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
