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
    # A page whose text is mostly invisible (render mode 3) and whose images
    # cover this share of it is a scan with an OCR layer: doubted.
    invisible_image_cover: float = 0.5
    # An image page whose thumbnail has fewer dark pixels than this share is blank.
    blank_ink_share: float = 0.0003
    blank_thumbnail_px: int = 600  # longest side of the thumbnail tested for ink
