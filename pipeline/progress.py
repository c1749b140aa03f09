"""Progress on stderr for long runs: a bar of files, and one of pages under
it for a long document (tqdm, drawn only when stderr is a terminal), and
``say`` to print a line above them."""

from __future__ import annotations

import sys
from pathlib import Path


def say(line: str, file=None) -> None:
    """Print a line; while a progress bar is drawn, above it (tqdm.write)."""
    stream = file or sys.stdout
    if Bar.drawn:
        from tqdm import tqdm

        tqdm.write(line, file=stream)
    else:
        print(line, file=stream)


class Bar:
    """A tqdm bar on stderr, drawn only when stderr is a terminal and there
    is more than one thing to count; counts the bars being drawn."""

    drawn = 0

    def __init__(self, total: int, unit: str, **options) -> None:
        self.bar = None
        if total >= 2 and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit=unit, file=sys.stderr, dynamic_ncols=True, **options)
            Bar.drawn += 1

    def update(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
            Bar.drawn -= 1


class PageProgress:
    """A bar of the pages of one long document, under the files' bar, gone when it is done."""

    LONG = 10  # pages

    def __init__(self, path: Path) -> None:
        self.path = path
        self.bar: Bar | None = None

    def update(self, done: int, total: int) -> None:
        if self.bar is None and total >= self.LONG:
            self.bar = Bar(total, "page", desc=self.path.name, leave=False, position=1)
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
