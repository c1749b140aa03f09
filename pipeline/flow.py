"""The product's flow in one place: PDF → pages → text/tables → records → checks → confidence.

Stage order and engine choice live here and in ``configs/``; each stage is
one module with one entry point.

Per page: ingest routes it (text layer, OCR, blank) → a doubtful text layer
is checked against the page image (``textlayer``) → a scanned page gets a
virtual text layer (``scan``: render, orient, clean, layout, OCR) → table
grids → lines.  A stage failing on one page is recorded in ``page_errors``
and that page is left empty; the document goes on and is ``partial``.
Then, per document: stitch tables across pages → paragraphs → extract →
checks → confidence.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import checks, confidence, ingest, reading, records, scan, stitch, tables, textlayer
from .config import ConfigError, load_config, options_for, resolve_path
from .model import Document, DocumentInfo, Page, PageError, Source
from .stages import StageError, Timings, log, printable_path


@dataclass
class Pipeline:
    """Options for every stage, resolved once and reused for many files."""

    ingest: ingest.IngestOptions
    reading: reading.ReadingOptions
    tables: tables.TableOptions
    scan: scan.ScanOptions
    extract: records.ExtractOptions
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
            extract=options_for(records.ExtractOptions, config, "extract"),
            confidence=options_for(confidence.ConfidenceOptions, config, "confidence"),
        )
        _check_engines_and_files(pipeline)
        return pipeline

    def run(self, path: str | Path, on_page: Callable[[int, int], None] | None = None) -> Document:
        """The document of one PDF; raises ``ingest.IngestError`` when the file
        cannot be read at all, and records what fails on a page instead.
        ``on_page(done, total)`` is called as each page is read (progress)."""
        timings = Timings()
        source, errors = self.read_pages(path, timings=timings, on_page=on_page)
        return self.assemble(path, source, errors, timings)

    def read_pages(
        self,
        path: str | Path,
        numbers: range | None = None,
        timings: Timings | None = None,
        on_page: Callable[[int, int], None] | None = None,
    ) -> tuple[Source, list[PageError]]:
        """Ingest, then read each page (of ``numbers``, 1-based, or all): the
        per-page half of the flow, which a cluster runs in parallel for a
        long document (``pipeline/batch/ray_engine.py``)."""
        timings = timings or Timings()
        with timings.stage("ingest", isolate=False):
            source = ingest.open_pdf(path, self.ingest, numbers)
        wanted = numbers if numbers is not None else range(1, len(source.pages) + 1)
        errors = [error for error in source.errors if error.page in wanted]
        engine = tables.get_engine(self.tables)
        for page in source.pages:
            if page.number in wanted:
                errors += self._read_page(page, engine, timings)
                if on_page is not None:
                    on_page(page.number, len(source.pages))
        return source, errors

    def assemble(self, path: str | Path, source: Source, errors: list[PageError], timings: Timings) -> Document:
        """The per-document half: stitch tables across pages → paragraphs →
        records → checks → confidence."""
        with timings.stage("tables", isolate=False):
            grids = stitch.stitch([page.tables for page in source.pages], self.tables, pages=source.pages)
        with timings.stage("reading", isolate=False):
            paragraphs = reading.paragraphs(source.pages, self.reading)
        info = DocumentInfo(
            doc_id=source.doc_id,
            file=printable_path(path),
            pages=len(source.pages),
            page_sources=[page.source for page in source.pages],
            page_sizes=[[round(page.width, 2), round(page.height, 2)] for page in source.pages],
            page_notes=[note for page in source.pages for note in page.notes],
        )
        with timings.stage("extract", isolate=False):
            document = records.extract(paragraphs, grids, info, self.extract, self.tables)
        with timings.stage("checks", isolate=False):
            document.checks = checks.run(document, self.extract.rules_dir)
        document.page_errors = sorted(errors, key=lambda error: error.page)
        document.document.status = "partial" if errors else "complete"
        with timings.stage("confidence", isolate=False):
            document = confidence.score(document, self.confidence, pages=source.pages)
        document.document.timings = timings.rounded()
        return document

    def _read_page(self, page: Page, engine: tables.TableEngine, timings: Timings) -> list[PageError]:
        """Read one page as far as it goes; what fails is returned as page
        errors, and what was read before the failure is kept: a text layer
        the image check could not judge, chars whose table grid failed."""
        errors: list[PageError] = []
        if page.blank:
            return errors  # nothing printed: no OCR, no tables, no lines
        try:
            if page.source == "text" and page.doubts:
                with timings.stage("textlayer"):
                    textlayer.verify(page, self.scan)
        except StageError as error:
            errors.append(_page_error(page, error))  # the layer stays, doubted: the error says why
        try:
            if page.source == "ocr":
                # The scan stage gives the page rules and chars read from its
                # image; its grid is built from those rules, whatever engine
                # the text pages use.
                scan.read_scanned_page(page, self.scan, self.tables, timings=timings)
                engine = tables.VectorEngine(self.tables)
        except StageError as error:
            page.chars, page.rules = [], []
            return [*errors, _page_error(page, error)]
        try:
            with timings.stage("tables"):
                page.tables = engine.recognise(page)
        except StageError as error:
            page.tables = []  # its text is still read, as running text
            errors.append(_page_error(page, error))
        try:
            with timings.stage("reading"):
                page.lines = reading.build_lines(page, self.reading)
        except StageError as error:
            page.lines, page.tables = [], []
            errors.append(_page_error(page, error))
        return errors


def _page_error(page: Page, error: StageError) -> PageError:
    # The CLI prints the error line itself; the traceback is for --verbose.
    log.debug("page %d: %s failed", page.number, error.stage, exc_info=error)
    return PageError(page=page.number, stage=error.stage, message=error.describe())


# The files a rules folder must hold (``extract.rules`` and ``checks`` read them).
RULE_FILES = (
    "sections.yaml",
    "figures.yaml",
    "items.yaml",
    "performance.yaml",
    "document.yaml",
    "confidence.yaml",
    "statements.yaml",
    checks.CHECKS_FILE,
)


def _check_engines_and_files(pipeline: Pipeline) -> None:
    """Engine names and the files the options name, before any PDF is opened."""
    from .ocr import ENGINES

    try:
        tables.get_engine(pipeline.tables)
    except ValueError as exc:
        raise ConfigError(f"configs: {exc}") from None
    if pipeline.scan.engine not in ENGINES:
        raise ConfigError(
            f"configs: scan.engine: unknown OCR engine {pipeline.scan.engine!r}; choose one of {sorted(ENGINES)}"
        )
    rules_dir = resolve_path(pipeline.extract.rules_dir)
    if not rules_dir.is_dir():
        raise ConfigError(f"configs: extract.rules_dir: no such folder: {rules_dir}")
    missing = [name for name in RULE_FILES if not (rules_dir / name).is_file()]
    if missing:
        raise ConfigError(f"configs: extract.rules_dir: {rules_dir} lacks {', '.join(missing)}")
    radicals = resolve_path(pipeline.ingest.radicals_file)
    if not radicals.is_file():
        raise ConfigError(f"configs: ingest.radicals_file: no such file: {radicals}")
    calibration = pipeline.confidence.calibration
    if calibration and not resolve_path(calibration).is_file():
        raise ConfigError(f"configs: confidence.calibration: no such file: {resolve_path(calibration)}")
    try:
        confidence.read_calibration_file(calibration)
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"configs: confidence.calibration: not a calibration file: {exc}") from None
