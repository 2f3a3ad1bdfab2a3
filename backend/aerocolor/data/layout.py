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
    # einsum rather than a matrix product: OpenBLAS's threads would spin beside torch's afterwards.
    return np.einsum("hwc,c->hw", _unit(img[..., :3]), np.asarray(LUMA_WEIGHTS, np.float32))[..., None]


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


# Tile file formats: name -> extension. JPEG is lossy (smaller sets); TIFF carries georeferencing.
FORMATS = {"png": ".png", "jpeg": ".jpg", "tiff": ".tif"}


def save_image(path: str, img: np.ndarray, georef: Optional[tuple] = None) -> None:
    """Like save_png, in the format the extension names (.png, .jpg, .tif).

    ``georef`` = (geotransform, crs WKT) makes a .tif a GeoTIFF (through GDAL, when it is
    installed); tiles stay readable without it, so it is an extra, never a requirement.
    """
    ext = os.path.splitext(path)[1].lower()
    if ext == ".png":
        save_png(path, img)
        return
    arr = img if img.dtype == np.uint8 else (np.clip(img, 0, 1) * 255.0 + 0.5).astype(np.uint8)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    tmp = path + ".part" + ext
    if ext in (".tif", ".tiff") and georef is not None and _gdal_write(tmp, arr, georef):
        os.replace(tmp, path)
        return
    from PIL import Image

    if ext in (".jpg", ".jpeg"):
        Image.fromarray(arr).save(tmp, "JPEG", quality=95, subsampling=0)
    elif ext in (".tif", ".tiff"):
        Image.fromarray(arr).save(tmp, "TIFF", compression="tiff_deflate")
    else:
        raise ValueError(f"unknown tile format {ext!r}; use one of {', '.join(FORMATS.values())}")
    os.replace(tmp, path)


def _gdal_write(path: str, arr: np.ndarray, georef: tuple) -> bool:
    try:
        from osgeo import gdal
    except ImportError:  # pragma: no cover - GDAL is present wherever QGIS is
        return False
    bands = arr[None] if arr.ndim == 2 else np.moveaxis(arr, -1, 0)
    ds = gdal.GetDriverByName("GTiff").Create(path, bands.shape[2], bands.shape[1], bands.shape[0],
                                              gdal.GDT_Byte, ["COMPRESS=DEFLATE"])
    ds.SetGeoTransform(tuple(georef[0]))
    ds.SetProjection(georef[1])
    for i, band in enumerate(bands):
        ds.GetRasterBand(i + 1).WriteArray(band)
    ds = None
    return True


def tile_paths(out: str, layout: str, split: str, name: str, ext: str = ".png") -> dict:
    """Where the grey ("A") and colour ("B") images of one tile go; aligned tiles share one file."""
    if layout == "aligned":
        p = os.path.join(out, split, name + ext)
        return {"A": p, "B": p}
    if layout == "pairs":
        return {s: os.path.join(out, split, s, name + ext) for s in ("A", "B")}
    return {s: os.path.join(out, split + s, name + ext) for s in ("A", "B")}


def tile_writer(out: str, layout: str, fmt: str = "png") -> Callable[..., dict]:
    """write(split, name, grey or None, rgb, georef=None) -> paths; grey defaults to the luma of rgb.

    ``fmt`` is a key of FORMATS; ``georef`` (geotransform, WKT) georeferences TIFF tiles of
    the A/B layouts (an aligned A|B image is two tiles wide, so it is never georeferenced).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown tile format {fmt!r}")
    ext = FORMATS[fmt]

    def write(split: str, name: str, grey: Optional[np.ndarray], rgb: np.ndarray,
              georef: Optional[tuple] = None) -> dict:
        grey = grey_of(rgb) if grey is None else grey
        paths = tile_paths(out, layout, split, name, ext)
        for p in set(paths.values()):
            os.makedirs(os.path.dirname(p), exist_ok=True)
        if layout == "aligned":
            save_image(paths["A"], np.concatenate([np.repeat(_unit(grey), 3, 2), _unit(rgb)], 1))
        else:
            save_image(paths["A"], grey, georef)
            save_image(paths["B"], rgb, georef)
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
