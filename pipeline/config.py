"""Configuration: YAML files in ``configs/`` mapped onto each stage's options.

Each stage module defines a dataclass of options with defaults; a YAML
section of the same name overrides them.  Unknown keys raise, so a typo in a
config never silently does nothing.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, TypeVar

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "configs"
DEFAULT_CONFIG = CONFIG_DIR / "default.yaml"

T = TypeVar("T")


class ConfigError(ValueError):
    pass


def load_config(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """The default config, overlaid section by section with ``path`` if given."""
    config = _read_yaml(DEFAULT_CONFIG)
    if path is not None:
        for section, values in _read_yaml(Path(path)).items():
            if values is not None and not isinstance(values, dict):
                raise ConfigError(f"{path}: section '{section}' must be a mapping of options")
            config.setdefault(section, {}).update(values or {})
    return config


def options_for(cls: type[T], config: dict[str, dict[str, Any]], section: str) -> T:
    """Build the options dataclass ``cls`` from ``config[section]``."""
    values = dict(config.get(section) or {})
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"configs: unknown key(s) in section '{section}': {', '.join(unknown)}")
    return cls(**values)


def resolve_path(path: str | Path) -> Path:
    """Config paths are relative to the project root."""
    path = Path(path)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _read_yaml(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a config must be a mapping of sections")
    return data
