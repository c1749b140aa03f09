"""The store of read documents (SQLAlchemy 2; SQLite or PostgreSQL; Alembic migrations).

    store = Store("sqlite:///archive.db")
    store.add(document, paths=["a.pdf"])
    store.correct(doc_id, "figures.income_total", "3369.63", who="li")
    frames = data_frames(store.entries())   # pipeline.export
"""

from pipeline.store.store import Corrected, StaleEdit, Store, StoreError

__all__ = ["Corrected", "StaleEdit", "Store", "StoreError"]
