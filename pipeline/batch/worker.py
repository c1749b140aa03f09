"""One batch worker: a process that loads the pipeline (its models) once and
reads the documents it is sent, one at a time.

Tasks from the driver: ``("whole", doc_id, path)``, or for a document
read in parts (``parts.py``, ``tasks.py``) ``("count", doc_id, path)``,
answered ``("count", doc_id, pages)``, then ``("pages", doc_id, path,
first, last)`` and ``("assemble", doc_id, path, parts)``.  Messages to the driver, over the
worker's pipe: ``("fatal", reason)`` when the pipeline cannot be loaded
(nothing can be read: the batch stops), then per task ``("started",
doc_id)`` as it begins (its time limit counts from here), then
``("done", doc_id, payload_json, seconds)``, a range's ``("pages", ...)``
or ``("failed", doc_id, reason, exit_code)``.  The worker ends when it is
sent ``None``, when the driver's end of the pipe closes, or, on Linux, when
the driver dies (``PR_SET_PDEATHSIG``): no orphan goes on reading after a
``kill -9`` of the batch.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import time
from collections.abc import Mapping
from typing import Any

from pipeline.batch.parts import assemble_parts, page_count, read_some_pages
from pipeline.outcome import ExitCode, internal_reason, reason

_PR_SET_PDEATHSIG = 1


def worker_main(connection, config: Mapping[str, Any] | None) -> None:
    """The worker process's loop (the target of ``multiprocessing.Process``)."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle: it stops the workers
    logging.disable(logging.WARNING)  # the engines' own chatter; the driver prints the lines
    try:
        pipeline = load_pipeline(config)
    except Exception as exc:  # a config or model the driver's check could not see
        connection.send(("fatal", f"the workers cannot load the pipeline: {type(exc).__name__}: {exc}"))
        return
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        connection.send(("started", task[1]))
        connection.send(perform(pipeline, task))


def perform(pipeline, task: tuple) -> tuple:
    """The message that reports one task (see the module's docstring)."""
    kind, doc_id, path, *rest = task
    if kind == "count":
        return ("count", doc_id, page_count(path))
    if kind == "pages":
        return read_some_pages(pipeline, doc_id, path, *rest)
    if kind == "assemble":
        return assemble_parts(pipeline, doc_id, path, *rest)
    return read_document(pipeline, doc_id, path)


def load_pipeline(config: Mapping[str, Any] | None):
    from pipeline.config import load_config
    from pipeline.flow import Pipeline

    return Pipeline.from_config(load_config(config))


def read_document(pipeline, doc_id: str, path: str) -> tuple:
    """The message that reports one document: done with its payload, or failed with why."""
    from pipeline.stages import InputError

    started = time.perf_counter()
    try:
        document = pipeline.run(path)
        payload = document.model_dump_json(by_alias=True)
    except InputError as exc:
        return ("failed", doc_id, reason(exc, path), int(ExitCode.input_failed))
    except Exception as exc:  # a bug must not end the worker, nor the batch
        return ("failed", doc_id, internal_reason(exc, path), int(ExitCode.internal_error))
    return ("done", doc_id, payload, time.perf_counter() - started)


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the driver died before prctl took hold
        os._exit(1)
