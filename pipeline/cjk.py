"""The one definition of which characters are Chinese (CJK ideographs).

Every rule, regex and text-layer test draws on these: the unified
ideographs with extension A, and the compatibility ideographs (which NFKC
folds, see ``pipeline.textlayer``, but which a regex may still meet).
"""

from __future__ import annotations

# For a regex character class: f"[{CJK_CLASS}]".
CJK_CLASS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

def is_cjk(ch: str) -> bool:
    """Whether ``ch`` (one character) is a CJK ideograph (the ranges of ``CJK_CLASS``)."""
    code = ord(ch)
    # Spelled out, not looped over a table: ingest asks this of every character.
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF
