"""A GeoTIFF's overviews built from its rows as they are written, instead of in a pass at the end.

GDAL's BuildOverviews reads the finished raster back, decompresses it and averages it while
nothing else runs: 0.1 s of a 4-megapixel colorize (3 %). Here each block row the writer
completes is averaged down at once, level after level, in the writer's own thread, beside the
generator. For a 2048 x 2048 colorize the three levels took 44 ms of CPU where GDAL's pass took
100-125 ms; at 2049 x 2047 (fractional windows) 80-125 ms against 145-160 ms.

The result is GDAL's AVERAGE on an RGBA raster whose alpha is 0 or 255: each level is made from
the level below; an overview pixel covers the source span [i * ratio, (i + 1) * ratio) in each
axis, ratio = source size / overview size (2 where the size halves exactly, a little less where it
is odd), with source pixels that are only partly inside weighted by the part; the colour is the
weighted mean of the valid pixels (alpha > 0) rounded to nearest, alpha is 255 where any is valid,
and both are 0 where none is. Overview rows are written a whole block row at a time, so no
compressed block is written twice.
"""
from __future__ import annotations

import math
from typing import List, Optional, Tuple

import numpy as np

from aerocolor.colorize.blockrows import BlockRows


def windows(n_src: int, n_dst: int) -> Tuple[np.ndarray, np.ndarray]:
    """Source indices (n_dst, k) and weights (n_dst, k) of each overview pixel along one axis;
    unused slots have weight 0."""
    ratio = n_src / n_dst
    spans = []
    for i in range(n_dst):
        a, b = i * ratio, (i + 1) * ratio
        first = int(a + 1e-8)
        last = max(first + 1, min(n_src, int(math.ceil(b - 1e-8))))
        spans.append([(j, min(j + 1.0, b) - max(float(j), a)) for j in range(first, last)])
    k = max(len(s) for s in spans)
    idx = np.zeros((n_dst, k), np.int64)
    wts = np.zeros((n_dst, k), np.float64)
    for i, s in enumerate(spans):
        for m, (j, w) in enumerate(s):
            idx[i, m], wts[i, m] = j, w
        idx[i, len(s):] = s[-1][0]
    return idx, wts


def _halve_exact(rgba: np.ndarray) -> np.ndarray:
    """(4, 2m, 2n) -> (4, m, n) over whole 2x2 windows: integer sums, as GDAL's own fast path."""
    a = rgba[:, 0::2, 0::2].astype(np.uint16)
    a += rgba[:, 0::2, 1::2]
    a += rgba[:, 1::2, 0::2]
    a += rgba[:, 1::2, 1::2]
    if a[3].min() == 4 * 255:           # every pixel valid, the usual case: a plain rounded mean
        a += 2
        a >>= 2
        return a.astype(np.uint8)
    valid = rgba[3] > 0
    count = valid[0::2, 0::2].astype(np.uint16) + valid[0::2, 1::2] + valid[1::2, 0::2] + valid[1::2, 1::2]
    colour = np.where(valid, rgba[:3], 0).astype(np.uint16)
    sums = colour[:, 0::2, 0::2] + colour[:, 0::2, 1::2] + colour[:, 1::2, 0::2] + colour[:, 1::2, 1::2]
    out = np.zeros(a.shape, np.uint8)
    some = count > 0
    c = count[some]
    out[:3, some] = (2 * sums[:, some] + c) // (2 * c)
    out[3, some] = 255
    return out


def _weighted_taps(a: np.ndarray, idx: np.ndarray, wts: np.ndarray, axis: int) -> np.ndarray:
    """sum over m of a's pixels idx[:, m] along `axis` times wts[:, m]: one gather and one multiply-add
    per tap (two or three), rather than a window axis summed afterwards (several times slower)."""
    shape = [1] * a.ndim
    shape[axis] = -1
    out = None
    for m in range(idx.shape[1]):
        term = np.take(a, idx[:, m], axis=axis)
        term *= wts[:, m].reshape(shape)
        if out is None:
            out = term
        else:
            out += term
    return out


def average(rows: np.ndarray, y_idx: np.ndarray, y_wts: np.ndarray, x_idx: np.ndarray,
            x_wts: np.ndarray) -> np.ndarray:
    """uint8 RGBA rows (4, r, w) -> (4, len(y_idx), len(x_idx)); y_idx index into `rows`."""
    out = np.zeros((4, len(y_idx), len(x_idx)), np.uint8)
    xw = x_wts.astype(np.float32)
    for i in range(0, len(y_idx), 32):       # a few rows at a time: the gathers stay a few MB
        yi, yw = y_idx[i:i + 32], y_wts[i:i + 32].astype(np.float32)
        used = rows[:, yi.min():yi.max() + 1]
        yi = yi - yi.min()
        # Colour of the valid pixels and their count, weighted: down the columns, then along the rows.
        planes = np.empty((4,) + used.shape[1:], np.float32)
        valid = used[3] > 0
        if valid.all():
            planes[:3] = used[:3]
            planes[3] = 1.0
        else:
            np.multiply(used[:3], valid, out=planes[:3], casting="unsafe")
            planes[3] = valid
        sums = _weighted_taps(_weighted_taps(planes, yi, yw, axis=1), x_idx, xw, axis=2)
        num, den = sums[:3], sums[3]
        # Where no pixel is valid the sums are all 0, and 0 / tiny rounds to 0.
        num /= np.maximum(den, np.float32(1e-30))
        num += np.float32(0.5)
        np.floor(num, out=num)
        block = out[:, i:i + 32]
        block[:3] = num
        block[3] = den > 0
        block[3] *= 255
    return out


class _Level:
    """One overview level: its windows on the level below, the source rows still needed, and a block
    row of output collected before it is written."""

    def __init__(self, bands: list, src_width: int, src_height: int, block: int):
        self.bands = bands
        self.width, self.height = bands[0].XSize, bands[0].YSize
        self.exact = src_width == 2 * self.width and src_height == 2 * self.height
        self.x_idx, self.x_wts = windows(src_width, self.width)
        self.y_idx, self.y_wts = windows(src_height, self.height)
        self.pending: Optional[np.ndarray] = None   # source rows from `pending_top` on, not yet used up
        self.pending_top = 0
        self.next_row = 0                            # the next overview row to make
        self.rows = BlockRows(4, self.width, self.height, block, self._write)

    def take(self, rows: np.ndarray) -> np.ndarray:
        """Source rows (in order) in, the overview rows they complete out."""
        self.pending = rows if self.pending is None else np.concatenate([self.pending, rows], axis=1)
        have = self.pending_top + self.pending.shape[1]
        end = self.next_row
        while end < self.height and self.y_idx[end].max() < have:
            end += 1
        if end == self.next_row:
            return np.zeros((4, 0, self.width), np.uint8)
        first = self.next_row
        if self.exact:
            out = _halve_exact(self.pending[:, 2 * first - self.pending_top:2 * end - self.pending_top])
        else:
            out = average(self.pending, self.y_idx[first:end] - self.pending_top, self.y_wts[first:end],
                          self.x_idx, self.x_wts)
        self.next_row = end
        keep_from = int(self.y_idx[end].min()) if end < self.height else have
        self.pending = self.pending[:, keep_from - self.pending_top:].copy()
        self.pending_top = keep_from
        self.rows.add(out)
        return out

    def _write(self, top: int, rows: np.ndarray) -> None:
        for b, band in enumerate(self.bands):
            band.WriteArray(rows[b], 0, top)
        # Compressed and written now, in the writer's thread: the dataset's FlushCache leaves
        # overview blocks in the cache, and closing the file compressed them all at the end
        # (29 ms of a 4 MP colorize on one core while the other waited).
        for band in self.bands:
            band.FlushCache()


class StreamedOverviews:
    """Overviews of an RGBA GTiff dataset at `factors` (2, 4, 8, ...), fed with its full-resolution rows
    in order (`add`); `finish` checks that every overview row was made."""

    def __init__(self, ds, factors: List[int], block: int):
        ds.BuildOverviews("NONE", factors)      # the overview images, empty
        self.levels: List[_Level] = []
        src_w, src_h = ds.RasterXSize, ds.RasterYSize
        for k in range(len(factors)):
            bands = [ds.GetRasterBand(b + 1).GetOverview(k) for b in range(4)]
            self.levels.append(_Level(bands, src_w, src_h, block))
            src_w, src_h = bands[0].XSize, bands[0].YSize

    def add(self, rgba: np.ndarray) -> None:
        for level in self.levels:
            rgba = level.take(rgba)
            if not rgba.shape[1]:
                return

    def finish(self) -> None:
        for k, level in enumerate(self.levels):
            if level.rows.top != level.height:
                raise ValueError(f"overview {k + 1} got {level.rows.top} of {level.height} rows")
