"""Report on the dumps of ``benchmarks/scan_space.py``: held-out beside tuned.

Prints, for each split: F1 per section; tables found; F1 per bin of every
damage factor (a table, and with ``--plots DIR`` one PNG per factor); and
the confidence calibration fitted on the tuning split only (per page source
and field kind) judged on both: a reliability table per region, and the
share wrong among fields at calibrated confidence >= 0.95 per region and
per factor bin.  ``--write-calibration`` stores that fit.

    .venv/bin/python benchmarks/space_report.py /tmp/space/tuning.jsonl /tmp/space/held-out.jsonl \\
        [--plots docs/space] [--write-calibration models/calibration.json] [--markdown docs/space/report.md]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import itertools

from pipeline.confidence import (
    POOR_SCAN,
    Calibration,
    PageGrade,
    calibration_for,
    fit_calibrations,
    read_calibration_file,
    save_calibrations,
)
from pipeline.evaluate import SECTIONS, Score
from tests.corpus.space import FACTORS

SPLITS = ("tuning", "held-out")
THRESHOLD = 0.95
FAILED_CHECK_FACTOR = 0.5  # configs/default.yaml confidence.failed_check_factor
RELIABILITY_BINS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0001)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dumps", type=Path, nargs="+")
    parser.add_argument("--plots", type=Path, help="folder for one PNG per factor")
    parser.add_argument("--markdown", type=Path, help="also write the tables as Markdown here")
    parser.add_argument("--write-calibration", type=Path, help="store the tuning fit (keeps other sources' maps)")
    args = parser.parse_args()
    lines = [json.loads(line) for dump in args.dumps for line in dump.read_text(encoding="utf-8").splitlines()]
    fields = [line for line in lines if line["type"] == "field"]
    documents = [line for line in lines if line["type"] == "document"]
    grade = PageGrade()
    for record in fields:
        record["source"] = calibration_source(record, grade)
    calibrations = fit(r for r in fields if r["split"] == "tuning")
    for record in fields:
        record["calibrated"] = calibrated(record, calibrations)

    out: list[str] = []
    out += _documents_table(documents)
    out += _sections_table(fields)
    out += _factor_tables(fields, args.plots)
    out += _reliability_tables(fields)
    out += _grade_choice(fields)
    text = "\n".join(out)
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text + "\n", encoding="utf-8")
    if args.write_calibration:
        kept = {k: v for k, v in read_calibration_file(args.write_calibration)[0].items() if not k.startswith("ocr")}
        target = args.write_calibration
        earlier = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
        seeds = sorted({d["seed"] for d in documents if d["split"] == "tuning"})
        counts = {**earlier.get("fields", {}), **{
            source: sum(1 for r in fields if r["split"] == "tuning" and r["confidence"] is not None
                        and r["source"] == source) for source in ("ocr", POOR_SCAN)}}
        save_calibrations(args.write_calibration, {**kept, **calibrations}, grade,
                          fitted_on={"ocr": f"scans of tuning seeds {seeds} across the damage space "
                                            "(benchmarks/scan_space.py)",
                                     "text": _text_fitted_on(earlier.get("fitted_on"))},
                          fields=counts)


def _text_fitted_on(earlier: dict | str | None) -> str:
    """What the kept text-layer maps were fitted on, from the file's record
    (a mapping per source; a string in files written before that)."""
    if isinstance(earlier, dict):
        return earlier.get("text", "identity")
    # "ocr: …; text: <benchmarks/calibrate.py's>", whose text maps were fitted on "seeds […]"
    return earlier.rsplit("text: ", 1)[-1].split(", scans of", 1)[0] if earlier else "identity"


# --------------------------------------------------------------------------
# Calibration: fitted on tuning fields only
# --------------------------------------------------------------------------


def calibration_source(record: dict, grade: PageGrade | None) -> str:
    """The page source a field is calibrated as (``confidence.grade_pages``)."""
    source = record["page_source"] or "ocr"
    if grade is None:
        return source
    if record.get("doubtful_below", grade.below) != grade.below:
        raise SystemExit(f"dump graded at {record['doubtful_below']}, the grade wants {grade.below}: run it again")
    return grade.source(source, record.get("doubtful"))


def fit(records: Iterable[dict]) -> dict[str, Calibration]:
    return fit_calibrations(
        (r["source"], r["kind"], r["confidence"], r["correct"])
        for r in records
        if r["confidence"] is not None and r["page_source"] is not None
    )


def calibrated(record: dict, calibrations: dict[str, Calibration]) -> float | None:
    if record["confidence"] is None:
        return None
    value = calibration_for(calibrations, record["source"], record["kind"])(record["confidence"])
    return value * FAILED_CHECK_FACTOR if record["in_failed_check"] else value


def _grade_choice(fields: list[dict]) -> list[str]:
    """How the poor-scan share was chosen: on the tuning split alone, each
    report's fields calibrated by maps fitted on the other reports."""
    tuning = [dict(r) for r in fields if r["split"] == "tuning" and r["confidence"] is not None]
    seeds = sorted({r["seed"] for r in tuning})
    out = ["## Choosing the poor-scan grade (tuning split only, leave one report out)", "",
           f"A page is a poor scan when at least this share of its characters was read under "
           f"{PageGrade.below:g}.", "",
           "| poor-scan share | fields >= 0.95 | wrong | share wrong | worst factor bin (>= 100 fields) |",
           "|---|---|---|---|---|"]
    for share in (None, 0.15, 0.2, 0.25, 0.3, 0.35):
        grade = PageGrade(share=share) if share is not None else None
        for record in tuning:
            record["source"] = calibration_source(record, grade)
        for seed in seeds:
            calibrations = fit(r for r in tuning if r["seed"] != seed)
            for record in tuning:
                if record["seed"] == seed:
                    record["calibrated"] = calibrated(record, calibrations)
        sure = [r for r in tuning if r["calibrated"] >= THRESHOLD]
        wrong = sum(not r["correct"] for r in sure)
        share_wrong, n, name, value = _worst_bins(sure, minimum=100)[0]
        out.append(f"| {share if share is not None else 'no grade'} | {len(sure)} of {len(tuning)} | {wrong} | "
                   f"{wrong / max(1, len(sure)):.4f} | {name} {value}: {share_wrong:.4f} of {n} |")
    return [*out, ""]


def _worst_bins(sure: list[dict], minimum: int = 1) -> list[tuple[float, int, str, str]]:
    """(share wrong, fields, factor, bin) of every factor bin among ``sure`` fields, worst first."""
    worst = []
    for factor in FACTORS:
        for value in {r["bins"].get(factor.name) for r in sure if r["bins"]}:
            mine = [r for r in sure if r["bins"].get(factor.name) == value]
            if len(mine) >= minimum:
                worst.append((sum(not r["correct"] for r in mine) / len(mine), len(mine), factor.name, value))
    return sorted(worst, reverse=True) or [(0.0, 0, "—", "—")]


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------


def _score(records: Iterable[dict]) -> Score:
    score = Score()
    for r in records:
        if r["predicted"] is None and r["truth"] is None:
            continue
        if r["correct"]:
            score.tp += 1
        else:
            score.fp += r["predicted"] is not None
            score.fn += r["truth"] is not None
    return score


def _split_cells(records: list[dict], key: Callable[[dict], str | None], keys: list[str]) -> list[str]:
    rows = []
    for value in keys:
        cells = []
        for split in SPLITS:
            mine = [r for r in records if r["split"] == split and key(r) == value]
            cells.append(f"{_score(mine).f1:.3f} ({len(mine)})" if mine else "—")
        rows.append(f"| {value} | " + " | ".join(cells) + " |")
    return rows


def _documents_table(documents: list[dict]) -> list[str]:
    out = ["## Documents", "", "| split | reports | pages | truth tables | found | sent to review | "
           "performance records / truth | page errors | s/page |", "|---|---|---|---|---|---|---|---|---|"]
    for split in SPLITS:
        mine = [d for d in documents if d["split"] == split]
        if not mine:
            continue
        total = {k: sum(d["tables"][k] for d in mine) for k in mine[0]["tables"]}
        pages = sum(d["pages"] for d in mine)
        out.append(f"| {split} | {len(mine)} | {pages} | {total['truth']} | {total['found']} | {total['review']} | "
                   f"{total['records']} / {total['truth_records']} | {sum(d['page_errors'] for d in mine)} | "
                   f"{sum(d['seconds'] for d in mine) / pages:.1f} |")
    regions = sorted({d["region"] for d in documents if d["split"] == "held-out"})
    out += ["", "Held-out reports per region: " + ", ".join(
        f"{region} {sum(d['region'] == region for d in documents)}" for region in regions), ""]
    return out


def _sections_table(fields: list[dict]) -> list[str]:
    out = ["## F1 per section", "", "| section | tuning (fields) | held-out (fields) |", "|---|---|---|"]
    out += _split_cells(fields, lambda r: r["section"], [*SECTIONS])
    out += _split_cells(fields, lambda r: "overall", ["overall"])
    return [*out, ""]


def _factor_tables(fields: list[dict], plots: Path | None) -> list[str]:
    out = ["## F1 per damage factor (bin of the field's page)", ""]
    for factor in FACTORS:
        keys = sorted({r["bins"].get(factor.name) for r in fields if r["bins"]}, key=_bin_order)
        out += [f"**{factor.name}**", "", "| bin | tuning F1 (fields) | held-out F1 (fields) |", "|---|---|---|"]
        out += _split_cells(fields, lambda r, name=factor.name: r["bins"].get(name), keys)
        out.append("")
        if plots is not None:
            _plot(factor.name, keys, fields, plots)
    return out


def _reliability_tables(fields: list[dict]) -> list[str]:
    out = ["## Calibration (fitted on tuning only)", "",
           "Share wrong among fields at calibrated confidence >= 0.95, per region:", "",
           "| split | region | fields >= 0.95 | wrong | share |", "|---|---|---|---|---|"]
    scored = [r for r in fields if r["calibrated"] is not None]
    for split in SPLITS:
        for region in sorted({r["region"] for r in scored if r["split"] == split}):
            sure = [r for r in scored if r["split"] == split and r["region"] == region and r["calibrated"] >= THRESHOLD]
            wrong = sum(not r["correct"] for r in sure)
            out.append(f"| {split} | {region} | {len(sure)} | {wrong} | {wrong / max(1, len(sure)):.4f} |")
    for split in SPLITS:
        sure = [r for r in scored if r["split"] == split and r["calibrated"] >= THRESHOLD]
        out += ["", f"Worst factor bins at >= 0.95 ({split}; share wrong, fields):", ""]
        out += [f"- {name} {value}: {share:.4f} of {n}" for share, n, name, value in _worst_bins(sure)[:8]]
    out += ["", "Pages graded poor scans: " + ", ".join(
        f"{split} {len({(r['seed'], r['page']) for r in scored if r['split'] == split and r['source'] == POOR_SCAN})}"
        f" of {len({(r['seed'], r['page']) for r in scored if r['split'] == split})}" for split in SPLITS)]
    out += ["", "Reliability (calibrated confidence bin -> observed accuracy, fields):", "",
            "| split | region | " + " | ".join(_bin_names()) + " |", "|---|---|" + "---|" * len(_bin_names())]
    for split in SPLITS:
        for region in sorted({r["region"] for r in scored if r["split"] == split}):
            mine = [r for r in scored if r["split"] == split and r["region"] == region]
            cells = []
            for lo, hi in itertools.pairwise(RELIABILITY_BINS):
                inside = [r for r in mine if lo <= r["calibrated"] < hi]
                accuracy = sum(r["correct"] for r in inside) / max(1, len(inside))
                cells.append(f"{accuracy:.3f} ({len(inside)})" if inside else "—")
            out.append(f"| {split} | {region} | " + " | ".join(cells) + " |")
    return [*out, ""]


def _bin_names() -> list[str]:
    return [f"{lo:g}–{min(hi, 1):g}" for lo, hi in itertools.pairwise(RELIABILITY_BINS)]


def _bin_order(value: str | None) -> tuple[int, float, str]:
    if value is None:
        return (2, 0.0, "")
    for prefix, rank in (("<=", 0), (">", 1)):
        if value.startswith(prefix):
            return (rank, float(value[len(prefix):]), value)
    return (1, 0.0, value)


def _plot(name: str, keys: list[str], fields: list[dict], folder: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    figure, axes = plt.subplots(figsize=(5, 3))
    for split, marker in zip(SPLITS, ("o", "s"), strict=True):
        points = [(i, _score([r for r in fields if r["split"] == split and r["bins"].get(name) == key]))
                  for i, key in enumerate(keys)]
        points = [(i, s.f1) for i, s in points if s.tp + s.fp + s.fn]
        if points:
            axes.plot([i for i, _ in points], [f for _, f in points], marker=marker, label=split)
    axes.set_xticks(range(len(keys)), [str(k) for k in keys], rotation=30, fontsize=8)
    axes.set_ylabel("field F1")
    axes.set_title(f"F1 by {name}")
    axes.set_ylim(min(0.8, axes.get_ylim()[0]), 1.005)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(folder / f"{name}.png", dpi=90)
    plt.close(figure)


if __name__ == "__main__":
    main()
