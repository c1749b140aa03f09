"""The nine 决算报表: statement cell F1 per regional layout, and the checks.

    .venv/bin/python -m benchmarks.statements [--split tuning|held-out|unseen] [--n 10] [--scan 200dpi-seal-skew-noise]

For each report of the split (tuning: seeds 1…, the ones looked at while
writing the reader; held-out: seeds 72001…, held out at first but looked at
since their first run informed fixes; unseen: seeds 74001…, kept back from
all of that):

* born-digital: F1 of ``statements`` (cells, codes, names, titles) and of
  figures, items and class totals, per regional layout (urumqi, national),
  and whether all nine statements were found;
* checks: the share of consistent reports with a failed check (false
  alarms), and the share of injected inconsistencies caught, per kind
  (``tests/corpus/inconsistency.py``);
* ``--scan PRESET``: statement F1 on the statement pages scanned at a
  degradation preset (``tests/corpus/degrade.py``), per layout.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from collections import defaultdict
from pathlib import Path

from pipeline.evaluate import Evaluation, evaluate, summarise
from pipeline.flow import Pipeline
from tests.corpus.degrade import PRESETS, scan_preset
from tests.corpus.generate import write_report
from tests.corpus.inconsistency import KINDS, caught, inject
from tests.corpus.statement_tables import region_of, statement_pages
from tests.corpus.synthetic import make_report

SPLITS = {"tuning": 1, "held-out": 72001, "unseen": 74001}
SECTIONS = ("statements", "figures", "expenditure_items", "class_totals")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="held-out")
    parser.add_argument("--n", type=int, default=10, help="reports")
    parser.add_argument("--scan", choices=sorted(PRESETS), help="also scan the statement pages at this preset")
    args = parser.parse_args()
    seeds = [SPLITS[args.split] + i for i in range(args.n)]
    pipeline = Pipeline.from_config()
    by_region: dict[str, list[Evaluation]] = defaultdict(list)
    scanned: dict[str, list[Evaluation]] = defaultdict(list)
    found_all, alarms, caught_by_kind = 0, 0, defaultdict(lambda: [0, 0])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for seed in seeds:
            pdf = write_report(make_report(seed), out)
            truth = json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))
            document = pipeline.run(pdf)
            layout = region_of(seed)
            by_region[layout].append(evaluate(document, truth))
            found_all += len(document.statements) == len(truth["statements"]) == 9
            alarms += any(not c.passed for c in document.checks)
            for kind in KINDS:
                spec = make_report(seed)
                spec.name = f"{spec.name}-{kind}"
                if inject(spec, kind, random.Random(f"{seed}/{kind}")):
                    tally = caught_by_kind[kind]
                    tally[0] += caught(pipeline.run(write_report(spec, out)), spec.truth["injected"][0])
                    tally[1] += 1
            if args.scan:
                pages = statement_pages(seed, truth)
                image = scan_preset(pdf, out / f"{pdf.stem}-scan.pdf", args.scan, seed=seed, pages=pages)
                scanned[layout].append(evaluate(pipeline.run(image), {"statements": truth["statements"]}))
                print(f"  scanned statements F1 {scanned[layout][-1].scores()['statements'].f1:.4f}", flush=True)
            print(f"seed {seed} ({layout}) done", flush=True)
    print(f"\n## {args.split} split, {len(seeds)} reports (seeds {seeds[0]}–{seeds[-1]})\n")
    print("| layout | reports | " + " | ".join(f"{s} F1" for s in SECTIONS) + " |")
    print("|---|---|" + "---|" * len(SECTIONS))
    for layout, evaluations in sorted(by_region.items()):
        scores = summarise(evaluations).scores()
        print(f"| {layout} | {len(evaluations)} | " + " | ".join(f"{scores[s].f1:.4f}" for s in SECTIONS) + " |")
    print(f"\nall nine statements found: {found_all}/{len(seeds)} reports")
    print(f"consistent reports with a failed check: {alarms}/{len(seeds)}")
    total = [sum(t[0] for t in caught_by_kind.values()), sum(t[1] for t in caught_by_kind.values())]
    print(f"injected inconsistencies caught: {total[0]}/{total[1]}")
    for kind, (hit, n) in sorted(caught_by_kind.items()):
        print(f"  {kind}: {hit}/{n}")
    if args.scan:
        print(f"\nstatement F1 on the statement pages scanned at {args.scan}:")
        for layout, evaluations in sorted(scanned.items()):
            score = summarise(evaluations).scores()["statements"]
            print(f"  {layout}: {score.f1:.4f} (tp {score.tp}, fp {score.fp}, fn {score.fn})")


if __name__ == "__main__":
    main()
