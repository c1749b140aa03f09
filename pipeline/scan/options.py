"""Options of the scanned-page path, one dataclass with the sub-stages' options inside."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pipeline.config import ConfigError, options_for
from pipeline.layout import AlignmentOptions, LayoutOptions
from pipeline.ocr import OcrOptions
from pipeline.preprocess import PreprocessOptions
from pipeline.ruling import RulingOptions

BITONAL_CELLS = ("none", "close", "smooth")


@dataclass(frozen=True, slots=True)
class ScanOptions:
    engine: str = "rapidocr"  # a key of pipeline.ocr.ENGINES
    # 200 dpi reads the corpus as well as 300 at two thirds of the pixels;
    # rapidocr's detector shrinks anything larger to 2000 px anyway.
    dpi: int = 200
    # Tables drawn without rules are found by their column gutters
    # (``layout.aligned_tables``) and by CDLA table regions (``layout``;
    # off saves ~0.2 s a page); SLANet-plus predicts their cells.
    column_alignment: bool = True
    layout: bool = True
    # A line at least this many ems long measures its font size by its width.
    min_ems: float = 4.0
    # Without one, a detector box is about this many times the font size.
    box_to_font_size: float = 1.1
    # Line sizes within this ratio of each other on a page are one font size:
    # measured sizes scatter by a few per cent, and the reading stage breaks
    # paragraphs on size changes.
    same_size_ratio: float = 1.12
    # A bracket or colon printed at least this wide (in ems) is full-width.
    full_width_em: float = 0.8
    # A row of CJK cell text is about this many ems high in ink.
    ink_height_em: float = 0.9
    # The rows of a wrapped cell are read as one line, this many row
    # heights apart (about the spacing of two characters' ink).
    joined_row_gap: float = 0.15
    # Chars get a box this many font sizes tall around their line's centre,
    # like a text layer's loose boxes (detector boxes are taller).
    char_box_height: float = 1.1
    # Painted out around a table before running text is read, in points.
    table_margin_pt: float = 2.0
    # Trimmed off each side of a cell crop so its rules are not read as text.
    cell_inset_pt: float = 1.0
    # In a cell, ink no larger than this (points) both ways is a speck unless
    # it sits between characters (a decimal point does); ink touching the
    # crop's edge no thicker than ``cell_rule_pt`` is a remnant of a rule.
    # 0 switches either off.
    cell_speck_pt: float = 2.2
    cell_rule_pt: float = 1.6
    # A text row this many times taller than the median row of the page's
    # cells is more than one line run together: read it with detection.
    tall_row_ratio: float = 1.7
    # A cell's text row this flat next to the median row is a dash (—).
    dash_row_ratio: float = 0.3
    # A cell's text row smaller both ways than this share of the median row
    # is a speck of dust or seal ink, not a character (a 200 dpi dust dot is
    # 5-6 px, above ``cell_speck_pt``; a digit is three times that tall).
    speck_row_ratio: float = 0.45
    # A row whose darkest ink has less than this share of the
    # contrast of the page's typical cell row is a remnant (seal, fold), not
    # print: cell text at 200 dpi reaches 10-80 grey, such remnants 120-160.
    faint_row_contrast: float = 0.7
    # A cell row whose ink starts more than this many row heights before the
    # first character the recogniser placed holds a mark it did not read (a
    # pale "=" or "<=" before a number, lost at confidence 1.0): the row's
    # confidence is multiplied by ``unread_ink_factor``.  Read characters
    # start within 0.25 row heights of their ink; missed ones 0.6-0.9.
    unread_ink_rows: float = 0.5
    unread_ink_factor: float = 0.8
    keep_image: bool = False  # keep the cleaned image on Page.image (4-9 MB a page)
    # A bitonal scan's cell crops before recognition: none | close (one-pixel
    # gaps in strokes) | smooth (re-rendered grey); see docs/scan-space.md.
    bitonal_cells: str = "none"
    # Turn a sideways or upside-down scan upright before reading it.
    orient: bool = True
    # A page that would render larger than this is rendered at a lower dpi
    # (with a note), down to ``min_dpi``; past that it is refused.
    max_megapixels: float = 80.0
    min_dpi: int = 100
    preprocess: PreprocessOptions = field(default_factory=PreprocessOptions)
    ocr: OcrOptions = field(default_factory=OcrOptions)
    layout_model: LayoutOptions = field(default_factory=LayoutOptions)
    ruling: RulingOptions = field(default_factory=RulingOptions)
    alignment: AlignmentOptions = field(default_factory=AlignmentOptions)

    def __post_init__(self) -> None:
        # Values of the right type that no scan can be read at.
        if not 50 <= self.dpi <= 1200:
            raise ConfigError(f"configs: scan.dpi: {self.dpi} is outside 50..1200")
        if not 50 <= self.min_dpi <= self.dpi:
            raise ConfigError(f"configs: scan.min_dpi: {self.min_dpi} is outside 50..scan.dpi ({self.dpi})")
        if self.bitonal_cells not in BITONAL_CELLS:
            raise ConfigError(f"configs: scan.bitonal_cells: {self.bitonal_cells!r} is not one of {BITONAL_CELLS}")
        if self.max_megapixels <= 0:
            raise ConfigError(f"configs: scan.max_megapixels: {self.max_megapixels} is not positive")

    @classmethod
    def from_config(cls, section: dict[str, Any] | None) -> ScanOptions:
        """Options from the config's ``scan:`` section; its sub-sections
        ``preprocess``, ``ocr``, ``layout_model``, ``ruling`` and ``alignment`` set the
        options of those stages (unknown keys raise, as everywhere)."""
        if section is not None and not isinstance(section, dict):
            raise ConfigError("configs: section 'scan' must be a mapping of options")
        values = dict(section or {})
        stages = {
            name: options_for(kind, values, name, parent="scan.")
            for name, kind in _STAGE_OPTIONS.items()
            if name in values
        }
        own = {key: value for key, value in values.items() if key not in _STAGE_OPTIONS}
        return replace(options_for(cls, {"scan": own}, "scan"), **stages)


_STAGE_OPTIONS: dict[str, type] = {
    "preprocess": PreprocessOptions,
    "ocr": OcrOptions,
    "layout_model": LayoutOptions,
    "ruling": RulingOptions,
    "alignment": AlignmentOptions,
}
