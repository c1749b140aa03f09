"""Page images and crops for the review app, rendered from the stored PDF.

No path in a request reaches the file system: a request names a document
id and a page number, both looked up in the store; the file is one of the
names the store recorded for that document, used only when its bytes still
hash to the document's id.  Rendered pages are kept in a small LRU cache
(pdfium is not thread-safe, so rendering holds a lock); a crop is a strip of
the page around the field's box, with the box drawn.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from pipeline.review.options import ReviewOptions
from pipeline.store import Store
from pipeline.store.rows import paths_of
from pipeline.store.schema import DocumentRow

BOX_COLOUR = (220, 30, 30)


class ImageUnavailable(LookupError):
    """The page cannot be shown: no such page, or the PDF is no longer where it was read from."""


class PageImages:
    """Rendered pages of the store's documents, cached."""

    def __init__(self, store: Store, options: ReviewOptions) -> None:
        self.store = store
        self.scale = options.page_dpi / 72
        self.context = options.crop_context
        self.capacity = options.cached_pages
        self._pages: OrderedDict[tuple[str, int], Image.Image] = OrderedDict()
        self._files: dict[str, tuple[Path, tuple[int, int, int]]] = {}  # doc_id: (file, its signature when hashed)
        self._lock = threading.Lock()

    def page_png(self, doc_id: str, number: int) -> bytes:
        return _png(self.page(doc_id, number))

    def crop_png(self, doc_id: str, number: int, bbox: list[float]) -> bytes:
        """The page's full width around ``bbox`` (the row's label and its neighbours stay in view), the box drawn."""
        page = self.page(doc_id, number)
        # A stored box is data from a reading, not a promise: corners in any order, NaN as nothing.
        x0, y0, x1, y1 = (0.0 if v != v else v * self.scale for v in bbox)
        x0, x1, y0, y1 = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        margin = self.context * self.scale
        top, bottom = max(0, int(y0 - margin)), min(page.height, int(y1 + margin) + 1)
        crop = page.crop((0, top, page.width, max(bottom, top + 1))).convert("RGB")
        ImageDraw.Draw(crop).rectangle((x0 - 3, y0 - top - 3, x1 + 3, y1 - top + 3), outline=BOX_COLOUR, width=3)
        return _png(crop)

    def page(self, doc_id: str, number: int) -> Image.Image:
        key = (doc_id, number)
        with self._lock:
            if key in self._pages:
                self._pages.move_to_end(key)
                return self._pages[key]
            path = self._file(doc_id, number)
            try:
                pdf = pdfium.PdfDocument(str(path))
                try:
                    image = pdf[number - 1].render(scale=self.scale).to_pil()
                finally:
                    pdf.close()
            except pdfium.PdfiumError as exc:
                raise ImageUnavailable(f"page {number} of {path.name} cannot be rendered: {exc}") from None
            self._pages[key] = image
            while len(self._pages) > self.capacity:
                self._pages.popitem(last=False)
            return image

    def _file(self, doc_id: str, number: int) -> Path:
        """The document's PDF: a name the store recorded whose bytes still hash to ``doc_id``."""
        with Session(self.store.engine) as session:
            row = session.get(DocumentRow, doc_id)
            if row is None or not 1 <= number <= row.pages:
                raise ImageUnavailable(f"{doc_id}: no page {number}")
            names = paths_of(session, doc_id)
        known = self._files.get(doc_id)
        if known is not None and _signature(known[0]) == known[1]:
            return known[0]  # the same file, unchanged since its bytes were hashed
        for name in names:
            path = Path(name)
            if not path.is_file():
                continue
            signature = _signature(path)
            if _sha256(path) == doc_id:
                self._files[doc_id] = (path, signature)
                return path
        raise ImageUnavailable(f"{doc_id}: its PDF is no longer at {', '.join(names) or 'any recorded path'}")


def _signature(path: Path) -> tuple[int, int, int] | None:
    """What changes when a file's bytes do (or it is replaced): its inode, size and modification time."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=3)
    return buffer.getvalue()
