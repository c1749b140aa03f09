"""Options of the ingest stage, and the error it raises for an unreadable file."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.stages import InputError


class IngestError(InputError):
    """The file cannot be read as a PDF; the message names file and reason."""


@dataclass(frozen=True, slots=True)
class IngestOptions:
    min_chars: int = 10  # fewer chars than this: a scan (or a blank page)
    min_plausible_share: float = 0.85  # share of CJK/digits/punctuation needed
    min_cjk_share_for_latin: float = 0.05  # Latin counts as plausible only beside Chinese
    max_rule_thickness: float = 2.5  # a filled box thinner than this is a drawn line
    min_rule_length: float = 3.0  # shorter strokes are glyph parts or ticks, not rules
    read_form_xobjects: bool = True  # look for rules inside form XObjects too
    require_eof_marker: bool = True  # no %%EOF anywhere: the file was cut short
    # Radical code points and the ideographs they stand for (textlayer.fold_radicals).
    radicals_file: str = "configs/rules/radicals.yaml"
    # A page whose text is mostly invisible (render mode 3) and whose images
    # cover this share of it is a scan with an OCR layer: doubted.
    invisible_image_cover: float = 0.5
    # A scan page is bitonal when one-bit images cover this share of it.
    bitonal_cover: float = 0.5
    # A page without a usable text layer is blank when a thumbnail of it
    # (longest side ``blank_thumbnail_px``) holds fewer than
    # ``blank_min_marks`` blobs of at least ``blank_mark_px`` pixels that are
    # ``blank_contrast`` grey levels darker than its paper.
    blank_thumbnail_px: int = 1000
    blank_contrast: int = 50
    blank_mark_px: int = 6
    blank_min_marks: int = 3
    # Dark over more than this share of the thumbnail: not blank whatever
    # its blobs (a page of text is 3-8% dark there, a title page under 1%;
    # those are judged by their marks).
    blank_max_dark_share: float = 0.02
    # Images pdfium cannot decode covering this share of a scanned page make
    # it a page error (its scan is lost); smaller ones a page note.
    damaged_image_cover: float = 0.25
