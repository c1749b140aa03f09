"""Issue 10's archive run: 200 generated reports (born-digital and scanned,
both genres) mixed with the hostile files and duplicates, read by
``run.py batch``, killed with SIGKILL part-way, run again to the end, then
exported; each claim is checked and printed.

    .venv/bin/python -m benchmarks.archive_batch [--reports 200] [--scanned 20] [--workers 2] [--kill-after 60]

Checks: every bad file is named on stderr; the store holds each distinct
file exactly once with every name it has; the rerun after the kill finishes
the batch; the xlsx export read back by openpyxl has the rows the tables
have.  Seeds 84001+ (never used for tuning).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pikepdf

from pipeline.batch.plan import file_id
from pipeline.export import TABLES, data_frames
from pipeline.store import Store
from tests import hostile
from tests.corpus.degrade import scan_preset
from tests.corpus.generate import generate

ROOT = Path(__file__).resolve().parents[1]


def build_archive(folder: Path, reports: int, scanned: int) -> tuple[list[Path], dict[str, Path]]:
    """The archive's good files and its bad ones (name -> path)."""
    pairs = (reports - scanned + 1) // 2
    born = generate(folder / "gen", range(84001, 84001 + pairs), kinds=("final_account", "overall_performance_report"))
    born = born[: reports - scanned]
    archive = folder / "archive"
    good = []
    for i, report in enumerate(born):
        target = archive / f"{2020 + i % 5}" / report.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(report, target)
        good.append(target)
    for i, report in enumerate(born[:scanned]):
        target = archive / "scanned" / f"{report.stem}-scan.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        preset = ("200dpi-seal-skew-noise", "150dpi-jpeg", "300dpi-bitonal-g4", "300dpi-clean")[i % 4]
        scan_preset(report, target, preset, pages=[0, 1])
        good.append(target)
    for i, report in enumerate(born[:5]):
        copy = archive / "copies" / f"copy-{i}.pdf"
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(report, copy)
    bad_folder = archive / "bad"
    bad_folder.mkdir()
    first = born[0]
    bad = {
        "zero pages": hostile.zero_pages(bad_folder / "zero-pages.pdf"),
        "damaged mid-file": hostile.damaged_middle(born[1], bad_folder / "damaged.pdf"),
        "radical code points": hostile.kangxi_text_layer(first, bad_folder / "kangxi.pdf"),
        "blank page": hostile.with_blank_page(first, bad_folder / "blank-page.pdf"),
        "padding after EOF": hostile.padded_after_eof(first, bad_folder / "padded.pdf"),
    }
    (bad_folder / "not-a-pdf.pdf").write_bytes(b"<html>saved error page</html>")
    (bad_folder / "empty.pdf").write_bytes(b"")
    (bad_folder / "truncated.pdf").write_bytes(first.read_bytes()[:5000])
    with pikepdf.open(first) as pdf:
        pdf.save(bad_folder / "encrypted.pdf", encryption=pikepdf.Encryption(user="secret", owner="secret"))
    for name in ("not-a-pdf", "empty", "truncated", "encrypted"):
        bad[name] = bad_folder / f"{name}.pdf"
    return good, bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--scanned", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-after", type=float, default=60.0, help="seconds before the SIGKILL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archive-batch-") as temporary:
        folder = Path(temporary)
        started = time.perf_counter()
        good, bad = build_archive(folder, args.reports, args.scanned)
        print(f"archive: {len(good)} reports, 5 duplicates, {len(bad)} hostile files "
              f"({time.perf_counter() - started:.0f} s to make)")  # fmt: skip
        url = f"sqlite:///{folder / 'archive.db'}"
        command = [sys.executable, str(ROOT / "run.py"), "batch", str(folder / "archive"), "--db", url,
                   "--workers", str(args.workers)]  # fmt: skip
        first = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(args.kill_after)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        with Store(url) as store:
            before = len(store.finished())
        print(f"kill -9 after {args.kill_after:.0f} s: {before} documents in the store")
        started = time.perf_counter()
        rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        print(f"rerun: exit {rerun.returncode}, {time.perf_counter() - started:.0f} s; "
              f"{rerun.stderr.strip().splitlines()[-1] if rerun.stderr.strip() else ''}")  # fmt: skip
        print(next(line for line in rerun.stderr.splitlines() if line.startswith("batch:")))
        stated = {line.split(": ")[1] for line in rerun.stderr.splitlines() if line.startswith(("error:", "partial:"))}
        with Store(url) as store:
            held = store.finished()
            distinct = {file_id(path) for path in [*good, *bad.values()]}
            unnamed = [name for name, path in bad.items() if store.status(file_id(path)) not in ("complete",)
                       and str(path) not in stated and file_id(path) not in held]  # fmt: skip
            print(f"store: {len(held)} documents for {len(distinct)} distinct files; exactly once each: "
                  f"{held == distinct}")  # fmt: skip
            copies = [store.paths(file_id(good[i])) for i in range(5)]
            print(f"duplicates: both names recorded for {sum(len(p) == 2 for p in copies)}/5")
            for name, path in bad.items():
                status = store.status(file_id(path))
                print(f"  {name:22s} {status:9s} named on stderr: {str(path) in stated or status == 'complete'}")
            print(f"bad files neither read nor named: {unnamed or 'none'}")
            frames = data_frames(store.entries(include_unreviewed=True))
        workbook = folder / "tables.xlsx"
        subprocess.run([sys.executable, str(ROOT / "run.py"), "export", "--db", url, "--format", "xlsx",
                        "--out", str(workbook), "--include-unreviewed"], cwd=ROOT, check=True, capture_output=True)
        from openpyxl import load_workbook

        sheets = load_workbook(workbook, read_only=True)
        rows = {name: sheets[name].max_row - 1 for name in TABLES}
        expected = {name: len(frames[name]) for name in TABLES}
        print(f"xlsx rows as the tables: {rows == expected}  {rows}")


if __name__ == "__main__":
    main()
