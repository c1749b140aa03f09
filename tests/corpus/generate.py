"""Write corpus reports: ``NAME.pdf`` and ``NAME.truth.json`` side by side.

    .venv/bin/python -m tests.corpus.generate --out /tmp/corpus --seeds 1 2 3

Each seed gives a 部门决算公开说明 and, with ``--kinds`` naming it, a
整体支出绩效自评报告 as well.  With ``--seeds-dir`` the real report texts are
converted too (``tests/corpus/seeds.py``).  The same seed always gives
byte-identical files.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from tests.corpus.render import render
from tests.corpus.spec import ReportSpec
from tests.corpus.synthetic import KINDS, make_report


def write_report(spec: ReportSpec, out_dir: Path) -> Path:
    """Render ``spec`` into ``out_dir`` (made if missing); the truth gains the layout's page facts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf = out_dir / f"{spec.name}.pdf"
    info = render(spec, pdf)
    truth = {**spec.truth, "pages": info.pages, "table_pages": info.table_pages}
    pdf.with_suffix(".truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return pdf


def generate(
    out_dir: str | Path,
    seeds: Sequence[int],
    kinds: Sequence[str] = ("final_account",),
    seeds_dir: str | Path | None = None,
    statements: bool = True,
) -> list[Path]:
    """Write one report per seed and kind (and per seed document in ``seeds_dir``); returns the PDFs.
    ``statements=False`` leaves the nine 决算报表 out (the scan benchmarks of the narrative and forms)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    specs = [make_report(seed, kind, statements) for seed in seeds for kind in kinds]
    if seeds_dir is not None:
        from tests.corpus.seeds import seed_specs  # the converter of the real report texts

        specs += seed_specs(Path(seeds_dir))
    return [write_report(spec, out) for spec in specs]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate corpus PDFs with truth files.")
    parser.add_argument("--out", required=True, type=Path, help="output folder")
    parser.add_argument("--seeds", required=True, type=int, nargs="+", help="one report per seed (and kind)")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=["final_account"], help="report kinds")
    parser.add_argument("--seeds-dir", type=Path, help="also convert the real report texts in this folder")
    parser.add_argument("--no-statements", action="store_true", help="leave the nine 决算报表 out")
    args = parser.parse_args(argv)
    for pdf in generate(args.out, args.seeds, args.kinds, args.seeds_dir, statements=not args.no_statements):
        print(pdf)


if __name__ == "__main__":
    main()
