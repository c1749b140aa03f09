"""Scanned pages: a virtual text layer from OCR, so the rest of the flow reads them as text pages.

Entry point: ``read_scanned_page(page, options, table_options)`` for a page
that ingest marked ``source="ocr"``.  It fills

* ``page.rules`` — table rules found in the pixels, in PDF points, and
* ``page.chars`` — one ``Char`` per recognised character, with its box in
  PDF points, an estimated font size and the OCR's confidence,

after which ``tables.VectorEngine`` and ``reading.build_lines`` treat the
page exactly like a born-digital one.

Steps (one module each): render at ``dpi`` → ``preprocess.clean`` (each step
switchable) → ruling lines → lattice grids on those rules (``page``) →
tables drawn without rules, found by column alignment and CDLA table
regions, get cell borders from SLANet-plus (``unruled``, ``slanet``) → each
cell's text rows read by recognition only (``cells``) → running text by
detection + recognition on the page with the tables painted out
(``running_text``); punctuation widths are settled from the ink
(``widths``).

Coordinates: boxes are points of the page as if it had been scanned straight.
Deskewing turns the image about its centre; undoing the canvas growth of
that turn leaves a pure shift and scale, so rules stay axis-parallel and the
same table sits at the same place on every page whatever each page's skew
(``stitch`` compares column edges, in proportion, across pages).
"""

from pipeline.scan.cells import cell_chars_of_rows, cell_text_rows, is_noise_reading
from pipeline.scan.options import ScanOptions
from pipeline.scan.page import read_scanned_page
from pipeline.scan.running_text import drop_stray_points, font_sizes
from pipeline.scan.unruled import predicted_cell_borders
from pipeline.scan.view import PageView, upright_frame
from pipeline.scan.widths import pair_bracket_widths, settle_widths

__all__ = [
    "PageView",
    "ScanOptions",
    "cell_chars_of_rows",
    "cell_text_rows",
    "drop_stray_points",
    "font_sizes",
    "is_noise_reading",
    "pair_bracket_widths",
    "predicted_cell_borders",
    "read_scanned_page",
    "settle_widths",
    "upright_frame",
]
