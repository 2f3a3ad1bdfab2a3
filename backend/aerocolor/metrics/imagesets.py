"""Sets of images to score: a folder of images, or a raster cut into tiles.

Items are read when asked for, so a large raster never sits in memory at once.
"""
from __future__ import annotations

import os
from typing import List, Optional, Tuple

import numpy as np
import torch
from torch.utils.data import Dataset

from aerocolor.data.imageio import Stretch, gdal, list_images, read_image, split_bands, to_unit
from aerocolor.errors import BadInput


class ImageSet(Dataset):
    """Images as float (H, W, 3) arrays in [0, 1] (``image``) or uint8 (3, H, W) tensors (``[i]``).

    ``keys`` name each item (file stem, or raster window) so two sets can be matched tile for tile.
    """

    def __init__(self, path: str, tile: int = 256, stretch: Stretch = Stretch()):
        self.path = path
        self.stretch = stretch
        self.items: List[Tuple[str, Optional[Tuple[int, int, int, int]]]] = []
        self.limits: Optional[Tuple[float, float]] = None
        self._one_size = False  # check_one_size has passed
        if os.path.isdir(path):
            files = list_images(path)
            if not files:
                raise BadInput(f"{path} holds no images; give a folder of PNG/JPEG/TIFF tiles or a raster.")
            self.kind = "folder"
            self.items = [(f, None) for f in files]
            self.keys = [os.path.splitext(os.path.basename(f))[0] for f in files]
        elif os.path.isfile(path):
            self.kind = "raster"
            self._tile_raster(path, tile)
        else:
            raise BadInput(f"{path} does not exist; give a folder of images or a raster.")

    def _tile_raster(self, path: str, tile: int) -> None:
        if gdal is None:  # pragma: no cover - GDAL is installed on our machines
            raise BadInput("Cutting a raster into tiles needs GDAL; give a folder of images instead.")
        try:
            ds = gdal.Open(path)
        except RuntimeError as exc:
            raise BadInput(f"{path} is not a raster GDAL can read; give a folder of images or a GeoTIFF.",
                           str(exc)) from None
        w, h = ds.RasterXSize, ds.RasterYSize
        if w < tile or h < tile:
            raise BadInput(f"{path} ({w}x{h} px) is smaller than one tile of {tile} px; give a smaller --tile.")
        if ds.GetRasterBand(1).DataType != gdal.GDT_Byte:
            # Deeper data: one stretch for the whole raster, from an overview-sized read.
            scale = max(1, max(w, h) // 1024)
            small = ds.ReadAsArray(buf_xsize=max(1, w // scale), buf_ysize=max(1, h // scale))
            small = small[:, :, None] if small.ndim == 2 else np.moveaxis(small, 0, -1)
            bands, _ = split_bands(small, path)
            _, self.limits = to_unit(bands, self.stretch)
        self.items = [(path, (x, y, tile, tile)) for y in range(0, h - tile + 1, tile)
                      for x in range(0, w - tile + 1, tile)]
        self.keys = [f"{y:06d}_{x:06d}" for _, (x, y, _, _) in self.items]

    def __len__(self) -> int:
        return len(self.items)

    def check_one_size(self) -> None:
        """FID, KID and IS batch the images, so a folder must hold one size; headers only, no pixels read,
        and only once per set."""
        if self.kind != "folder" or gdal is None or self._one_size:
            return
        first = None
        for path, _ in self.items:
            ds = gdal.Open(path)
            size = (ds.RasterXSize, ds.RasterYSize)
            if first is None:
                first = (path, size)
            elif size != first[1]:
                raise BadInput(f"{self.path} holds images of different sizes ({os.path.basename(first[0])} is "
                               f"{first[1][0]}x{first[1][1]}, {os.path.basename(path)} {size[0]}x{size[1]}); "
                               f"cut or resize them to one size first.")
        self._one_size = True

    def image(self, index: int) -> np.ndarray:
        path, window = self.items[index]
        if window is None:
            img, _ = read_image(path, self.stretch)
        else:
            ds = gdal.Open(path)
            raw = ds.ReadAsArray(*window)
            raw = raw[:, :, None] if raw.ndim == 2 else np.moveaxis(raw, 0, -1)
            bands, _ = split_bands(raw, path)
            img, _ = to_unit(bands, self.stretch, limits=self.limits)
        if img.shape[2] == 1:
            img = np.repeat(img, 3, axis=2)
        return img

    def size(self, index: int) -> Tuple[int, int]:
        path, window = self.items[index]
        if window is not None:
            return window[3], window[2]
        return self.image(index).shape[:2]

    def __getitem__(self, index: int) -> torch.Tensor:
        img = self.image(index)
        arr = (np.clip(img, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
        return torch.from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))


def match(pred: ImageSet, ref: ImageSet) -> Tuple[Optional[List[Tuple[int, int]]], str]:
    """Index pairs (pred, ref) when the sets match tile for tile, else (None, why not)."""
    ref_index = {k: i for i, k in enumerate(ref.keys)}
    missing = [k for k in pred.keys if k not in ref_index]
    if missing:
        return None, (f"{len(missing)} of {len(pred.keys)} predicted images have no reference of the same "
                      f"name (e.g. {missing[0]})")
    if len(pred.keys) != len(ref.keys):
        extra = len(ref.keys) - len(pred.keys)
        note = f"; {extra} reference images without a prediction are left out"
    else:
        note = ""
    return [(i, ref_index[k]) for i, k in enumerate(pred.keys)], note
