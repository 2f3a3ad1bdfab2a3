"""GDAL raster I/O for colorize: a grey source read in strips, an RGBA GeoTIFF written in strips.

Both sides touch a bounded number of rows at a time, and GDAL's block cache is capped
while they work, so memory does not grow with the raster. The output is written under a
temporary name; only `commit` puts it under the name the user asked for.
"""
from __future__ import annotations

import contextlib
import math
import os
from dataclasses import dataclass, field
from typing import Callable, Iterator, List, Optional, Tuple

import numpy as np
from osgeo import gdal, osr

from aerocolor.colorize.blockrows import BlockRows
from aerocolor.data.layout import LUMA_WEIGHTS
from aerocolor.data.imageio import Stretch, to_unit
from aerocolor.errors import BadInput, disk_error
from aerocolor.colorize.output_files import part_name, remove_parts

gdal.UseExceptions()

# GDAL's block cache while colorize runs: a few block rows of a wide raster. Strips are read once
# (plus the overlap) and block rows are flushed when complete, so a larger cache buys nothing.
CACHE_BYTES = 24 * 1024 * 1024
# Pixels sampled (decimated read) to find the stretch of 16-bit and float input.
STRETCH_SAMPLE = 1024 * 1024

_METRES_PER_UNIT = {"metre": 1.0, "meter": 1.0, "metres": 1.0, "meters": 1.0, "m": 1.0,
                    "foot": 0.3048, "ft": 0.3048, "feet": 0.3048,
                    "us survey foot": 1200.0 / 3937.0, "foot_us": 1200.0 / 3937.0}


def metres_per_unit(units: Optional[str]) -> Optional[float]:
    """Metres in one `units` (a CRS's linear unit name), or None for names we cannot convert."""
    return _METRES_PER_UNIT.get((units or "").strip().lower())


@contextlib.contextmanager
def config_options(options: dict) -> Iterator[None]:
    """GDAL config options for the duration of a block (GDAL 3.6 has no gdal.config_options)."""
    old = {k: gdal.GetConfigOption(k) for k in options}
    for k, v in options.items():
        gdal.SetConfigOption(k, v)
    try:
        yield
    finally:
        for k, v in old.items():
            gdal.SetConfigOption(k, v)


@contextlib.contextmanager
def bounded_cache(nbytes: int = CACHE_BYTES) -> Iterator[None]:
    old = gdal.GetCacheMax()
    gdal.SetCacheMax(min(old, nbytes))
    try:
        yield
    finally:
        gdal.SetCacheMax(old)


@dataclass
class SourceInfo:
    path: str
    width: int
    height: int
    bands: List[int]                     # the bands read: [1] grey or [1, 2, 3] colour
    dtype: str
    geotransform: Optional[Tuple[float, ...]]   # None when the raster has no georeferencing
    projection: str = ""
    gcps: list = field(default_factory=list)
    gcp_projection: str = ""
    gsd_m: Optional[float] = None        # metres per pixel, when known
    limits: Tuple[float, float] = (0.0, 255.0)

    @property
    def colour(self) -> bool:
        return len(self.bands) == 3


def _ground_resolution(ds, gt) -> Optional[float]:
    """Metres per pixel of a north-up or rotated grid (the mean of both axes), or None."""
    wkt = ds.GetProjection()
    if gt is None or not wkt:
        return None
    srs = osr.SpatialReference(wkt=wkt)
    px = (math.hypot(gt[1], gt[4]) + math.hypot(gt[2], gt[5])) / 2.0
    if srs.IsProjected():
        return px * srs.GetLinearUnits()
    if srs.IsGeographic():
        # Degrees to metres at the raster's middle latitude; the geometric mean of the x and y sizes.
        lat = gt[3] + gt[5] * ds.RasterYSize / 2.0
        return px * 111_320.0 * math.sqrt(abs(math.cos(math.radians(lat))))
    return None


_INT_RANGES = {"Byte": (0, 255), "Int8": (-128, 127), "UInt16": (0, 65535), "Int16": (-32768, 32767),
               "UInt32": (0, 2 ** 32 - 1), "Int32": (-2 ** 31, 2 ** 31 - 1)}


def _nodata_out_of_range(band, dtype: str) -> Optional[float]:
    """A declared nodata value the band's integer type cannot hold (GDAL then masks nothing), else None."""
    value, limits = band.GetNoDataValue(), _INT_RANGES.get(dtype)
    if value is None or limits is None:
        return None
    return None if limits[0] <= value <= limits[1] else value  # NaN is in no range either


class GreySource:
    """A raster GDAL can open, read as grey in [0, 1] plus a valid mask, strip by strip.

    1 band: grey; 2: grey + alpha; 3: RGB (turned grey with the luma formula); 4: RGB + alpha.
    One instance is used by one thread at a time (GDAL datasets are not shared between threads).
    """

    def __init__(self, path: str, stretch: Stretch = Stretch()):
        if not os.path.exists(path) and not path.startswith("/vsi"):
            raise BadInput(f"The input raster {path} does not exist; check the path.")
        try:
            self.ds = gdal.Open(path, gdal.GA_ReadOnly)
        except RuntimeError as exc:
            raise BadInput(f"{path} is not a raster GDAL can read; convert it to GeoTIFF first.", str(exc)) from None
        ds = self.ds
        n = ds.RasterCount
        if n not in (1, 2, 3, 4):
            raise BadInput(f"{path} has {n} bands; colorize reads 1-band grey or 3-band RGB (each with an "
                           f"optional alpha band); pick bands with gdal_translate -b.")
        b1 = ds.GetRasterBand(1)
        if b1.GetColorTable() is not None:
            raise BadInput(f"{path} is a paletted raster; expand it first with "
                           f"gdal_translate -expand gray (or rgb).")
        bands = [1] if n in (1, 2) else [1, 2, 3]
        dtype = gdal.GetDataTypeName(b1.DataType)
        if dtype.startswith("C"):
            raise BadInput(f"{path} holds complex numbers; colorize needs a grey or RGB photo.")
        gt = ds.GetGeoTransform(can_return_null=True)
        if gt is not None and tuple(gt) == (0.0, 1.0, 0.0, 0.0, 0.0, 1.0) and not ds.GetProjection():
            gt = None
        self.info = SourceInfo(path=path, width=ds.RasterXSize, height=ds.RasterYSize, bands=bands,
                               dtype=dtype, geotransform=tuple(gt) if gt else None,
                               projection=ds.GetProjection() or "", gcps=list(ds.GetGCPs() or []),
                               gcp_projection=ds.GetGCPProjection() or "",
                               gsd_m=_ground_resolution(ds, gt))
        self.stretch = stretch
        mask_flags = b1.GetMaskFlags()
        self._all_valid = bool(mask_flags & gdal.GMF_ALL_VALID) and all(
            ds.GetRasterBand(b).GetMaskFlags() & gdal.GMF_ALL_VALID for b in bands)
        self._dataset_mask = bool(mask_flags & gdal.GMF_PER_DATASET)
        self._float = dtype.startswith("Float")
        self.nodata_out_of_range = _nodata_out_of_range(b1, dtype)
        self.info.limits = self._find_limits()

    def _find_limits(self) -> Tuple[float, float]:
        """8-bit data is /255; deeper data is stretched between the percentiles the model was trained with,
        taken over a decimated read of the whole raster (bounded memory, one value for every strip)."""
        if self.info.dtype == "Byte":
            return (0.0, 255.0)
        raw, valid = self._decimated()
        _, limits = to_unit(raw, self.stretch, valid=np.broadcast_to(valid, raw.shape))
        return limits

    def _decimated(self) -> Tuple[np.ndarray, np.ndarray]:
        """The whole raster read at about STRETCH_SAMPLE pixels: raw bands (b, h, w) and valid (h, w)."""
        w, h = self.info.width, self.info.height
        f = max(1.0, math.sqrt(w * h / STRETCH_SAMPLE))
        bw, bh = max(1, int(w / f)), max(1, int(h / f))
        raw = np.stack([self.ds.GetRasterBand(b).ReadAsArray(buf_xsize=bw, buf_ysize=bh) for b in self.info.bands])
        valid = self._mask(0, h, 0, w, bw, bh)
        if self._float:
            valid &= np.isfinite(raw).all(axis=0)
        return raw, valid

    def _grey(self, unit: np.ndarray) -> np.ndarray:
        """Bands in [0, 1] (b, h, w) to grey (h, w) float32: the luma of colour, the one band of grey."""
        if self.info.colour:
            # einsum keeps this off OpenBLAS, whose spinning threads would compete with the generator.
            return np.ascontiguousarray(np.einsum("b,bhw->hw", np.asarray(LUMA_WEIGHTS, np.float32), unit))
        return np.ascontiguousarray(unit[0], np.float32)

    def _mask(self, y0: int, rows: int, x0: int, cols: int, bw: Optional[int] = None,
              bh: Optional[int] = None) -> np.ndarray:
        shape = (bh or rows, bw or cols)
        if self._all_valid:
            return np.ones(shape, bool)
        kw = dict(buf_xsize=shape[1], buf_ysize=shape[0])
        if self._dataset_mask or len(self.info.bands) == 1:
            return self.ds.GetRasterBand(1).GetMaskBand().ReadAsArray(x0, y0, cols, rows, **kw) > 0
        # Per-band nodata on RGB: a pixel is missing only when every band says so.
        valid = np.zeros(shape, bool)
        for b in self.info.bands:
            valid |= self.ds.GetRasterBand(b).GetMaskBand().ReadAsArray(x0, y0, cols, rows, **kw) > 0
        return valid

    def read(self, y0: int, y1: int) -> Tuple[np.ndarray, np.ndarray]:
        """Rows [y0, y1): grey (h, W) and valid mask (h, W). Grey is float32 in [0, 1], except for an
        8-bit one-band raster, whose uint8 values come as they are (grey = value / 255)."""
        w, rows = self.info.width, y1 - y0
        try:
            raw = np.stack([self.ds.GetRasterBand(b).ReadAsArray(0, y0, w, rows) for b in self.info.bands])
            valid = self._mask(y0, rows, 0, w)
        except RuntimeError as exc:
            raise BadInput(f"Could not read rows {y0}-{y1} of {self.info.path}; the file may be damaged "
                           f"or a VRT source missing.", str(exc)) from None
        if self._float:
            valid &= np.isfinite(raw).all(axis=0)
        if self.info.dtype == "Byte" and not self.info.colour:
            return raw[0], valid
        unit, _ = to_unit(raw, self.stretch, limits=self.info.limits)
        return self._grey(unit), valid

    def band_notice(self) -> Optional[Tuple[str, str]]:
        """(notice key, level) on what a two-band raster's second band is taken for, else None."""
        if self.ds.RasterCount != 2:
            return None
        if self.ds.GetRasterBand(2).GetColorInterpretation() == gdal.GCI_AlphaBand:
            return "two_bands_alpha", "info"
        return "two_bands_other", "warning"

    def sample(self) -> Tuple[np.ndarray, np.ndarray]:
        """The whole raster decimated to about STRETCH_SAMPLE pixels: grey float32 in [0, 1] and valid,
        for statistics of the photo (the tone match)."""
        raw, valid = self._decimated()
        unit, _ = to_unit(raw, self.stretch, limits=self.info.limits)
        return self._grey(unit), valid

    def close(self) -> None:
        self.ds = None


# -- output -------------------------------------------------------------------------------
@dataclass
class OutputOptions:
    compress: str = "zstd"        # zstd | deflate
    block: int = 256
    overviews: bool = True
    cog: bool = False


def _creation_options(opts: OutputOptions) -> List[str]:
    comp = opts.compress.upper()
    if comp not in ("DEFLATE", "ZSTD"):
        raise BadInput(f"Unknown compression {opts.compress!r}; choose deflate or zstd.")
    # Fast levels: beside the generator, a stronger level costs far more CPU than its smaller file
    # is worth (ZSTD 9: 10x the CPU of ZSTD 1 for 5 % less, docs/performance.md).
    level = ["ZSTD_LEVEL=1"] if comp == "ZSTD" else ["ZLEVEL=6"]
    # Blocks are compressed in the writer thread itself: the generator keeps every core busy, so
    # GDAL's own compression threads only take cores from it (2 % slower, docs/performance.md).
    # One plane per band: each plane's blocks compress on their own (the alpha plane to almost nothing)
    # and GDAL need not interleave them first: less CPU, a 12 % smaller file (docs/performance.md).
    return [f"COMPRESS={comp}", *level, "PREDICTOR=2", "TILED=YES", f"BLOCKXSIZE={opts.block}",
            f"BLOCKYSIZE={opts.block}", "BIGTIFF=IF_SAFER", "PHOTOMETRIC=RGB", "ALPHA=YES",
            "INTERLEAVE=BAND", "NUM_THREADS=1"]


def _writes_to_null(path: str) -> None:
    """Point this process's open descriptors of `path` at the null device.

    After a failed write GDAL's close retries the pending blocks and the directory; on a full disk
    (ENOSPC on every write) GDAL 3.6 then spun for minutes. For a file about to be deleted those
    writes can go nowhere. Linux's /proc only; elsewhere the close is merely made quiet."""
    real, fd_dir = os.path.realpath(path), "/proc/self/fd"
    if not os.path.isdir(fd_dir):
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in os.listdir(fd_dir):
            with contextlib.suppress(OSError, ValueError):
                if os.readlink(os.path.join(fd_dir, fd)) == real:
                    os.dup2(null, int(fd))
    finally:
        os.close(null)


@contextlib.contextmanager
def _quiet_gdal() -> Iterator[None]:
    """GDAL errors neither raised nor printed: a close in the bindings' destructor can only print them."""
    gdal.DontUseExceptions()
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        yield
    finally:
        gdal.PopErrorHandler()
        gdal.UseExceptions()


class RGBAWriter:
    """An 8-bit RGBA GeoTIFF on the source's grid, written in block-aligned strips under `path`.part."""

    def __init__(self, path: str, info: SourceInfo, opts: OutputOptions):
        self.path, self.info, self.opts = path, info, opts
        self.tmp = part_name(path)
        # One block row of RGBA, filled as rows arrive and written when complete (no partial blocks).
        self._rows: Optional[BlockRows] = BlockRows(4, info.width, info.height, opts.block, self._flush)
        try:
            drv = gdal.GetDriverByName("GTiff")
            self.ds = drv.Create(self.tmp, info.width, info.height, 4, gdal.GDT_Byte, _creation_options(opts))
        except RuntimeError as exc:
            raise disk_error(path, exc) from None
        try:
            self._prepare(info, opts, path)
        except BaseException:
            self.abort()  # a dataset left to the garbage collector would be closed, and written, later
            raise

    def _prepare(self, info: SourceInfo, opts: OutputOptions, path: str) -> None:
        ds = self.ds
        if info.geotransform is not None:
            ds.SetGeoTransform(info.geotransform)
            if info.projection:
                ds.SetProjection(info.projection)
        elif info.gcps:
            ds.SetGCPs(info.gcps, info.gcp_projection)
        for i, ci in enumerate((gdal.GCI_RedBand, gdal.GCI_GreenBand, gdal.GCI_BlueBand, gdal.GCI_AlphaBand)):
            ds.GetRasterBand(i + 1).SetColorInterpretation(ci)
        del ds  # no reference outlives this frame in a traceback: abort() must be the one to close
        # GDAL's AVERAGE over the finished file (alpha-aware); a COG is re-laid at the end and makes its own.
        levels = overview_levels(info.width, info.height, opts.block)
        self._levels = levels if opts.overviews and not opts.cog else []

    def _overview_config(self) -> dict:
        return {"COMPRESS_OVERVIEW": self.opts.compress.upper(), "ZSTD_LEVEL_OVERVIEW": "1",
                "PREDICTOR_OVERVIEW": "2"}

    def write(self, y0: int, rgba: np.ndarray) -> None:
        """Rows must arrive in order; they are written whenever a block row is complete."""
        if y0 != self._rows.next_row:
            raise ValueError(f"rows out of order: got {y0}, expected {self._rows.next_row}")
        self._rows.add(rgba)

    def _flush(self, top: int, rows: np.ndarray) -> None:
        try:
            rows = np.ascontiguousarray(rows)
            self.ds.WriteArray(rows, 0, top)
            self.ds.FlushCache()
        except RuntimeError as exc:
            raise disk_error(self.path, exc) from None

    def finish(self, metadata: dict, progress: Optional[Callable[[float], bool]] = None) -> None:
        """Metadata, overviews (or the COG layout), then close; the file is still under its temporary name."""
        if self._rows.top != self.info.height:
            raise ValueError(f"only {self._rows.top} of {self.info.height} rows were written")
        self._rows = None
        try:
            self.ds.SetMetadata({k: str(v) for k, v in metadata.items()})
            if self._levels:
                cb = (lambda f, _m, _d: 1 if progress(f) else 0) if progress else None
                with config_options(self._overview_config()):
                    self.ds.BuildOverviews("AVERAGE", self._levels, callback=cb)
            self.ds.FlushCache()
            self.ds = None
            if self.opts.cog:
                self._to_cog(progress)
        except RuntimeError as exc:
            raise disk_error(self.path, exc) from None

    def _to_cog(self, progress) -> None:
        """Re-lay the finished GeoTIFF as a Cloud Optimized GeoTIFF (overviews included) under the temporary name."""
        cog_tmp = self.tmp + ".cog"
        cb = (lambda f, _m, _d: 1 if progress(f) else 0) if progress else None
        gdal.Translate(cog_tmp, self.tmp, format="COG", callback=cb,
                       creationOptions=[f"COMPRESS={self.opts.compress.upper()}", "PREDICTOR=YES",
                                        "LEVEL=1" if self.opts.compress.upper() == "ZSTD" else "LEVEL=6",
                                        f"BLOCKSIZE={self.opts.block}", "BIGTIFF=IF_SAFER",
                                        "OVERVIEWS=IGNORE_EXISTING" if self.opts.overviews else "OVERVIEWS=NONE",
                                        "RESAMPLING=AVERAGE", "NUM_THREADS=ALL_CPUS"])
        os.replace(cog_tmp, self.tmp)

    def commit(self) -> str:
        os.replace(self.tmp, self.path)
        return self.path

    def abort(self) -> None:
        """Drop the unfinished file; nothing appears under the final name."""
        if self.ds is not None:
            _writes_to_null(self.tmp)
            with _quiet_gdal():
                self.ds = None
        remove_parts(self.path)


def raster_size(path: str) -> Optional[Tuple[int, int]]:
    """(width, height) of a raster GDAL opens, else None (the caller reports the file when it reads it)."""
    try:
        ds = gdal.Open(path)
    except RuntimeError:
        return None
    return (ds.RasterXSize, ds.RasterYSize) if ds is not None else None


def overview_levels(width: int, height: int, block: int = 256) -> List[int]:
    """Factors 2, 4, 8, ... until the smallest overview fits in one block."""
    levels, f = [], 2
    while max(width, height) / (f // 2) > block:
        levels.append(f)
        f *= 2
    return levels
