"""Configuration: YAML files in ``configs/`` mapped onto each stage's options.

Each stage module defines a dataclass of options with defaults; a YAML
section of the same name overrides them.  Everything is validated before
any file is read: an unknown section or key, a value of the wrong type, a
value outside its choices (``denoise: nlmean``), an unknown engine or a
missing rules folder each raise ``ConfigError`` with one line naming it.

``configs/`` and ``models/`` are the package's data: in a source checkout
they sit beside ``pipeline/``; an installed wheel carries them inside it
(``pipeline/configs``, ``pipeline/models``).  Relative paths in a config are
taken from there, never from the working directory.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

import yaml

from pipeline.yaml_data import load_yaml

_PACKAGE_DIR = Path(__file__).resolve().parent
# Installed: the data lies inside the package; checked out: beside it.
ASSET_ROOT = _PACKAGE_DIR if (_PACKAGE_DIR / "configs").is_dir() else _PACKAGE_DIR.parent
CONFIG_DIR = ASSET_ROOT / "configs"
DEFAULT_CONFIG = CONFIG_DIR / "default.yaml"

T = TypeVar("T")


class ConfigError(ValueError):
    pass


def load_config(overrides: str | Path | Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """The default config, overlaid section by section with ``overrides``: a
    YAML file's path, or the same sections as a mapping."""
    config = _read_yaml(DEFAULT_CONFIG)
    if overrides is None:
        return config
    where = "config" if isinstance(overrides, Mapping) else str(overrides)
    sections = overrides if isinstance(overrides, Mapping) else _read_yaml(Path(overrides))
    for section, values in sections.items():
        if values is not None and not isinstance(values, Mapping):
            raise ConfigError(f"{where}: section '{section}' must be a mapping of options")
        config.setdefault(section, {}).update(values or {})
    return config


def options_for(cls: type[T], config: dict[str, Any], section: str, parent: str = "") -> T:
    """Build the options dataclass ``cls`` from ``config[section]``, each
    value checked against its field's type (``parent``: the sections above,
    for the messages: ``scan.``)."""
    values = config.get(section) or {}
    section = parent + section
    if not isinstance(values, dict):
        raise ConfigError(f"configs: section '{section}' must be a mapping of options")
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ConfigError(f"configs: unknown key(s) in section '{section}': {', '.join(unknown)}")
    hints = typing.get_type_hints(cls)
    return cls(**{key: _checked(value, hints[key], f"{section}.{key}") for key, value in values.items()})


def resolve_path(path: str | Path) -> Path:
    """Config paths are relative to the package's data root (see above)."""
    path = Path(path)
    return path if path.is_absolute() else ASSET_ROOT / path


def _checked(value: Any, hint: Any, where: str) -> Any:
    """``value`` as the type ``hint`` asks (a YAML list becomes a tuple), or ConfigError."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is Literal:
        if value not in args:
            choices = ", ".join(str(a) for a in args)
            raise ConfigError(f"configs: {where}: {value!r} is not one of: {choices}")
        return value
    if origin in (Union, types.UnionType):
        for option in args:
            try:
                return _checked(value, option, where)
            except ConfigError:
                continue
        raise ConfigError(f"configs: {where}: {value!r} is not a {_type_name(hint)}")
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise ConfigError(f"configs: {where}: {value!r} is not a list")
        item = args[0] if args else Any
        return tuple(_checked(v, item, f"{where}[{i}]") for i, v in enumerate(value))
    if hint is Any or dataclasses.is_dataclass(hint):
        return value
    if hint is type(None):
        if value is not None:
            raise ConfigError(f"configs: {where}: {value!r} is not null")
        return value
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint in (bool, int, float, str):
        if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
            raise ConfigError(f"configs: {where}: {value!r} is not a {_type_name(hint)}")
        return value
    if hint is Path:
        if not isinstance(value, str | Path):
            raise ConfigError(f"configs: {where}: {value!r} is not a path")
        return value
    return value


def _type_name(hint: Any) -> str:
    if get_origin(hint) in (Union, types.UnionType):
        return " or ".join(_type_name(a) for a in get_args(hint))
    return {bool: "true/false", int: "whole number", float: "number", str: "text"}.get(
        hint, getattr(hint, "__name__", str(hint))
    )


def _read_yaml(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}: cannot read config: {reason}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a config must be a mapping of sections")
    return data
