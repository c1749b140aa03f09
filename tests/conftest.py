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
