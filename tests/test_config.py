"""Config files: overrides apply, mistakes are errors before any file is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import ConfigError, load_config
from pipeline.flow import Pipeline
from pipeline.ocr import OcrOptions


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "override.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_override_changes_one_option_and_keeps_the_rest(tmp_path: Path) -> None:
    pipeline = Pipeline.from_config(load_config(write(tmp_path, "confidence: {review_threshold: 0.8}\n")))
    assert pipeline.confidence.review_threshold == 0.8
    assert pipeline.tables.engine == "vector"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nonsense: {a: 1}\n", "unknown section"),
        ("tables: {engin: vector}\n", "unknown key"),
        ("tables: {engine: nope}\n", "unknown table engine"),
        ("tables: 3\n", "must be a mapping"),
        ("[1, 2]\n", "must be a mapping"),
    ],
)
def test_mistakes_are_config_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Pipeline.from_config(load_config(write(tmp_path, text)))


def test_another_rec_model_must_be_a_file(tmp_path) -> None:
    with pytest.raises(ConfigError, match="rapidocr_rec_model"):
        OcrOptions(rapidocr_rec_model=str(tmp_path / "missing.onnx"))
