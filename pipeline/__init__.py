"""Budget-report PDFs to verified ``budgetdoc/1`` records.

``process(path)`` runs the whole flow (``pipeline/flow.py``) with the embedded
defaults in ``configs/default.yaml``.  (The name is not ``extract`` because
``pipeline.extract`` is the Chinese-rules stage.)
"""

from __future__ import annotations

from pathlib import Path

from .model import Document

__all__ = ["Document", "process"]


def process(path: str | Path, config_path: str | Path | None = None) -> Document:
    """Read one PDF and return its document record."""
    # Imported here so that `import pipeline.model` stays light: the flow loads spaCy.
    from .config import load_config
    from .flow import Pipeline

    return Pipeline.from_config(load_config(config_path)).run(path)
