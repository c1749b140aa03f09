"""Synthetic page images for the scanned-page stages, with known truth.

Text is drawn with PIL in 宋体 (AR PL SungtiL GB) at about 200 dpi, so the
tests know exactly what is written where; the scan defects (rotation, red
seal, uneven light) are added on top.  Also used by ``benchmarks/``.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.model import BBox

FONT_PATH = "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
# 12 pt at 200 dpi.
BODY_PX = 33


@dataclass
class DrawnLine:
    text: str
    bbox: BBox  # ink box in pixels


@dataclass
class Rule:
    """A ruling line drawn as a filled rectangle; its centre line is exact."""

    x0: float
    y0: float
    x1: float
    y1: float
    thickness: int

    @property
    def horizontal(self) -> bool:
        return abs(self.x1 - self.x0) >= abs(self.y1 - self.y0)


@dataclass
class DrawnPage:
    image: np.ndarray  # BGR
    lines: list[DrawnLine]
    rules: list[Rule]
    table_bbox: BBox | None = None


def font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_PATH, size_px)


def text_image(lines: list[str], size_px: int = BODY_PX, margin: int = 40, leading: float = 1.8) -> DrawnPage:
    """White image with ``lines`` one under another, sized to fit."""
    face = font(size_px)
    width = max(int(face.getlength(text)) for text in lines) + 2 * margin
    height = int(len(lines) * size_px * leading) + 2 * margin
    canvas = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(canvas)
    drawn = []
    for index, text in enumerate(lines):
        origin = (margin, margin + int(index * size_px * leading))
        draw.text(origin, text, font=face, fill="black")
        drawn.append(DrawnLine(text, tuple(float(v) for v in draw.textbbox(origin, text, font=face))))
    return DrawnPage(image=_to_bgr(canvas), lines=drawn, rules=[])


def report_page(width: int = 1654, height: int = 1400) -> DrawnPage:
    """The top of a 部门决算 page at 200 dpi: a title, two paragraphs and a ruled table."""
    canvas = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(canvas)
    lines: list[DrawnLine] = []

    def write(origin: tuple[int, int], text: str, size: int) -> None:
        draw.text(origin, text, font=font(size), fill="black")
        lines.append(DrawnLine(text, tuple(float(v) for v in draw.textbbox(origin, text, font=font(size)))))

    write((430, 110), "乌鲁木齐市民政局2024年度部门决算公开说明", 48)
    paragraph = [
        "一、收入支出决算总体情况说明：2024年度收入总计3,369.63万元，",
        "支出总计3,369.63万元。与上年相比，收入支出总计各增加230.18万元，",
        "增长7.33%，主要原因是：本年度人员经费及项目支出有所增加。",
        "二、收入决算情况说明：本年收入合计3,067.22万元，其中：财政拨",
        "款收入3,067.22万元，占100.00%；其他收入0.00万元，占0.00%。",
    ]
    for index, text in enumerate(paragraph):
        write((150, 230 + index * 58), text, BODY_PX)

    rows = [
        ["项目", "决算数", "上年决算数", "增减"],
        ["财政拨款收入", "3,067.22", "2,836.04", "231.18"],
        ["其他收入", "0.00", "1.00", "-1.00"],
        ["年初结转和结余", "302.41", "303.41", "-1.00"],
        ["收入总计", "3,369.63", "3,139.45", "230.18"],
    ]
    xs = [150, 560, 860, 1160, 1500]
    ys = [600 + 80 * index for index in range(len(rows) + 1)]
    # Centre lines sit at pixel centres (n + 0.5), where a 3-pixel rule's middle pixel is.
    rules = [Rule(xs[0] + 0.5, y + 0.5, xs[-1] + 0.5, y + 0.5, 3) for y in ys]
    rules += [Rule(x + 0.5, ys[0] + 0.5, x + 0.5, ys[-1] + 0.5, 3) for x in xs]
    for rule in rules:
        _draw_rule(draw, rule)
    for row_index, row in enumerate(rows):
        for col_index, text in enumerate(row):
            write((xs[col_index] + 20, ys[row_index] + 22), text, BODY_PX)
    return DrawnPage(image=_to_bgr(canvas), lines=lines, rules=rules, table_bbox=(xs[0], ys[0], xs[-1], ys[-1]))


def _draw_rule(draw: ImageDraw.ImageDraw, rule: Rule) -> None:
    """Fill whole pixels: a rule at x.5 of thickness 3 covers pixels x-1 .. x+1."""
    half = rule.thickness // 2
    left, top = int(rule.x0) - half, int(rule.y0) - half
    right, bottom = int(rule.x1) + half, int(rule.y1) + half
    draw.rectangle((left, top, right, bottom), fill="black")


def rotated(image: np.ndarray, degrees: float) -> np.ndarray:
    """``image`` turned counter-clockwise by ``degrees``, on white, same size."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def with_red_seal(image: np.ndarray, centre: tuple[int, int], radius: int) -> np.ndarray:
    """A red round official seal (ring, star, inscription) stamped over ``image``.

    Stamp ink multiplies with what is printed, as on paper: black text under
    the seal stays black, white paper turns red.
    """
    seal = Image.new("RGB", (image.shape[1], image.shape[0]), "white")
    draw = ImageDraw.Draw(seal)
    cx, cy = centre
    ink = (225, 40, 45)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=ink, width=max(4, radius // 12))
    corners = [np.pi / 2 + k * 4 * np.pi / 5 for k in range(5)]
    star = [(cx + 0.35 * radius * np.cos(a), cy - 0.35 * radius * np.sin(a)) for a in corners]
    draw.polygon(star, fill=ink)
    inscription = font(radius // 4)
    draw.text((cx - radius * 0.7, cy + radius * 0.35), "乌鲁木齐市民政局", font=inscription, fill=ink)
    seal_bgr = _to_bgr(seal).astype(np.float32) / 255.0
    return (image.astype(np.float32) * seal_bgr).astype(np.uint8)


def with_uneven_light(image: np.ndarray, darkest: float = 0.45) -> np.ndarray:
    """A scan lit from the top left: brightness falls to ``darkest`` at the far corner."""
    height, width = image.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 1.0 - (1.0 - darkest) * (xs / width + ys / height) / 2
    return (image.astype(np.float32) * light[:, :, None]).astype(np.uint8)


def character_error_rate(read: str, truth: str) -> float:
    """Edit distance over characters, whitespace ignored, relative to the truth."""
    read, truth = "".join(read.split()), "".join(truth.split())
    previous = list(range(len(truth) + 1))
    for i, read_char in enumerate(read, start=1):
        current = [i]
        for j, truth_char in enumerate(truth, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (read_char != truth_char)))
        previous = current
    return previous[-1] / max(1, len(truth))


def overlap(a: BBox, b: BBox) -> float:
    """Intersection over the smaller box."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height / smaller


def _to_bgr(canvas: Image.Image) -> np.ndarray:
    return cv2.cvtColor(np.array(canvas), cv2.COLOR_RGB2BGR)
