"""Training-set layouts on disk, spatial splits and the manifest: torch-free.

The backend's `aerocolor dataset` and the QGIS plugin's Capture tool both write
datasets through this module, so what Capture writes trains directly. It needs only
numpy and Pillow (no torch), which the plugin has inside QGIS.
"""
from __future__ import annotations

import hashlib
import json
import os
from typing import Callable, Optional

import numpy as np

# Grey from colour: ITU-R BT.601 luma on the gamma-encoded values (what Pillow's "L" does,
# as the study used). Recorded in dataset manifests and checkpoints.
LUMA_WEIGHTS = (0.299, 0.587, 0.114)
GREY_FORMULA = "BT.601 luma: 0.299 R + 0.587 G + 0.114 B on sRGB-encoded values"

LAYOUTS = ("aligned", "pairs", "unpaired")
SPLITS = ("train", "val", "test")
MANIFEST = "manifest.json"
MANIFEST_VERSION = 1


def grey_of(img: np.ndarray) -> np.ndarray:
    """(H, W, 3) colour (float in [0, 1] or uint8) to (H, W, 1) float grey; grey passes through."""
    if img.shape[2] == 1:
        return _unit(img)
    return (_unit(img[..., :3]) @ np.asarray(LUMA_WEIGHTS, np.float32))[..., None]


def _unit(img: np.ndarray) -> np.ndarray:
    return img.astype(np.float32) / 255.0 if img.dtype == np.uint8 else img.astype(np.float32, copy=False)


def split_of_block(key: tuple, seed: int, val_fraction: float, test_fraction: float) -> str:
    """The split of one spatial block, from a stable hash of (seed, key): the same every run."""
    digest = hashlib.sha256(repr((seed,) + tuple(key)).encode("utf-8")).digest()
    r = int.from_bytes(digest[:8], "little") / 2.0 ** 64
    if r < test_fraction:
        return "test"
    if r < test_fraction + val_fraction:
        return "val"
    return "train"


def save_png(path: str, img: np.ndarray) -> None:
    """Float (H, W, C) in [0, 1] or uint8 to an 8-bit PNG, written under a temporary name first."""
    from PIL import Image

    arr = img if img.dtype == np.uint8 else (np.clip(img, 0, 1) * 255.0 + 0.5).astype(np.uint8)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    tmp = path + ".part.png"
    Image.fromarray(arr).save(tmp)
    os.replace(tmp, path)


def tile_paths(out: str, layout: str, split: str, name: str, ext: str = ".png") -> dict:
    """Where the grey ("A") and colour ("B") images of one tile go; aligned tiles share one file."""
    if layout == "aligned":
        p = os.path.join(out, split, name + ext)
        return {"A": p, "B": p}
    if layout == "pairs":
        return {s: os.path.join(out, split, s, name + ext) for s in ("A", "B")}
    return {s: os.path.join(out, split + s, name + ext) for s in ("A", "B")}


def tile_writer(out: str, layout: str) -> Callable[[str, str, Optional[np.ndarray], np.ndarray], dict]:
    """write(split, name, grey or None, rgb) -> paths; grey defaults to the luma of rgb."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")

    def write(split: str, name: str, grey: Optional[np.ndarray], rgb: np.ndarray) -> dict:
        grey = grey_of(rgb) if grey is None else grey
        paths = tile_paths(out, layout, split, name)
        for p in set(paths.values()):
            os.makedirs(os.path.dirname(p), exist_ok=True)
        if layout == "aligned":
            save_png(paths["A"], np.concatenate([np.repeat(_unit(grey), 3, 2), _unit(rgb)], 1))
        else:
            save_png(paths["A"], grey)
            save_png(paths["B"], rgb)
        return paths
    return write


def folder_is_free(out: str) -> bool:
    """True for a missing or empty folder: datasets are never written over other files."""
    return not os.path.exists(os.path.join(out, MANIFEST)) and not (os.path.isdir(out) and os.listdir(out))


def write_manifest(out: str, manifest: dict) -> str:
    path = os.path.join(out, MANIFEST)
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=1)
    os.replace(tmp, path)
    return path


def read_manifest(data_dir: str) -> Optional[dict]:
    try:
        with open(os.path.join(data_dir, MANIFEST), encoding="utf-8") as fh:
            return json.load(fh)
    except (FileNotFoundError, ValueError):
        return None
