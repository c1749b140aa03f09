"""The package installs: a wheel carries configs/ and models/ as package data,
and the installed ``budgetdoc`` command reads a PDF from any folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a wheel and installed (without its dependencies,
    which this environment has) into a folder of its own."""
    work = tmp_path_factory.mktemp("install")
    # Built from a copy of what git tracks, so no build/ folder of the
    # checkout (stale modules included) is used or left behind.
    source = work / "source"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in tracked.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(work), str(source)],
        capture_output=True,
        text=True,
        cwd=work,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = work.glob("budgetdoc-*.whl")
    target = work / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    return target


def _run(target: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(target)}
    return subprocess.run(list(args), capture_output=True, text=True, cwd=cwd, env=environment, timeout=300)


def test_configs_and_models_come_from_the_installed_package(installed: Path, tmp_path: Path) -> None:
    probe = "import pipeline.config as c; print(c.CONFIG_DIR); print(c.resolve_path('models/calibration.json'))"
    result = _run(installed, sys.executable, "-c", probe, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    config_dir, calibration = result.stdout.split()
    assert Path(config_dir) == installed / "pipeline" / "configs"
    assert Path(calibration).is_file() and Path(calibration).is_relative_to(installed)
    assert (installed / "pipeline" / "configs" / "rules" / "figures.yaml").is_file()


def test_the_budgetdoc_command_reads_a_pdf_from_another_folder(installed: Path, tmp_path: Path) -> None:
    demo = ROOT / "scans" / "synthetic-0003-born-digital.pdf"
    result = _run(installed, str(installed / "bin" / "budgetdoc"), "extract", str(demo), "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"ok: {demo} -> out/synthetic-0003-born-digital.json (13 pages, 72 figures")


def test_the_installed_package_migrates_a_store_and_exports_it(installed: Path, tmp_path: Path) -> None:
    """The Alembic migrations travel inside the wheel: batch and export work from it."""
    demo = ROOT / "scans" / "synthetic-0003-born-digital.pdf"
    command = str(installed / "bin" / "budgetdoc")
    batch = _run(installed, command, "batch", str(demo), "--db", "sqlite:///archive.db", cwd=tmp_path)
    assert batch.returncode == 0, batch.stderr
    assert "batch: 1 done (0 partial)" in batch.stderr
    export = _run(
        installed, command, "export", "--db", "sqlite:///archive.db", "--format", "csv", "--out", "tables",
        "--include-unreviewed", cwd=tmp_path,
    )  # fmt: skip
    assert export.returncode == 0, export.stderr
    assert (tmp_path / "tables" / "figures.csv").read_text(encoding="utf-8-sig").count("\n") == 73


def test_the_review_app_serves_its_pages_from_the_installed_package(installed: Path, tmp_path: Path) -> None:
    """Its templates and static files travel inside the wheel."""
    probe = (
        "from fastapi.testclient import TestClient; from pipeline.review import create_app; "
        "c = TestClient(create_app('sqlite:///archive.db')); "
        "print(c.get('/login').status_code, c.get('/static/queue.js').status_code)"
    )
    result = _run(installed, sys.executable, "-c", probe, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "200"]
    assert (installed / "pipeline" / "review" / "templates" / "queue.html").is_file()
