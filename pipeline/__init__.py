"""Budget-report PDFs to verified ``budgetdoc/1`` records.

    import pipeline
    doc = pipeline.extract("x.pdf")          # a Document (pipeline/flow.py, configs/default.yaml)
    doc.to_json()                            # the budgetdoc/1 contract as a dict
    doc.to_pandas()                          # {"figures": DataFrame, ...}, the export tables
    pipeline.Store("sqlite:///archive.db").add(doc)

``extract(path, config)`` takes the config as a YAML path or as a mapping of
the same sections, laid over the embedded defaults.  It raises
``InputError`` (a file that is not a readable PDF; ``IngestError`` is the
kind ingest raises) and ``ConfigError`` (a bad option or engine name); a
page that fails is recorded in ``page_errors`` instead.

Names are resolved on first use, so that ``import pipeline`` stays light: the
flow loads spaCy and the OCR engines, the store SQLAlchemy.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import ConfigError
    from .ingest import IngestError
    from .model import Document
    from .stages import InputError
    from .store import Store

__all__ = ["ConfigError", "Document", "IngestError", "InputError", "Store", "extract"]

_LAZY = {
    "ConfigError": "pipeline.config",
    "Document": "pipeline.model",
    "IngestError": "pipeline.ingest",
    "InputError": "pipeline.stages",
    "Store": "pipeline.store",
}


def extract(path: str | Path, config: str | Path | Mapping[str, Any] | None = None) -> Document:
    """Read one PDF and return its document record."""
    from .config import load_config
    from .flow import Pipeline

    return Pipeline.from_config(load_config(config)).run(path)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
