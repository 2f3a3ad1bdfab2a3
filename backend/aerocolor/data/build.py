"""`aerocolor dataset`: cut colour rasters or image folders into a training set.

Tiles are grouped into square blocks of tiles and whole blocks go to train, val or
test, so neighbouring tiles never straddle splits; a tile whose pixels reach into a
block of another split (possible when stride < tile) is dropped.
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import asdict, dataclass, field
from typing import Callable, List, Optional, Sequence

import numpy as np

from aerocolor.data.imageio import IMAGE_EXTENSIONS, Stretch, gdal, list_images, split_bands, to_unit
from aerocolor.data.layout import (GREY_FORMULA, MANIFEST_VERSION, SPLITS, folder_is_free, read_manifest,
                                   split_of_block, tile_writer, write_manifest)
from aerocolor.data.synthetic import scene
from aerocolor.errors import BadInput

__all__ = ["DatasetConfig", "build_dataset", "build_synthetic", "read_manifest"]


@dataclass
class DatasetConfig:
    out: str
    tile: int = 256
    stride: Optional[int] = None      # default: the tile size (no overlap)
    layout: str = "pairs"
    val_fraction: float = 0.1
    test_fraction: float = 0.1
    block: int = 4                    # tiles per side of one split block
    seed: int = 0
    stretch: Stretch = field(default_factory=Stretch)
    min_std: float = 0.004            # tiles flatter than this (blank, nodata fill) are skipped
    gsd: Optional[float] = None       # m/px of sources without georeferencing (e.g. PNG crops)


def _check_out(cfg: DatasetConfig) -> None:
    if cfg.layout not in ("aligned", "pairs", "unpaired"):
        raise BadInput(f"Unknown layout {cfg.layout!r}; choose aligned, pairs or unpaired.")
    if cfg.tile < 16:
        raise BadInput(f"A tile of {cfg.tile} px is too small; use 16 px or more.")
    if not folder_is_free(cfg.out):
        raise BadInput(f"{cfg.out} already holds files; choose an empty or new --out folder "
                       f"(nothing was overwritten).")
    os.makedirs(cfg.out, exist_ok=True)


def _split_of_block(key: tuple, cfg: DatasetConfig) -> str:
    return split_of_block(key, cfg.seed, cfg.val_fraction, cfg.test_fraction)


def _source_info(path: str) -> dict:
    info: dict = {"path": os.path.abspath(path)}
    if gdal is None:
        return info
    ds = gdal.Open(path)
    gt = ds.GetGeoTransform(can_return_null=True)
    srs = ds.GetSpatialRef()
    info.update(width=ds.RasterXSize, height=ds.RasterYSize, bands=ds.RasterCount,
                dtype=gdal.GetDataTypeName(ds.GetRasterBand(1).DataType))
    if gt is not None and srs is not None:
        info.update(geotransform=list(gt), crs=srs.ExportToWkt(),
                    crs_authid=(f"{srs.GetAuthorityName(None)}:{srs.GetAuthorityCode(None)}"
                                if srs.GetAuthorityCode(None) else None),
                    gsd=abs(gt[1]), gsd_units=srs.GetLinearUnitsName() if srs.IsProjected() else "degree")
    return info


def _read_raster(path: str, cfg: DatasetConfig):
    """Whole colour raster as float (H, W, 3) in [0, 1], its validity mask and stretch limits."""
    ds = gdal.Open(path)
    raw = ds.ReadAsArray()
    raw = raw[:, :, None] if raw.ndim == 2 else np.moveaxis(raw, 0, -1)
    bands, alpha = split_bands(raw, path)
    if bands.shape[2] != 3:
        raise BadInput(f"{path} is not a colour raster; 'aerocolor dataset' needs 3-band RGB sources.")
    valid = np.ones(bands.shape[:2], bool) if alpha is None else alpha.copy()
    for i in range(3):
        nd = ds.GetRasterBand(i + 1).GetNoDataValue()
        if nd is not None:
            valid &= bands[:, :, i] != nd
    unit, limits = to_unit(bands, cfg.stretch, valid=valid)
    return unit, valid, limits


def build_dataset(sources: Sequence[str], cfg: DatasetConfig,
                  progress: Optional[Callable[[int, int], None]] = None) -> dict:
    """Tile colour rasters (files or folders of images) into cfg.out; returns the manifest."""
    paths: List[str] = []
    for src in sources:
        if os.path.isdir(src):
            paths.extend(list_images(src))
        elif os.path.isfile(src):
            paths.append(src)
        else:
            raise BadInput(f"{src} does not exist; give colour rasters or folders of images.")
    if not paths:
        raise BadInput(f"No images found in {', '.join(sources)}; supported: {', '.join(IMAGE_EXTENSIONS)}.")
    _check_out(cfg)
    stride = cfg.stride or cfg.tile
    write = tile_writer(cfg.out, cfg.layout)
    tiles, sources_info = [], []
    skipped = {"blank_or_nodata": 0, "straddles_split": 0, "sources_smaller_than_a_tile": 0}
    for si, path in enumerate(paths):
        info = _source_info(path)
        if cfg.gsd and not info.get("gsd"):
            info.update(gsd=cfg.gsd, gsd_units="metre", gsd_stated=True)
        img, valid, limits = _read_raster(path, cfg)
        info["stretch_limits"] = list(limits)
        sources_info.append(info)
        h, w = img.shape[:2]
        if h < cfg.tile or w < cfg.tile:
            if len(paths) == 1:
                raise BadInput(f"{path} ({w}x{h} px) is smaller than one tile of {cfg.tile} px; "
                               f"choose a smaller --tile.")
            skipped["sources_smaller_than_a_tile"] += 1  # counted in the manifest; others go on
            continue
        span = cfg.block * stride
        stem = os.path.splitext(os.path.basename(path))[0]
        for y in range(0, h - cfg.tile + 1, stride):
            for x in range(0, w - cfg.tile + 1, stride):
                corners = {(yy // span, xx // span) for yy in (y, y + cfg.tile - 1) for xx in (x, x + cfg.tile - 1)}
                splits = {_split_of_block((stem, *c), cfg) for c in corners}
                if len(splits) > 1:
                    skipped["straddles_split"] += 1
                    continue
                rgb = img[y:y + cfg.tile, x:x + cfg.tile]
                if not valid[y:y + cfg.tile, x:x + cfg.tile].all() or float(rgb.std()) < cfg.min_std:
                    skipped["blank_or_nodata"] += 1
                    continue
                split = splits.pop()
                name = f"{si:03d}_{stem}_{y:06d}_{x:06d}"
                write(split, name, None, rgb)
                entry = {"id": name, "split": split, "source": si, "window": [x, y, cfg.tile, cfg.tile]}
                gt = info.get("geotransform")
                if gt:
                    x0, y0 = gt[0] + x * gt[1] + y * gt[2], gt[3] + x * gt[4] + y * gt[5]
                    x1 = gt[0] + (x + cfg.tile) * gt[1] + (y + cfg.tile) * gt[2]
                    y1 = gt[3] + (x + cfg.tile) * gt[4] + (y + cfg.tile) * gt[5]
                    entry["bounds"] = [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]
                tiles.append(entry)
        if progress:
            progress(si + 1, len(paths))
    return _finish(cfg, tiles, sources_info, skipped, kind="rasters")


def build_synthetic(count: int, cfg: DatasetConfig,
                    progress: Optional[Callable[[int, int], None]] = None) -> dict:
    """count deterministic synthetic scenes of cfg.tile px, split at random by cfg.seed."""
    if count < 1:
        raise BadInput("--synthetic needs a count of 1 or more scenes.")
    _check_out(cfg)
    write = tile_writer(cfg.out, cfg.layout)
    tiles = []
    for i in range(count):
        rgb = scene(cfg.tile, cfg.tile, seed=cfg.seed * 100003 + i)
        split = _split_of_block(("synthetic", i), cfg) if count >= 10 else "train"
        name = f"syn_{i:05d}"
        write(split, name, None, rgb)
        tiles.append({"id": name, "split": split, "source": 0, "window": [0, 0, cfg.tile, cfg.tile]})
        if progress:
            progress(i + 1, count)
    return _finish(cfg, tiles, [{"synthetic": True, "seed": cfg.seed}], {}, kind="synthetic")


def _finish(cfg: DatasetConfig, tiles: list, sources: list, skipped: dict, kind: str,
            extra: Optional[dict] = None) -> dict:
    """Write the manifest of the tiles cut; `extra` adds or replaces top-level keys (frames.py)."""
    if not tiles:
        raise BadInput(f"No usable tiles were cut (skipped: {skipped}); choose a smaller --tile "
                       f"or sources with more valid pixels.")
    gsds = {s.get("gsd") for s in sources if s.get("gsd")}
    manifest = {
        "aerocolor_dataset": MANIFEST_VERSION,
        "kind": kind,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "config": {k: (v.to_dict() if isinstance(v, Stretch) else v) for k, v in asdict(cfg).items()
                   if k != "stretch"} | {"stretch": cfg.stretch.to_dict()},
        "grey_formula": GREY_FORMULA,
        "gsd": gsds.pop() if len(gsds) == 1 else None,
        "sources": sources,
        "counts": {s: sum(t["split"] == s for t in tiles) for s in SPLITS},
        "skipped": skipped,
        "tiles": tiles,
    }
    manifest.update(extra or {})
    write_manifest(cfg.out, manifest)
    return manifest

