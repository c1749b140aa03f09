"""The review app's options: ``configs/review.yaml``, overridable by a YAML file of the same shape."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.config import CONFIG_DIR, ConfigError, options_for
from pipeline.yaml_data import load_yaml

REVIEW_CONFIG = CONFIG_DIR / "review.yaml"


@dataclass(frozen=True)
class ReviewOptions:
    lease_seconds: int = 300
    session_hours: float = 12.0
    spot_check_share: float = 0.01
    spot_check_seed: str = "budgetdoc"
    login_attempts: int = 5
    login_window_seconds: int = 900
    page_dpi: int = 110
    crop_context: float = 40.0
    cached_pages: int = 48

    def __post_init__(self) -> None:
        if not 0 <= self.spot_check_share <= 1:
            raise ConfigError(f"review.spot_check_share: {self.spot_check_share} is not a share between 0 and 1")
        for name in ("lease_seconds", "login_attempts", "login_window_seconds", "page_dpi", "cached_pages"):
            if getattr(self, name) < 1:
                raise ConfigError(f"review.{name}: {getattr(self, name)} must be at least 1")


def load_review_options(path: str | Path | None = None) -> ReviewOptions:
    """``configs/review.yaml``, with the ``review:`` section of ``path`` over it."""
    sections = [REVIEW_CONFIG, *([Path(path)] if path else [])]
    values: dict = {}
    for source in sections:
        try:
            data = load_yaml(Path(source).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{source}: cannot read the review config: {exc}") from None
        if not isinstance(data, dict) or set(data) - {"review"}:
            raise ConfigError(f"{source}: a review config has one section, 'review'")
        values.update(data.get("review") or {})
    try:
        return options_for(ReviewOptions, {"review": values}, "review")
    except ConfigError as exc:
        raise ConfigError(f"{sections[-1]}: {str(exc).removeprefix('configs: ')}") from None
