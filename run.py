#!/usr/bin/env python3
"""Command line: budget-report PDFs to budgetdoc/1 JSON (the ``budgetdoc`` command).

    python run.py extract a.pdf b.pdf --out out/
    python run.py extract scans/ --recursive --out out/
    python run.py evaluate out/ truth/

See ``pipeline/cli.py`` for the commands and their exit codes.
"""

import sys

from pipeline.cli import main

if __name__ == "__main__":
    sys.exit(main())
