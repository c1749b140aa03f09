"""Exports of finished documents.  JSON (the ``budgetdoc/1`` contract) for now."""

from __future__ import annotations

import json
from pathlib import Path

from .model import Document


def write_json(document: Document, out_dir: str | Path, stem: str) -> Path:
    """Write ``out_dir/stem.json``; the directory is created if needed."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{stem}.json"
    payload = json.dumps(document.to_json_dict(), ensure_ascii=False, indent=1)
    target.write_text(payload + "\n", encoding="utf-8")
    return target
