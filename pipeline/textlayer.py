"""Text layers that lie, and what is done about them.

A PDF's text layer is what its producer says the glyphs are, and producers
say wrong things:

* radical code points for ideographs (⽀ for 支, ⻔ for 门): folded here,
  NFKC for Kangxi radicals and compatibility ideographs, a table
  (``configs/rules/radicals.yaml``) for the radicals supplement;
* a ToUnicode map shifted to neighbouring code points (mojibake): every
  character is CJK, so character classes do not catch it, but real
  Chinese prose is 99.8% GB2312 level-1 characters and a shifted text
  about 40%;
* an invisible text layer (render mode 3) over a page image: OCR a
  scanner made, possibly of another page or another document.

The statistics are only a first filter (``doubts``); a doubtful page is
judged by its image (``verify``): a few of its lines are rendered and
recognised, and the text layer is kept only where it says what the page
shows.  Each decision is a page note.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache
from pathlib import Path

from pipeline.cjk import is_cjk
from pipeline.config import CONFIG_DIR
from pipeline.model import Char, Page, PageNote, union_bbox
from pipeline.textlines import group_into_lines
from pipeline.yaml_data import load_yaml

RADICALS_FILE = CONFIG_DIR / "rules" / "radicals.yaml"

# A page with fewer CJK characters says too little for the statistics.
MIN_CJK_FOR_STATISTICS = 20
# Below this share of common characters the text layer is doubted.
MIN_COMMON_SHARE = 0.9
# Lines recognised to judge a doubtful page, and the agreement needed.
SAMPLE_LINES = 4
MIN_AGREEMENT = 0.6
VERIFY_DPI = 150


# Code points ``fold_char`` may change: radicals, compatibility ideographs.
_FOLDABLE = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")


def fold_char(ch: str, radicals: dict[str, str]) -> str:
    """The ideograph a radical or compatibility code point stands for, else ``ch``."""
    code = ord(ch)
    if 0x2F00 <= code <= 0x2FDF or 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F:
        return unicodedata.normalize("NFKC", ch)
    if 0x2E80 <= code <= 0x2EFF:
        return radicals.get(ch, ch)
    return ch


def fold_radicals(chars: list[Char], radicals_file: Path = RADICALS_FILE) -> int:
    """Fold every radical and compatibility code point in ``chars`` in
    place; the number folded."""
    if not _FOLDABLE.search("".join(char.text for char in chars)):
        return 0  # the usual case, found by one regex pass
    radicals = _radicals(radicals_file)
    folded = 0
    for char in chars:
        if len(char.text) == 1 and (ideograph := fold_char(char.text, radicals)) != char.text:
            char.text = ideograph
            folded += 1
    return folded


@cache
def _radicals(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {str(k): str(v) for k, v in (load_yaml(handle) or {}).items()}


@cache
def is_common(ch: str) -> bool:
    """Whether ``ch`` is one of the 3,755 GB2312 level-1 characters."""
    try:
        encoded = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7


def rare_share(chars: list[Char]) -> float | None:
    """Share of CJK characters outside GB2312 level 1; None with too few to tell."""
    cjk = [char.text for char in chars if is_cjk(char.text)]
    if len(cjk) < MIN_CJK_FOR_STATISTICS:
        return None
    return sum(1 for ch in cjk if not is_common(ch)) / len(cjk)


def verify(page: Page, scan_options) -> None:
    """Keep ``page``'s doubted text layer if its lines read the same on the
    page image; else send the page to OCR.  Either way a note says so."""
    from pipeline.ocr import get_engine
    from pipeline.preprocess import budget_dpi, pixels_to_points, render_page

    dpi = budget_dpi(page.width, page.height, VERIFY_DPI, scan_options.max_megapixels)
    image = render_page(page.file, page.number - 1, dpi)
    to_pixels = pixels_to_points(dpi).inverse()
    engine = get_engine(scan_options.engine, scan_options.ocr)
    scores = []
    for line in _sample_lines(page.chars):
        x0, y0, x1, y1 = to_pixels.bbox(union_bbox([char.bbox for char in line]))
        crop = image[max(0, int(y0) - 3) : int(y1) + 4, max(0, int(x0) - 3) : int(x1) + 4]
        if crop.size == 0:
            continue
        read, _ = engine.read_line(crop)
        layer = "".join(char.text for char in line)
        scores.append(similarity(layer, read.text))
    agreement = sum(scores) / len(scores) if scores else 0.0
    reasons = "; ".join(page.doubts)
    if agreement >= MIN_AGREEMENT:
        note = f"text layer doubted ({reasons}) but matches the page image ({agreement:.0%} of sampled text): kept"
        page.notes.append(PageNote(page=page.number, kind="text_layer_verified", message=note))
        return
    note = f"text layer distrusted ({reasons}; {agreement:.0%} agreement with the page image): read by OCR"
    page.notes.append(PageNote(page=page.number, kind="text_layer_replaced", message=note))
    page.source = "ocr"
    page.chars = []
    page.rules = []


def similarity(first: str, second: str) -> float:
    """How alike two texts are, 0..1, whitespace aside."""
    a, b = "".join(first.split()), "".join(second.split())
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _sample_lines(chars: list[Char]) -> list[list[Char]]:
    """The longest lines of the page (by CJK characters), at most SAMPLE_LINES."""
    lines = [line for line in group_into_lines(chars) if any(is_cjk(char.text) for char in line)]
    lines.sort(key=lambda line: -sum(is_cjk(char.text) for char in line))
    return [line[:40] for line in lines[:SAMPLE_LINES]]
