"""The characters of a page's text layer, and whether they are text at all."""

from __future__ import annotations

import ctypes

import pypdfium2.raw as pdfium_c

from pipeline.cjk import is_cjk
from pipeline.ingest.frame import PageFrame
from pipeline.ingest.options import IngestOptions
from pipeline.model import Char


def read_chars(raw_page, frame: PageFrame) -> tuple[list[Char], int]:
    """Visible chars with loose boxes (font ascent to descent, so every char
    of a line shares its vertical extent) and the count of unmappable ones."""
    text_page = pdfium_c.FPDFText_LoadPage(raw_page)
    if not text_page:
        return [], 0
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    get_size = pdfium_c.FPDFText_GetFontSize
    has_map_error = pdfium_c.FPDFText_HasUnicodeMapError
    rect = pdfium_c.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    chars: list[Char] = []
    unmapped = 0
    try:
        for i in range(pdfium_c.FPDFText_CountChars(text_page)):
            code = get_unicode(text_page, i)
            # Whitespace (pdfium's generated spaces and line breaks included)
            # is dropped: spacing is decided from geometry in textlines.
            if code <= 0x20 or code in (0xA0, 0x3000, 0xFEFF) or 0x2000 <= code <= 0x200B:
                continue
            if 0xD800 <= code <= 0xDFFF:  # half a surrogate pair: no character, and no valid UTF-8
                unmapped += 1
                continue
            if has_map_error(text_page, i) == 1:
                unmapped += 1
            get_box(text_page, i, rect_ref)
            chars.append(
                Char(
                    text=chr(code),
                    bbox=frame.box(rect.left, rect.bottom, rect.right, rect.top),
                    size=get_size(text_page, i),
                )
            )
    finally:
        pdfium_c.FPDFText_ClosePage(text_page)
    return chars, unmapped


def usable_text_layer(chars: list[Char], options: IngestOptions | None = None, unmapped: int = 0) -> bool:
    """Whether a page's chars are real text rather than a scan's stray
    characters or mojibake; ``unmapped`` counts glyphs pdfium could not map."""
    options = options or IngestOptions()
    if len(chars) < options.min_chars:
        return False
    return plausible_count(chars, options) - unmapped >= options.min_plausible_share * len(chars)


def plausible_count(chars: list[Char], options: IngestOptions) -> int:
    """How many of ``chars`` are of a class a Chinese report is written in."""
    counts = {"cjk": 0, "plain": 0, "latin": 0, "bad": 0}
    for char in chars:
        counts[_char_class(char.text)] += 1
    n = len(chars)
    plausible = counts["cjk"] + counts["plain"]
    # A Chinese report whose page reads as pure Latin is the classic symptom
    # of a font with a broken ToUnicode map, so letters only count beside CJK.
    if counts["cjk"] >= options.min_cjk_share_for_latin * n:
        plausible += counts["latin"]
    return plausible


def _char_class(ch: str) -> str:
    """Class of a char: "cjk", "plain" (digits, punctuation), "latin" (letters) or "bad"."""
    if is_cjk(ch):
        return "cjk"
    code = ord(ch)
    if ch.isascii():
        if ch.isalpha():
            return "latin"
        return "plain" if ch.isprintable() else "bad"
    if 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF:
        return "plain"  # CJK punctuation, full-width forms
    if 0x2000 <= code <= 0x2BFF:
        return "plain"  # general punctuation, arrows, maths, ①, ■
    if 0xFE30 <= code <= 0xFE4F or code in (0x00B7, 0x00D7, 0x00F7, 0x00B0, 0x00B1):
        return "plain"
    return "bad"  # private use, replacement char, controls, stray scripts
