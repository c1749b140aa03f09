"""The space of scan damage, sampled per page, with regions held out from tuning.

A scan is a ``Scanner`` (the settings of one batch: resolution, colour mode,
JPEG quality or bitonal threshold) and one ``PageDamage`` per page (what
happened to that sheet: skew, feeder drift, blur, noise, specks, a border
shadow, a fold, uneven light, a seal).  ``sample_scan`` draws both from the
whole space; every page is drawn on its own, so facing pages differ.

Tuning happens on ``TUNING`` and figures are reported on ``HELD_OUT``:
disjoint seed ranges, and whole corners of the space (``HELD_OUT_REGIONS``)
that a tuning sample never enters.  Each factor has bins for the
benchmark's per-factor table (``FACTORS``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

MODES = ("colour", "grey", "bitonal")


@dataclass(frozen=True)
class Scanner:
    """One batch's settings, the same for every page of a document."""

    dpi: int = 300
    mode: str = "grey"  # colour | grey | bitonal (CCITT G4)
    jpeg_quality: int = 90  # colour and grey pages
    threshold_offset: float = 0.0  # bitonal: grey levels above Otsu's (bold) or below (thin strokes)


@dataclass(frozen=True)
class PageDamage:
    """What one sheet suffered; zero everywhere is a perfect scan."""

    skew_deg: float = 0.0
    shift_mm: tuple[float, float] = (0.0, 0.0)  # right, down
    scale: float = 1.0
    blur: float = 0.0  # Gaussian sigma in pixels
    noise: float = 0.0  # grey-level standard deviation
    speckle: int = 0  # dark specks on the page
    shadow_mm: float = 0.0
    shadow_side: str = "left"
    fold_at: float | None = None  # share of the page height
    fold_depth: float = 0.28
    light: float = 0.0  # share of brightness lost at the far side
    light_angle: float = 0.0  # radians
    seal_at: tuple[float, float] | None = None  # centre, shares of width and height


@dataclass(frozen=True)
class ScanPoint:
    scanner: Scanner
    pages: tuple[PageDamage, ...]
    region: str = "space"  # the held-out region it was drawn in, or "space"


# --------------------------------------------------------------------------
# Held-out corners: a tuning sample never enters them
# --------------------------------------------------------------------------

ScannerTest = Callable[[Scanner], bool]
PageTest = Callable[[PageDamage], bool]


@dataclass(frozen=True)
class Region:
    name: str
    scanner: ScannerTest = field(default=lambda scanner: True)
    page: PageTest | None = None  # None: every page of a scanner in the region is in it
    force: Callable[[Scanner, PageDamage, random.Random], tuple[Scanner, PageDamage]] | None = None

    def holds(self, scanner: Scanner, page: PageDamage) -> bool:
        return self.scanner(scanner) and (self.page is None or self.page(page))


def _low_dpi_heavy_jpeg(scanner: Scanner) -> bool:
    return scanner.mode != "bitonal" and scanner.dpi <= 175 and scanner.jpeg_quality <= 40


def _bold_or_fine_bitonal(scanner: Scanner) -> bool:
    return scanner.mode == "bitonal" and (scanner.threshold_offset >= 20 or scanner.dpi >= 400)


def _steep_and_folded(page: PageDamage) -> bool:
    return abs(page.skew_deg) >= 2.0 and page.fold_at is not None


def _force_steep_fold(scanner: Scanner, page: PageDamage, rng: random.Random) -> tuple[Scanner, PageDamage]:
    skew = rng.uniform(2.0, 2.5) * rng.choice([-1, 1])
    return scanner, replace(page, skew_deg=skew, fold_at=rng.uniform(0.4, 0.6), fold_depth=rng.uniform(0.15, 0.35))


HELD_OUT_REGIONS = (
    Region("150-175 dpi, JPEG q<=40", scanner=_low_dpi_heavy_jpeg,
           force=lambda s, p, rng: (replace(s, mode=rng.choice(["colour", "grey"]), dpi=rng.choice([150, 175]),
                                            jpeg_quality=rng.randint(25, 40)), p)),
    Region("bitonal bold or 400 dpi", scanner=_bold_or_fine_bitonal,
           force=lambda s, p, rng: (replace(s, mode="bitonal", dpi=rng.choice([300, 400]),
                                            threshold_offset=rng.uniform(20, 35)), p)),
    Region("skew >=2 deg on a folded sheet", page=_steep_and_folded, force=_force_steep_fold),
)


def in_held_out_region(scanner: Scanner, page: PageDamage) -> str | None:
    """The name of the held-out region this page of a scan lies in, if any."""
    for region in HELD_OUT_REGIONS:
        if region.holds(scanner, page):
            return region.name
    return None


# --------------------------------------------------------------------------
# Sampling
# --------------------------------------------------------------------------


def _scanner(rng: random.Random) -> Scanner:
    mode = rng.choices(MODES, weights=[0.35, 0.4, 0.25])[0]
    if mode == "bitonal":
        return Scanner(dpi=rng.choice([200, 300, 400]), mode=mode, threshold_offset=round(rng.uniform(-35, 35), 1))
    return Scanner(dpi=rng.choice([150, 175, 200, 240, 300]), mode=mode, jpeg_quality=rng.randint(25, 95))


def _page(rng: random.Random) -> PageDamage:
    def sometimes(share: float, value: Callable[[], float], otherwise: float = 0.0) -> float:
        return value() if rng.random() < share else otherwise

    return PageDamage(
        skew_deg=round(rng.uniform(-2.5, 2.5), 2),
        shift_mm=(round(rng.uniform(-15, 15), 1), round(rng.uniform(-15, 15), 1)),
        scale=round(rng.uniform(0.97, 1.03), 4),
        blur=round(sometimes(0.7, lambda: rng.uniform(0.2, 1.5)), 2),
        noise=round(sometimes(0.8, lambda: rng.uniform(1, 12)), 1),
        speckle=int(sometimes(0.5, lambda: rng.randint(20, 300))),
        shadow_mm=round(sometimes(0.3, lambda: rng.uniform(3, 15)), 1),
        shadow_side=rng.choice(["left", "right", "top", "bottom"]),
        fold_at=rng.uniform(0.3, 0.7) if rng.random() < 0.35 else None,
        fold_depth=round(rng.uniform(0.1, 0.35), 2),
        light=round(sometimes(0.4, lambda: rng.uniform(0.05, 0.4)), 2),
        light_angle=rng.uniform(0, 6.283),
        seal_at=(rng.uniform(0.2, 0.8), rng.uniform(0.15, 0.85)) if rng.random() < 0.25 else None,
    )


def sample_scan(seed: int, n_pages: int, held_out: bool, tries: int = 1000) -> ScanPoint:
    """A scan of ``n_pages`` pages: from the tuning part of the space (outside
    every held-out region) or, with ``held_out``, inside one held-out region
    chosen by the seed (its other pages drawn from the whole space)."""
    rng = random.Random(f"space/{seed}/{held_out}")
    if held_out:
        region = rng.choice(HELD_OUT_REGIONS)
        scanner, pages = _scanner(rng), [_page(rng) for _ in range(n_pages)]
        assert region.force is not None
        if region.page is None:
            scanner, _ = region.force(scanner, pages[0], rng)
        else:
            forced = rng.sample(range(n_pages), k=max(1, n_pages // 2))
            pages = [region.force(scanner, page, rng)[1] if i in forced else page for i, page in enumerate(pages)]
        return ScanPoint(scanner, tuple(pages), region.name)
    scanner = _scanner(rng)
    while in_held_out_region(scanner, PageDamage()):  # a held-out scanner setting
        scanner = _scanner(rng)
    pages = []
    for _ in range(n_pages):
        page = _page(rng)
        for _ in range(tries):
            if not in_held_out_region(scanner, page):
                break
            page = _page(rng)
        else:
            raise RuntimeError(f"no tuning page outside the held-out regions after {tries} tries")
        pages.append(page)
    return ScanPoint(scanner, tuple(pages))


def fixed_scan(scanner: Scanner, n_pages: int, seed: int, **ranges: tuple[float, float]) -> ScanPoint:
    """A scan at a fixed scanner setting whose pages vary inside ``ranges``
    (``skew_deg=(-2, 2)``, ``blur=(0, 0.6)``, ``noise=(0, 8)``; ``seal=(share, 0)``
    seals that share of pages, ``fold=(share, 0)`` folds them)."""
    rng = random.Random(f"fixed/{seed}/{scanner}")
    pages = []
    for _ in range(n_pages):
        page = PageDamage(
            skew_deg=round(rng.uniform(*ranges.get("skew_deg", (0, 0))), 2),
            shift_mm=(round(rng.uniform(*ranges.get("shift_mm", (0, 0))), 1),
                      round(rng.uniform(*ranges.get("shift_mm", (0, 0))), 1)),
            scale=round(1 + rng.uniform(*ranges.get("scale", (0, 0))), 4),
            blur=round(rng.uniform(*ranges.get("blur", (0, 0))), 2),
            noise=round(rng.uniform(*ranges.get("noise", (0, 0))), 1),
            speckle=int(rng.uniform(*ranges.get("speckle", (0, 0)))),
            light=round(rng.uniform(*ranges.get("light", (0, 0))), 2),
            light_angle=rng.uniform(0, 6.283),
        )
        if rng.random() < ranges.get("seal", (0, 0))[0]:
            page = replace(page, seal_at=(rng.uniform(0.25, 0.75), rng.uniform(0.2, 0.8)))
        if rng.random() < ranges.get("fold", (0, 0))[0]:
            page = replace(page, fold_at=rng.uniform(0.4, 0.6))
        pages.append(page)
    return ScanPoint(scanner, tuple(pages), "fixed")


# --------------------------------------------------------------------------
# Factors and their bins, for the benchmark
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Factor:
    name: str
    value: Callable[[Scanner, PageDamage], float | str]
    bins: tuple[float, ...] | None  # upper edges; None: categorical


FACTORS = (
    Factor("dpi", lambda s, p: s.dpi, (160, 190, 220, 260, 320, 400)),
    Factor("mode", lambda s, p: s.mode, None),
    Factor("jpeg_quality", lambda s, p: s.jpeg_quality if s.mode != "bitonal" else "bitonal", (40, 60, 80, 95)),
    Factor("threshold_offset", lambda s, p: s.threshold_offset if s.mode == "bitonal" else "grey/colour",
           (-20, 0, 20, 35)),
    Factor("skew_abs_deg", lambda s, p: abs(p.skew_deg), (0.5, 1.0, 1.5, 2.0, 2.5)),
    Factor("shift_mm", lambda s, p: max(abs(p.shift_mm[0]), abs(p.shift_mm[1])), (5, 10, 15)),
    Factor("scale_pct", lambda s, p: abs(p.scale - 1) * 100, (1, 2, 3)),
    Factor("blur", lambda s, p: p.blur, (0.0, 0.5, 1.0, 1.5)),
    Factor("noise", lambda s, p: p.noise, (0.0, 4, 8, 12)),
    Factor("speckle", lambda s, p: p.speckle, (0, 100, 200, 300)),
    Factor("shadow_mm", lambda s, p: p.shadow_mm, (0.0, 8, 15)),
    Factor("fold", lambda s, p: "fold" if p.fold_at is not None else "flat", None),
    Factor("light", lambda s, p: p.light, (0.0, 0.2, 0.4)),
    Factor("seal", lambda s, p: "seal" if p.seal_at is not None else "none", None),
)


def factor_bin(factor: Factor, scanner: Scanner, page: PageDamage) -> str:
    """The bin label ``factor`` puts this page in: ``"<=1.5"`` or a category."""
    value = factor.value(scanner, page)
    if factor.bins is None or isinstance(value, str):
        return str(value)
    for edge in factor.bins:
        if value <= edge:
            return f"<={edge:g}"
    return f">{factor.bins[-1]:g}"


TUNING_SEEDS = range(31_000, 31_500)
HELD_OUT_SEEDS = range(61_000, 61_500)


# --------------------------------------------------------------------------
# The points the tests hold the scan path to (issue 8's bars), at held-out seeds
# --------------------------------------------------------------------------

_DRIFT = {"shift_mm": (-10.0, 10.0), "scale": (-0.02, 0.02)}
TEST_POINTS: dict[str, tuple[Scanner, dict[str, tuple[float, float]], float]] = {
    # name: (scanner, page ranges for fixed_scan, F1 bar per section)
    "300dpi-grey": (Scanner(300, "grey", 85), {"skew_deg": (-1, 1), "noise": (0, 4), "blur": (0, 0.5), **_DRIFT}, 0.99),
    "300dpi-bitonal": (Scanner(300, "bitonal"), {"skew_deg": (-1, 1), "noise": (0, 4), **_DRIFT}, 0.99),
    "200dpi-seals-skew": (Scanner(200, "colour", 80), {"skew_deg": (-2, 2), "seal": (0.4, 0), "noise": (0, 8),
                                                      "blur": (0, 0.6), "fold": (0.3, 0), **_DRIFT}, 0.98),
    "150dpi-q40": (Scanner(150, "grey", 40), {"skew_deg": (-1, 1), "blur": (0, 0.4), "noise": (0, 3), **_DRIFT}, 0.96),
}
TEST_SEED = HELD_OUT_SEEDS[400]  # the benchmark's held-out runs take the first seeds of the range
