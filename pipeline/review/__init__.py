"""The correction queue as a web app (FastAPI): a person confirms or corrects
what the machine is unsure of, with the page in front of them.

    budgetdoc users add li --role reviewer --db sqlite:///archive.db   # password on stdin
    budgetdoc review --db sqlite:///archive.db --port 8000

``create_app(store)`` is the application (``app.py``); ``queue`` orders,
leases and answers items; ``auth`` holds users, sessions and the login
limit; ``images`` renders pages and crops from the stored PDFs;
``sampling`` draws spot checks of auto fields and measures their error
rate; ``labelstudio`` exports and imports Label Studio OCR tasks;
``documents`` gives the document view and the audit trail.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # FastAPI is imported when the app is made, not by every command of the CLI.
    if name == "create_app":
        from pipeline.review.app import create_app

        return create_app
    raise AttributeError(f"module 'pipeline.review' has no attribute {name!r}")
