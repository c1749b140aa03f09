"""The JSON file of one document (the ``budgetdoc/1`` contract), written atomically.

Written atomically: into a temporary file in the target folder, flushed to
disk, then renamed over the target.  A reader (or a rerun after a crash at
any moment) sees the previous complete result or the new complete one,
never a part.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pipeline.model import Document


def write_json(document: Document, out_dir: str | Path, stem: str) -> Path:
    """Write ``out_dir/stem.json``; the directory is created if needed."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{stem}.json"
    payload = json.dumps(document.to_json_dict(), ensure_ascii=False, indent=1) + "\n"
    write_atomically(target, payload.encode("utf-8"))
    return target


def unique_stem(stem: str, used: set[str]) -> str:
    """``stem``, or ``stem-2``, ``stem-3`` … when an earlier file of the run took it."""
    unique, n = stem, 2
    while unique in used:
        unique, n = f"{stem}-{n}", n + 1
    used.add(unique)
    return unique


def write_atomically(target: Path, data: bytes) -> None:
    """Replace ``target`` by ``data`` so that no moment shows a partial file.

    The file gets the permissions a plain write would give it (mkstemp's
    are private to the owner); a temporary file a killed writer left for
    this target is removed."""
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        stale.unlink(missing_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, 0o666 & ~_umask())
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the platform allows opening a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
