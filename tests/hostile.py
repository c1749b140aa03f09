"""Hostile files made from good ones, for the robustness tests.

Each function takes a readable PDF from the corpus generator and writes a
copy damaged the way archives' files are: a text layer that lies (radical
code points, shifted code points, an invisible layer of other text), a page
shown upright only through ``/Rotate``, padding after ``%%EOF``, damage in
the middle, a blank page, a page too large to render.  The glyphs are never
touched, so a page image still shows the truth.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pikepdf

from pipeline.cjk import is_cjk
from pipeline.textlayer import RADICALS_FILE, _radicals

_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]{4})>")


def _rewrite_to_unicode(source: Path, target: Path, remap: Callable[[str], str]) -> Path:
    """Copy ``source`` with every ToUnicode map's targets passed through ``remap``."""
    with pikepdf.open(source) as pdf:
        seen: set[tuple[int, int]] = set()
        for page in pdf.pages:
            for font in _fonts(page):
                cmap = font.get("/ToUnicode")
                if cmap is None or cmap.objgen in seen:
                    continue
                seen.add(cmap.objgen)

                def swap(match: re.Match[bytes]) -> bytes:
                    mapped = remap(chr(int(match.group(2), 16)))
                    return b"<" + match.group(1) + b"> <" + f"{ord(mapped):04X}".encode() + b">"

                cmap.write(_BFCHAR.sub(swap, cmap.read_bytes()))
        pdf.save(target)
    return target


def _fonts(page: pikepdf.Page):
    resources = page.obj.get("/Resources", {})
    yield from resources.get("/Font", {}).values()
    for xobject in resources.get("/XObject", {}).values():
        yield from xobject.get("/Resources", {}).get("/Font", {}).values()


def _radical_of() -> dict[str, str]:
    """Ideograph -> the radical code point a broken producer writes for it."""
    radicals = {chr(code): chr(code) for code in range(0x2F00, 0x2FD6)}
    back = {unicodedata.normalize("NFKC", radical): radical for radical in radicals}
    back.update({ideograph: radical for radical, ideograph in _radicals(RADICALS_FILE).items()})
    return back


def kangxi_text_layer(source: Path, target: Path) -> Path:
    """支 mapped to ⽀, 生 to ⽣, 门 to ⻔ … (glyphs unchanged)."""
    back = _radical_of()
    return _rewrite_to_unicode(source, target, lambda ch: back.get(ch, ch))


def shifted_text_layer(source: Path, target: Path, shift: int = 1) -> Path:
    """Every CJK character mapped ``shift`` code points on: mojibake that is all CJK."""
    return _rewrite_to_unicode(source, target, lambda ch: chr(ord(ch) + shift) if is_cjk(ch) else ch)


def sandwich(scan: Path, other: Path, target: Path) -> Path:
    """``scan``'s page images with the text of ``other`` laid over them invisibly
    (render mode 3), as an OCR tool's text layer would be, but of other text."""
    with pikepdf.open(scan) as pdf, pikepdf.open(other) as foreign:
        for page, foreign_page in zip(pdf.pages, foreign.pages, strict=False):
            form = pdf.copy_foreign(foreign_page.as_form_xobject())
            name = page.add_resource(form, pikepdf.Name.XObject, prefix="Ocr")
            page.contents_add(pdf.make_stream(b"q 3 Tr " + str(name).encode() + b" Do Q"), prepend=False)
        pdf.save(target)
    return target


def rotated_upright(source: Path, target: Path, quarter_turns: int = 1, origin: float = 0.0) -> Path:
    """Each page's content turned ``quarter_turns`` quarters counter-clockwise
    and the page given ``/Rotate`` as many quarters clockwise: it shows as
    before, but its text runs down (or upside down on) the page in user
    space.  ``origin`` moves the MediaBox off (0, 0), as some producers do."""
    with pikepdf.open(source) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            width, height = x1 - x0, y1 - y0
            # x' = a x + c y + e, y' = b x + d y + f: the turn, then the shift into the new box.
            a, b, c, d, e, f = {
                1: (0, 1, -1, 0, height, 0),
                2: (-1, 0, 0, -1, width, height),
                3: (0, -1, 1, 0, 0, width),
            }[quarter_turns]
            turn = f"q {a} {b} {c} {d} {e + origin:.3f} {f + origin:.3f} cm 1 0 0 1 {-x0:.3f} {-y0:.3f} cm\n"
            page.contents_add(pdf.make_stream(turn.encode()), prepend=True)
            page.contents_add(pdf.make_stream(b"\nQ"), prepend=False)
            shown = (height, width) if quarter_turns % 2 else (width, height)
            page.mediabox = [origin, origin, origin + shown[0], origin + shown[1]]
            if "/CropBox" in page.obj:
                del page.obj["/CropBox"]
            page.obj["/Rotate"] = 90 * quarter_turns
        pdf.save(target)
    return target


def with_blank_page(source: Path, target: Path, after: int = 1) -> Path:
    """A blank page (no content at all) inserted after page ``after``."""
    with pikepdf.open(source) as pdf:
        width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
        pdf.add_blank_page(page_size=(width, height))
        pdf.pages.insert(after, pdf.pages[-1])
        del pdf.pages[-1]
        pdf.save(target)
    return target


def with_huge_page(source: Path, target: Path, points: float = 14400.0) -> Path:
    """A copy whose first page's image is stretched over a ``points`` square page."""
    with pikepdf.open(source) as pdf:
        page = pdf.pages[0]
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        scale = f"q {points / (x1 - x0):.4f} 0 0 {points / (y1 - y0):.4f} 0 0 cm\n".encode()
        page.contents_add(pdf.make_stream(scale), prepend=True)
        page.contents_add(pdf.make_stream(b"\nQ"), prepend=False)
        page.mediabox = [0, 0, points, points]
        pdf.save(target)
    return target


def zero_pages(target: Path) -> Path:
    with pikepdf.new() as pdf:
        pdf.save(target)
    return target


def padded_after_eof(source: Path, target: Path, size: int = 8192) -> Path:
    target.write_bytes(source.read_bytes() + b"\r\n" + b"\x00" * size + b"-- scanned by archive gateway --\n")
    return target


def damaged_middle(source: Path, target: Path, size: int = 60_000) -> Path:
    """``size`` bytes in the middle of the file overwritten."""
    data = bytearray(source.read_bytes())
    start = max(0, len(data) // 2 - size // 2)
    data[start : start + size] = (b"\x8f\x13garbage " * (size // 10 + 1))[: min(size, len(data) - start)]
    target.write_bytes(bytes(data))
    return target


def first_pages(source: Path, target: Path, count: int) -> Path:
    """The first ``count`` pages of ``source``."""
    with pikepdf.open(source) as pdf:
        del pdf.pages[count:]
        pdf.save(target)
    return target


def private_use_text_layer(source: Path, target: Path) -> Path:
    """Every CJK character mapped into the private use area: a text layer of
    unmapped glyphs, as a broken subset font gives."""
    return _rewrite_to_unicode(source, target, lambda ch: chr(0xE000 + ord(ch) % 0x1000) if is_cjk(ch) else ch)


def turned_scan(source: Path, target: Path, quarter_turns: int, dpi: int = 200) -> Path:
    """An image-only copy of ``source`` whose pages are turned ``quarter_turns``
    times counter-clockwise, as a sheet fed sideways or upside down comes out."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    document = pdfium.PdfDocument(str(source))
    images = []
    for index in range(len(document)):
        pixels = document[index].render(scale=dpi / 72).to_numpy()[:, :, :3]
        images.append(Image.fromarray(np.ascontiguousarray(np.rot90(pixels, quarter_turns))).convert("L"))
    document.close()
    images[0].save(target, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi), quality=90)
    return target


def blank_scan(target: Path, dpi: int = 150, noise: float = 6.0) -> Path:
    """An image-only page of empty paper: off-white, sensor noise and a few specks."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(7)
    height, width = int(11.69 * dpi), int(8.27 * dpi)
    paper = 236 + rng.normal(0, noise, (height, width))
    for y, x in rng.integers(0, [height, width], size=(12, 2)):
        paper[y : y + 2, x : x + 2] = 90
    Image.fromarray(np.clip(paper, 0, 255).astype(np.uint8)).save(target, "PDF", resolution=float(dpi), quality=85)
    return target


def darkened_scan(target: Path, dpi: int = 150, white: float = 0.15) -> Path:
    """A bitonal page gone black where the light fell off: one blob of black
    over all but a corner (about ``white`` of the page) of white paper,
    whatever it held hidden under it."""
    import numpy as np
    from PIL import Image

    height, width = int(11.69 * dpi), int(8.27 * dpi)
    ys, xs = np.mgrid[0:height, 0:width]
    corner = 1 - math.sqrt(2 * white)  # the triangle above x - y = corner covers ``white`` of the page
    image = Image.fromarray(np.where(xs / width - ys / height > corner, 255, 0).astype(np.uint8))
    image.convert("1", dither=Image.Dither.NONE).save(target, "PDF", resolution=float(dpi))
    return target


def in_bands(source: Path, target: Path, pages: int, bands: int) -> Path:
    """The first ``pages`` pages of ``source`` each cut into ``bands``
    horizontal strips, one strip a page: a long document of little text."""
    with pikepdf.open(source) as pdf:
        out = pikepdf.new()
        for page in pdf.pages[:pages]:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            step = (y1 - y0) / bands
            for band in range(bands):
                out.pages.append(page)
                copy = out.pages[-1]
                top = y1 - band * step
                copy.mediabox = [x0, top - step, x1, top]
                if "/CropBox" in copy.obj:
                    del copy.obj["/CropBox"]
        out.save(target)
    return target


def shifted_offsets(source: Path, target: Path) -> Path:
    """A line added after the header, so every offset of the cross-reference
    table is off by its length (as an editor or a transfer that rewrites
    line ends leaves a file): nothing is lost, pdfium rebuilds the table."""
    data = source.read_bytes()
    header_end = data.index(b"\n") + 1
    target.write_bytes(data[:header_end] + b"% re-saved by an archive tool\n" + data[header_end:])
    return target


def sparse_scan(target: Path, text: str, size_px: int, grey: int = 0, dpi: int = 200) -> Path:
    """An image-only page holding one short line of ``text`` and nothing else
    (a date, a unit line, a faint stamp line): not a blank page."""
    from PIL import Image, ImageDraw

    from tests.scanned import font

    image = Image.new("L", (int(8.27 * dpi), int(11.69 * dpi)), 240)
    ImageDraw.Draw(image).text((int(4.5 * dpi), int(9.5 * dpi)), text, font=font(size_px), fill=grey)
    image.save(target, "PDF", resolution=float(dpi))
    return target


_DAMAGED_JPEG = b"\xff\xd8\xff\xe0" + b"not a JPEG any more " * 500


def undecodable_image(source: Path, target: Path, page: int = 1, also: Path | None = None) -> Path:
    """``source`` with ``also``'s pages after it, and the images of page
    ``page`` (1-based) turned to a JPEG stream no decoder reads: a scan
    damaged in storage whose file still opens."""
    pdf = pikepdf.open(source)
    if also is not None:
        pdf.pages.extend(pikepdf.open(also).pages)
    for image in pdf.pages[page - 1].get_images().values():
        image.write(_DAMAGED_JPEG, filter=pikepdf.Name.DCTDecode)
    pdf.save(target)
    return target


def striped_scan(target: Path, text: str, stripes: int = 6, damaged: tuple[int, ...] = (), dpi: int = 150) -> Path:
    """A scanned A4 page holding one line of ``text`` near its top, stored
    as ``stripes`` horizontal JPEG strips (as some scanners write a page),
    the strips ``damaged`` (0-based) turned to JPEG streams no decoder reads."""
    import io

    from PIL import Image, ImageDraw

    from tests.scanned import font

    width_pt, height_pt = 595.0, 842.0
    image = Image.new("L", (round(width_pt / 72 * dpi), round(height_pt / 72 * dpi)), 240)
    ImageDraw.Draw(image).text((dpi, dpi), text, font=font(28), fill=0)
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(width_pt, height_pt))
    page = pdf.pages[0]
    drawing = []
    step_px, step_pt = image.height / stripes, height_pt / stripes
    for index in range(stripes):
        strip = image.crop((0, round(index * step_px), image.width, round((index + 1) * step_px)))
        data = io.BytesIO()
        strip.save(data, "JPEG", quality=85)
        stream = pikepdf.Stream(pdf, _DAMAGED_JPEG if index in damaged else data.getvalue())
        stream.update({"/Type": pikepdf.Name.XObject, "/Subtype": pikepdf.Name.Image, "/Width": strip.width,
                       "/Height": strip.height, "/ColorSpace": pikepdf.Name.DeviceGray, "/BitsPerComponent": 8,
                       "/Filter": pikepdf.Name.DCTDecode})  # fmt: skip
        name = page.add_resource(stream, pikepdf.Name.XObject, prefix="Strip")
        drawing.append(f"q {width_pt} 0 0 {step_pt} 0 {height_pt - (index + 1) * step_pt} cm {name} Do Q")
    page.contents_add(pikepdf.Stream(pdf, "\n".join(drawing).encode()), prepend=False)
    pdf.save(target)
    return target


def colour_space_in_resources(source: Path, target: Path) -> Path:
    """``source`` with its first page's images naming their colour space
    through the page's resources (``/ColorSpace /CS0``): against the
    letter of the spec, common in the wild, and drawn fine by pdfium."""
    pdf = pikepdf.open(source)
    page = pdf.pages[0]
    for image in page.get_images().values():
        space = image.ColorSpace
        page.obj.Resources.ColorSpace = pikepdf.Dictionary({"/CS0": space})
        image.ColorSpace = pikepdf.Name("/CS0")
    pdf.save(target)
    return target


def outlined_glyphs(target: Path, count: int = 12) -> Path:
    """A born-digital page whose 'text' is vector outlines (filled paths), no text objects."""
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(target))
    path = canvas.beginPath()
    for index in range(count):
        path.rect(72 + 16 * index, 700, 11, 12)
        path.rect(72 + 16 * index + 3, 703, 5, 2)
    canvas.drawPath(path, fill=1, stroke=0)
    canvas.save()
    return target
