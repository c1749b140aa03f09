"""spaCy, imported without its command line: the one place the project imports it.

``import spacy`` runs ``from .cli.info import info`` (spaCy 3.8), which
imports every CLI command and with them requests, httpx, weasel and typer:
about 0.2 s of every process's start-up, a fifth of a one-page
``run.py extract``, for code the pipeline never calls.  spaCy itself made
``spacy.info`` load the CLI lazily (explosion/spaCy#12962) and took it back
only because ``spacy.cli`` stopped being an attribute of the package
(#13721 brings it back with a module ``__getattr__``).  Until a release
has it, the two CLI modules are stand-ins while ``spacy`` is imported and
are removed right after, so a later ``import spacy.cli`` imports the real
one, and ``spacy.info()`` imports it on its first call.  What differs from
a plain ``import spacy``: ``spacy.cli`` is not an attribute of the package
until something imports it.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

_STAND_INS = ("spacy.cli", "spacy.cli.info")


def _info(*args: Any, **kwargs: Any) -> Any:
    from spacy.cli.info import info

    return info(*args, **kwargs)


def _import_spacy() -> ModuleType:
    if "spacy" in sys.modules:  # imported before us, CLI and all: nothing to save
        return sys.modules["spacy"]
    stand_ins = {name: ModuleType(name) for name in _STAND_INS}
    stand_ins["spacy.cli.info"].info = _info
    sys.modules.update(stand_ins)
    try:
        import spacy
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    return spacy


spacy = _import_spacy()

# What the project uses of spaCy, imported after the package is in place.
from spacy.language import Language  # noqa: E402
from spacy.matcher import PhraseMatcher  # noqa: E402
from spacy.util import filter_spans  # noqa: E402

blank = spacy.blank

__all__ = ["Language", "PhraseMatcher", "blank", "filter_spans", "spacy"]
