"""The batch on a local Ray instance: documents as tasks, a long document as
page tasks and an assembly, results in the same store and the same as the
local engine's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipeline.batch.plan import file_id
from pipeline.batch.ray_engine import PAGES_PER_TASK
from pipeline.outcome import ExitCode
from pipeline.store import Store

ROOT = Path(__file__).resolve().parents[1]
LONG = ROOT / "scans" / "seed-000-born-digital.pdf"
SHORT = ROOT / "scans" / "synthetic-0003-born-digital.pdf"


def _without_timings(document) -> dict:
    payload = document.to_json()
    payload["document"].pop("timings")
    return payload


def test_a_batch_on_ray_gives_what_the_local_engine_gives(tmp_path: Path, pipeline) -> None:
    assert pipeline.run(LONG).document.pages > PAGES_PER_TASK  # read as page tasks on Ray
    url = f"sqlite:///{tmp_path / 'ray.db'}"
    not_a_pdf = tmp_path / "broken.pdf"
    not_a_pdf.write_bytes(b"%PDF-1.7\n nothing else")
    result = subprocess.run(
        [sys.executable, "run.py", "batch", str(LONG), str(SHORT), str(not_a_pdf), "--db", url,
         "--engine", "ray", "--workers", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == ExitCode.input_failed, result.stderr
    assert f"error: {not_a_pdf}:" in result.stderr
    assert "batch: 2 done (0 partial), 0 skipped (already in the store), 1 failed" in result.stderr
    with Store(url) as store:
        for path in (LONG, SHORT):
            stored = store.document(file_id(path))
            assert _without_timings(stored) == _without_timings(pipeline.run(path)), path
