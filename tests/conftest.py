"""Shared fixtures: the pipeline (built once) and a generated corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS_DIR = SHARED / "seeds"


@pytest.fixture(scope="session")
def pipeline():
    from pipeline.flow import Pipeline

    return Pipeline.from_config()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS_DIR.is_dir():
        pytest.fail(f"{SEEDS_DIR} is missing: the tests need ../shared beside the checkout")
    return SEEDS_DIR


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server (tests/postgres.py) for the whole session: its URL."""
    from tests import postgres

    with postgres.server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path: Path) -> str:
    """An empty store: a SQLite file, then a database on the real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.db'}"
    from tests import postgres

    name = f"store_{abs(hash(request.node.nodeid)) % 10**9}"
    return postgres.new_database(request.getfixturevalue("postgres_server"), name)
