"""The product's flow in one place: PDF → pages → text/tables → records → checks → confidence.

Stage order and engine choice live here and in ``configs/``; each stage is
one module with one entry point.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import checks, confidence, extract, ingest, reading, scan, tables
from .config import ConfigError, load_config, options_for
from .model import Document, DocumentInfo, Page, Table, TableOut


@dataclass
class Pipeline:
    """Options for every stage, resolved once and reused for many files."""

    ingest: ingest.IngestOptions
    reading: reading.ReadingOptions
    tables: tables.TableOptions
    scan: scan.ScanOptions
    extract: extract.ExtractOptions
    confidence: confidence.ConfidenceOptions

    @classmethod
    def from_config(cls, config: dict[str, dict[str, Any]] | None = None) -> Pipeline:
        """Options for every stage; a bad key or engine name raises ConfigError here, before any file."""
        config = config if config is not None else load_config()
        unknown = sorted(set(config) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            raise ConfigError(f"configs: unknown section(s): {', '.join(unknown)}")
        pipeline = cls(
            ingest=options_for(ingest.IngestOptions, config, "ingest"),
            reading=options_for(reading.ReadingOptions, config, "reading"),
            tables=options_for(tables.TableOptions, config, "tables"),
            scan=scan.ScanOptions.from_config(config.get("scan")),
            extract=options_for(extract.ExtractOptions, config, "extract"),
            confidence=options_for(confidence.ConfidenceOptions, config, "confidence"),
        )
        try:
            tables.get_engine(pipeline.tables)
        except ValueError as exc:
            raise ConfigError(f"configs: {exc}") from None
        return pipeline

    def run(self, path: str | Path) -> Document:
        source = ingest.open_pdf(path, self.ingest)
        engine = tables.get_engine(self.tables)
        for page in source.pages:
            self._read_page(page, engine)
        grids = tables.stitch([page.tables for page in source.pages], self.tables, pages=source.pages)
        paragraphs = reading.paragraphs(source.pages, self.reading)
        info = DocumentInfo(
            doc_id=source.doc_id,
            file=str(path),
            pages=len(source.pages),
            page_sources=[page.source for page in source.pages],
        )
        document = extract.extract(paragraphs, grids, info, self.extract)
        document.tables = [table_out(grid) for grid in grids]
        document.checks = checks.run(document)
        return confidence.score(document, self.confidence)

    def _read_page(self, page: Page, engine: tables.TableEngine) -> None:
        if page.source == "ocr":
            # The scan stage gives the page rules and chars read from its
            # image; its grid is built from those rules, whatever engine
            # the text pages use.
            scan.read_scanned_page(page, self.scan, self.tables)
            engine = tables.VectorEngine(self.tables)
        page.tables = engine.recognise(page)
        page.lines = reading.build_lines(page, self.reading)


def table_out(table: Table) -> TableOut:
    """The contract's grid for an internal table."""
    return TableOut.model_validate(
        {
            "page": table.page,
            "bbox": list(table.bbox),
            "n_rows": table.n_rows,
            "n_cols": table.n_cols,
            "pages": table.pages or [table.page],
            "cells": [
                {
                    "row": c.row,
                    "col": c.col,
                    "rowspan": c.rowspan,
                    "colspan": c.colspan,
                    "text": c.text,
                    "bbox": [round(v, 2) for v in c.bbox],
                    "confidence": round(c.confidence, 4),
                    "page": c.page,
                }
                for c in table.cells
            ],
        }
    )
