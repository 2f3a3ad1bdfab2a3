"""Read and write plain images (tiles) as float arrays in [0, 1], any depth GDAL or Pillow reads.

8-bit data is divided by 255. 16-bit and float data is stretched between two
percentiles; the values used are returned so that they can be recorded.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Iterable, List, Optional, Tuple

import numpy as np

from aerocolor.data.layout import grey_of, save_png  # noqa: F401 (save_png is part of this module's API)
from aerocolor.errors import BadInput

try:  # GDAL reads everything; Pillow is the fallback for users without it.
    from osgeo import gdal

    gdal.UseExceptions()
except ImportError:  # pragma: no cover - GDAL is installed on our machines
    gdal = None

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".jp2", ".webp", ".vrt", ".img")


@dataclass
class Stretch:
    """How raw values become [0, 1]. 8-bit: /255. Deeper data: per-image percentiles."""

    low_pct: float = 0.5
    high_pct: float = 99.5

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Optional[dict]) -> "Stretch":
        return cls(**{k: v for k, v in (d or {}).items() if k in ("low_pct", "high_pct")})


def to_unit(raw: np.ndarray, stretch: Stretch = Stretch(), valid: Optional[np.ndarray] = None,
            limits: Optional[Tuple[float, float]] = None) -> Tuple[np.ndarray, Tuple[float, float]]:
    """Raw pixel values to float32 in [0, 1]; returns the (low, high) values used."""
    if raw.dtype == np.uint8:
        return raw.astype(np.float32) / 255.0, (0.0, 255.0)
    if limits is None:
        sample = raw[valid] if valid is not None else raw
        sample = sample[np.isfinite(sample)] if sample.dtype.kind == "f" else sample
        if sample.size == 0:
            return np.zeros(raw.shape, np.float32), (0.0, 1.0)
        lo, hi = np.percentile(sample, [stretch.low_pct, stretch.high_pct])
        limits = (float(lo), float(hi))
    lo, hi = limits
    scale = 1.0 / (hi - lo) if hi > lo else 0.0
    out = (raw.astype(np.float32) - np.float32(lo)) * np.float32(scale)
    np.clip(out, 0.0, 1.0, out=out)
    return np.nan_to_num(out, copy=False), limits


def unreadable(paths: Iterable[str]) -> List[str]:
    """The images among `paths` whose pixels cannot all be decoded (truncated or damaged files). Every
    pixel is read: a damaged file's header often opens fine and fails only where the damage starts."""
    bad = []
    for path in paths:
        try:
            if gdal is not None:
                ds = gdal.Open(path)
                ds.ReadRaster()
                ds = None
            else:  # pragma: no cover
                from PIL import Image

                with Image.open(path) as im:
                    im.load()
        except Exception:  # noqa: BLE001 - any failure to decode is what is looked for
            bad.append(path)
    return bad


def read_raw(path: str, shrink_to: Optional[int] = None) -> np.ndarray:
    """All bands of an image as an (H, W, C) array of its own dtype. With `shrink_to`, an image whose
    shorter side exceeds twice that is read reduced by GDAL (area average, from overviews where there
    are some) to about twice that, so a large raster never has to fit in memory whole."""
    if not os.path.isfile(path):
        raise BadInput(f"{path} does not exist; check the path.")
    if gdal is not None:
        try:
            ds = gdal.Open(path)
            w, h = ds.RasterXSize, ds.RasterYSize
            if shrink_to and min(w, h) > 2 * shrink_to:
                f = min(w, h) / (2 * shrink_to)
                arr = ds.ReadAsArray(buf_xsize=max(1, round(w / f)), buf_ysize=max(1, round(h / f)),
                                     resample_alg=gdal.GRIORA_Average)
            else:
                arr = ds.ReadAsArray()
            ds = None
        except RuntimeError as exc:
            raise BadInput(f"{path} is not an image GDAL can read; remove it or convert it "
                           f"to PNG or GeoTIFF.", str(exc)) from None
        if arr is None:
            raise BadInput(f"{path} holds no pixels; remove it from the folder.")
        return arr[:, :, None] if arr.ndim == 2 else np.moveaxis(arr, 0, -1)
    from PIL import Image  # pragma: no cover

    try:  # pragma: no cover
        with Image.open(path) as im:
            return np.asarray(im)[..., None] if im.mode in ("L", "I;16", "I", "F") else np.asarray(im)
    except Exception as exc:  # pragma: no cover
        raise BadInput(f"{path} is not an image Pillow can read; remove it or convert it.", str(exc))


def split_bands(raw: np.ndarray, path: str = "") -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """(H, W, C) to colour or grey bands and an optional alpha: 1 or 2 bands grey, 3 or 4 colour."""
    c = raw.shape[2]
    if c in (1, 3):
        return raw, None
    if c == 2:
        return raw[:, :, :1], raw[:, :, 1] > 0
    if c == 4:
        return raw[:, :, :3], raw[:, :, 3] > 0
    raise BadInput(f"{path or 'the image'} has {c} bands; AeroColor reads 1-band grey or "
                   f"3-band RGB (with an optional alpha band). Select the bands with gdal_translate -b.")


def read_image(path: str, stretch: Stretch = Stretch(), shrink_to: Optional[int] = None) -> Tuple[np.ndarray, dict]:
    """An image as float32 (H, W, 1 or 3) in [0, 1], and how it was scaled (shrink_to: see read_raw)."""
    raw = read_raw(path, shrink_to)
    bands, _alpha = split_bands(raw, path)
    unit, limits = to_unit(bands, stretch)
    return unit, {"dtype": str(raw.dtype), "limits": list(limits)}


def to_grey(img: np.ndarray) -> np.ndarray:
    """(H, W, 3) colour in [0, 1] to (H, W, 1) grey with the recorded luma formula."""
    return grey_of(img)


def list_images(folder: str) -> list:
    if not os.path.isdir(folder):
        return []
    return sorted(os.path.join(folder, f) for f in os.listdir(folder)
                  if f.lower().endswith(IMAGE_EXTENSIONS) and not f.startswith("."))
