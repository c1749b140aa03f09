"""Every wrong field of a scanned report, per preset, with its confidence.

    PYTHONPATH=. .venv/bin/python benchmarks/scan_errors.py 200dpi-seal-skew-noise,300dpi-bitonal-g4 1

Arguments: comma-separated presets of ``tests/corpus/degrade.py`` and the
corpus seed.  Prints field F1 per section, then ``path: got | want, confidence``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from pipeline.evaluate import evaluate
from pipeline.flow import Pipeline
from tests.corpus.degrade import scan_preset
from tests.corpus.generate import generate


def main(presets: str, seed: int) -> None:
    folder = Path(tempfile.mkdtemp())
    [pdf] = generate(folder, [seed], statements=False)
    truth = json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))
    pipeline = Pipeline.from_config()
    for preset in presets.split(","):
        scanned = scan_preset(pdf, folder / f"{preset}.pdf", preset)
        evaluation = evaluate(pipeline.run(scanned), truth)
        print(preset, {key: round(score.f1, 4) for key, score in evaluation.scores().items()})
        for wrong in evaluation.wrong():
            print("   ", wrong.path, repr(wrong.predicted)[:50], "| want", repr(wrong.truth)[:50], wrong.confidence)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1)
