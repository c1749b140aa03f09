"""One scanned page from pixels to a virtual text layer.

Entry point: ``read_scanned_page(page, options, table_options, timings=…)``.
Each step runs as a named stage (render, orient, preprocess, layout, ocr),
so a failure is recorded against the step that failed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pipeline.model import Page, PageNote, Segment, Table
from pipeline.ocr import get_engine
from pipeline.preprocess import budget_dpi, clean, render_page
from pipeline.ruling import ruling_lines, segments_to_points
from pipeline.scan.cells import cell_chars
from pipeline.scan.options import ScanOptions
from pipeline.scan.orient import quarter_turns
from pipeline.scan.running_text import running_text_chars
from pipeline.scan.unruled import inside, predicted_borders, unruled_table_regions
from pipeline.scan.view import PageView, upright_frame
from pipeline.stages import InputError, Timings
from pipeline.tables import TableOptions, VectorEngine


def read_scanned_page(
    page: Page,
    options: ScanOptions | None = None,
    table_options: TableOptions | None = None,
    pdf_path: str | Path | None = None,
    timings: Timings | None = None,
) -> None:
    """Give an OCR page rules and chars read from its image (``pdf_path``
    defaults to ``page.file``)."""
    options = options or ScanOptions()
    timings = timings or Timings()
    with timings.stage("ocr"):
        engine = get_engine(options.engine, options.ocr)  # loading the models may fail too
    with timings.stage("render"):
        dpi = _dpi(page, options)
        image = render_page(pdf_path or page.file, page.number - 1, dpi)
    if options.orient:
        with timings.stage("orient"):
            image = _upright(page, image, engine)
    with timings.stage("preprocess"):
        cleaned = clean(image, options.preprocess)
        view = PageView(cleaned.image, upright_frame(cleaned, image.shape, dpi), page.number, dpi, page.bitonal)
    with timings.stage("layout"):
        rules = segments_to_points(ruling_lines(cleaned.image, options.ruling), view.to_points)
        grids = _grids(page, rules, table_options)
        if options.layout or options.column_alignment:
            regions = unruled_table_regions(view, grids, options)
            if regions:
                rules = [rule for rule in rules if not any(inside(rule, box) for box in regions)]
                rules += [border for box in regions for border in predicted_borders(view, box)]
                grids = _grids(page, rules, table_options)
    page.rules = rules
    with timings.stage("ocr"):
        page.chars = running_text_chars(view, grids, engine, options) + cell_chars(view, grids, engine, options)
    if options.keep_image:
        page.image = cleaned.image


def _dpi(page: Page, options: ScanOptions) -> float:
    """The render resolution within the pixel budget; a page too large even
    at ``min_dpi`` is refused."""
    dpi = budget_dpi(page.width, page.height, options.dpi, options.max_megapixels)
    if dpi < options.min_dpi:
        raise InputError(
            f"page of {page.width:.0f} x {page.height:.0f} pt exceeds the pixel budget "
            f"({options.max_megapixels:g} MP) even at {options.min_dpi} dpi"
        )
    if dpi < options.dpi:
        dpi = float(int(dpi))
        page.notes.append(
            PageNote(
                page=page.number,
                kind="resolution_lowered",
                message=f"rendered at {dpi:.0f} dpi, not {options.dpi}: the page is "
                f"{page.width:.0f} x {page.height:.0f} pt and the budget {options.max_megapixels:g} MP",
            )
        )
    return dpi


def _upright(page: Page, image: np.ndarray, engine) -> np.ndarray:
    """``image`` turned upright; a sideways page's size in points swaps so
    that boxes are on the page as read."""
    turns = quarter_turns(image, engine)
    if not turns:
        return image
    page.quarter_turns = turns
    if turns % 2:
        page.width, page.height = page.height, page.width
    page.notes.append(
        PageNote(page=page.number, kind="rotated", message=f"scan turned {90 * turns}° clockwise to read it upright")
    )
    return np.ascontiguousarray(np.rot90(image, -turns))


def _grids(page: Page, rules: list[Segment], table_options: TableOptions | None) -> list[Table]:
    return VectorEngine(table_options).recognise(Page(page.number, page.width, page.height, "text", rules=rules))
