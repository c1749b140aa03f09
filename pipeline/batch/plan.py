"""What a batch is to read: the PDFs its inputs name, one job per distinct file.

Inputs are files, folders (read recursively) and glob patterns.  Each file
is hashed; files with the same bytes are one job that records every name.
An input that names nothing, or a file that cannot be opened, is a problem
line, and the rest of the batch goes on.
"""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest.container import special_file
from pipeline.stages import printable_path

_GLOB_MARKS = set("*?[")
_CHUNK = 1 << 20


@dataclass
class Job:
    doc_id: str  # "sha256:" + hex, as ingest computes it
    paths: list[str]  # every name of these bytes, the first one read
    size: int  # bytes: the batch hands out large files first

    @property
    def path(self) -> str:
        return self.paths[0]


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (input or file, why)


def plan(inputs: list[str]) -> Plan:
    """Jobs for every distinct PDF the inputs name, in the order first named."""
    result = Plan()
    by_id: dict[str, Job] = {}
    for path in _files(inputs, result.problems):
        try:
            special = special_file(path)  # hashing a FIFO would wait for a writer forever
            if special:
                result.problems.append((printable_path(path), special))
                continue
            doc_id, size = file_id(path), path.stat().st_size
        except OSError as exc:
            result.problems.append((printable_path(path), f"cannot be read: {exc.strerror or exc}"))
            continue
        name = str(path)
        if doc_id in by_id:
            if name not in by_id[doc_id].paths:
                by_id[doc_id].paths.append(name)
            continue
        by_id[doc_id] = Job(doc_id, [name], size)
        result.jobs.append(by_id[doc_id])
    return result


def file_id(path: str | Path) -> str:
    """The doc_id of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


def _files(inputs: list[str], problems: list[tuple[str, str]]) -> list[Path]:
    files: list[Path] = []
    for item in inputs:
        if not Path(item).exists() and _GLOB_MARKS & set(item):
            matches = sorted(glob.glob(item, recursive=True))
            pdfs = [Path(m) for m in matches if m.lower().endswith(".pdf") and not Path(m).is_dir()]
            folders = [m for m in matches if Path(m).is_dir()]
            found = pdfs + [p for folder in folders for p in _expand(folder, problems)]
            if not found:
                problems.append((item, "the pattern matches no PDF file"))
            files += found
            continue
        files += _expand(item, problems)
    return files


def _expand(item: str, problems: list[tuple[str, str]]) -> list[Path]:
    found: list[Path] = []
    for name, paths, problem in expand_inputs([item], recursive=True):
        if problem:
            problems.append((printable_path(name), problem))
        found += paths
    return found


def expand_inputs(inputs: list[str], *, recursive: bool) -> Iterator[tuple[str, list[Path], str | None]]:
    """Per input: the PDFs it names and, where it names none, why."""
    for item in inputs:
        path = Path(item)
        if not path.exists() and not path.is_symlink():
            yield item, [], "no such file or folder"
        elif path.is_dir():
            found = list(_pdfs_in(path, recursive))
            if found:
                yield item, found, None
            elif not recursive and next(_pdfs_in(path, True), None) is not None:
                yield item, [], "no PDF files in this folder, only in its subfolders (use --recursive)"
            else:
                yield item, [], "no PDF files in this folder"
        else:
            yield item, [path], None  # ingest names what is wrong with it, if anything


def _pdfs_in(folder: Path, recursive: bool) -> Iterator[Path]:
    """PDFs (by name) in ``folder``, sorted; below it too with ``recursive``
    (symlinked folders are not followed, so a link loop ends)."""
    if not recursive:
        yield from sorted(p for p in folder.iterdir() if p.suffix.lower() == ".pdf" and not p.is_dir())
        return
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(".pdf"):
                yield Path(root) / name
