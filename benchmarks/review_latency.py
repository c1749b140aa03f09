"""Issue 11's latency: a scripted reviewer works the review app's queue in
Debian's chromium (Playwright), and the app's own time per item is measured:
from the key press that answers an item to the next item shown with its crop
loaded.  Crop rendering is timed apart, cold (the page rendered from the PDF)
and warm (the page cached).

    .venv/bin/python -m benchmarks.review_latency [--reports 6] [--scanned 2] [--items 40]

The store holds generated reports (seeds 85001+, never used for tuning),
born-digital and scanned, read by ``run.py batch``; the queue is their
``review`` fields and 5% of their auto fields as spot checks.  The reviewer
presses Enter on three items in four and types the value shown, then Enter,
on the fourth.  Baseline, measured in the same run and the same browser: the
round trip of the smallest API request (``GET /api/me``).  Goal: crops
≤ 150 ms per item.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pipeline.batch import run_batch
from pipeline.review import auth, create_app
from pipeline.review.images import PageImages
from pipeline.review.options import ReviewOptions
from pipeline.store import Store
from tests.browser import chromium, served, sign_in
from tests.corpus.degrade import scan_preset
from tests.corpus.generate import generate

CROP_GOAL_MS = 150
PASSWORD = "benchmark reviewer"
# The next item is on screen with its crop loaded, or the queue is empty.
SHOWN = """() => {
  if (!document.getElementById('empty').hidden) return true;
  const crop = document.getElementById('crop');
  return current !== null && (crop.hidden || (crop.complete && crop.naturalWidth > 0));
}"""


def build_store(folder: Path, reports: int, scanned: int) -> Store:
    born = generate(folder / "gen", range(85001, 85001 + reports), kinds=("final_account",))
    inputs = [str(path) for path in born]
    for i, report in enumerate(born[:scanned]):
        target = folder / "scanned" / f"{report.stem}-scan.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        scan_preset(report, target, ("200dpi-seal-skew-noise", "150dpi-jpeg")[i % 2], pages=[0, 1, 2, 3])
        inputs.append(str(target))
    url = f"sqlite:///{folder / 'archive.db'}"
    run_batch(inputs, url, workers=2)
    store = Store(url)
    auth.add_user(store.writer, "bench", "reviewer", PASSWORD)
    return store


def crop_times(store: Store, items: list[dict]) -> tuple[list[float], list[float]]:
    """Milliseconds per crop with nothing cached (cold: the file's hash checked,
    the page rendered from the PDF) and again from the cached page (warm)."""
    cold, warm = [], []
    for item in items:
        images = PageImages(store, ReviewOptions())
        for times in (cold, warm):
            start = time.perf_counter()
            images.crop_png(item["doc_id"], item["page"], item["bbox"])
            times.append(1000 * (time.perf_counter() - start))
    return cold, warm


def review(base: str, count: int) -> tuple[list[float], list[float], list[dict]]:
    """Seconds per answered item, baseline request seconds, and the items answered."""
    per_item, baseline, answered = [], [], []
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
        sign_in(page, base, "bench", PASSWORD)
        page.wait_for_function(SHOWN)
        for number in range(count):
            item = page.evaluate("() => current")
            if item is None:
                break
            answered.append(item)
            start = time.perf_counter()
            page.evaluate("() => api('GET', '/api/me')")
            baseline.append(time.perf_counter() - start)
            if number % 4 == 3 and item["value"] is not None:
                page.keyboard.type(str(item["value"]))
            start = time.perf_counter()
            page.keyboard.press("Enter")
            page.wait_for_function(f"() => current === null || current.id !== {item['id']}")
            page.wait_for_function(SHOWN)
            per_item.append(time.perf_counter() - start)
    return per_item, baseline, answered


def _quantile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=6)
    parser.add_argument("--scanned", type=int, default=2)
    parser.add_argument("--items", type=int, default=40)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = build_store(Path(tmp), args.reports, args.scanned)
        options = ReviewOptions(spot_check_share=0.05)
        with served(create_app(store, options)) as base:
            per_item, baseline, answered = review(base, args.items)
        boxed = [item for item in answered if item["page"] and item["bbox"]]
        cold, warm = crop_times(store, boxed)
        store.close()
    if not per_item:
        print("review_latency: the queue was empty; nothing measured", file=sys.stderr)
        return 1
    median_item, median_base = statistics.median(per_item), statistics.median(baseline)
    scanned = sum(1 for item in answered if "-scan" in item["document"]["file"])
    spots = sum(1 for item in answered if item["spot_check"])
    print(f"items answered: {len(per_item)} ({spots} spot checks, {scanned} on scanned pages)")
    print(f"seconds per item (key press to next item with its crop shown): median {median_item:.3f}, "
          f"p90 {_quantile(per_item, 0.9):.3f}")  # fmt: skip
    ratio = median_item / median_base
    print(f"baseline GET /api/me round trip: median {median_base:.4f} s; item / baseline = {ratio:.1f}x")
    print(f"crop rendering ms, cold page: median {statistics.median(cold):.1f}, p95 {_quantile(cold, 0.95):.1f}, "
          f"max {max(cold):.1f}; warm: median {statistics.median(warm):.1f}, max {max(warm):.1f}")  # fmt: skip
    within = sum(1 for ms in cold if ms <= CROP_GOAL_MS)
    print(f"crops within {CROP_GOAL_MS} ms (cold): {within}/{len(cold)}; "
          f"goal {'met' if _quantile(cold, 0.95) <= CROP_GOAL_MS else 'NOT met'} at p95")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
