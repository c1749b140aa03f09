"""CJK fonts for the corpus renderer: registration and glyph coverage.

A character the chosen font has no glyph for would be drawn as an empty box
(or dropped from the text layer), so the PDF would no longer say what the
truth file says.  Every text is therefore checked against the font's cmap
before it is drawn, and falls back to 宋体 (which covers all the corpus uses).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path("/usr/share/fonts/truetype")
FALLBACK = "song"


@dataclass(frozen=True)
class FontFile:
    path: Path
    subfont: int = 0  # index inside a .ttc collection


# Font key (Style.font, Style.heading_font) -> file.  cwfs (仿宋) is a
# traditional-Chinese font: most simplified texts fall back to song.
FONT_FILES: dict[str, FontFile] = {
    "song": FontFile(FONT_DIR / "arphic-gbsn00lp" / "gbsn00lp.ttf"),
    "kai": FontFile(FONT_DIR / "arphic-gkai00mp" / "gkai00mp.ttf"),
    "fangsong": FontFile(FONT_DIR / "cwtex" / "cwfs.ttf"),
    "hei": FontFile(FONT_DIR / "wqy" / "wqy-zenhei.ttc", subfont=0),
    "ming": FontFile(FONT_DIR / "arphic" / "uming.ttc", subfont=0),
    "ukai": FontFile(FONT_DIR / "arphic" / "ukai.ttc", subfont=0),
}


def reportlab_name(key: str) -> str:
    """The name a font key is registered under with reportlab."""
    return f"corpus-{key}"


@cache
def _load(key: str) -> TTFont:
    """Register one font with reportlab (once per process) and return it."""
    file = FONT_FILES[key]
    font = TTFont(reportlab_name(key), str(file.path), subfontIndex=file.subfont)
    pdfmetrics.registerFont(font)
    return font


def register_fonts(keys: list[str] | None = None) -> list[str]:
    """Register ``keys`` (default: all) with reportlab; returns their reportlab names."""
    return [_load(key).fontName for key in (keys or list(FONT_FILES))]


def missing_glyphs(key: str, text: str) -> set[str]:
    """Characters of ``text`` (whitespace aside) that font ``key`` cannot draw."""
    cmap = _load(key).face.charToGlyph
    return {ch for ch in text if not ch.isspace() and ord(ch) not in cmap}


def font_for(key: str, text: str) -> str:
    """Reportlab font name to draw ``text`` with: ``key`` if it covers every
    character, else the fallback, which must cover it."""
    if not missing_glyphs(key, text):
        return reportlab_name(key)
    missing = missing_glyphs(FALLBACK, text)
    if missing:
        raise ValueError(f"no corpus font can draw {''.join(sorted(missing))!r}")
    return reportlab_name(FALLBACK)
