"""Where tiles go on a raster, how much each one counts, and the band of rows they blend into.

Tiles overlap their neighbours; inside an overlap the two weights are a cos^2 / sin^2
pair, so they sum to one and the colour slides from one tile to the next without a
step. Raster borders get no ramp (nothing to blend with there).
"""
from __future__ import annotations

import math
from typing import List, Tuple

import numpy as np


def positions(size: int, tile: int, overlap: int) -> List[int]:
    """Tile starts along one axis: evenly spread, overlaps at least `overlap`, the last flush with the end.

    A raster smaller than a tile gets one tile at 0 (padded by the caller).
    """
    if size <= tile:
        return [0]
    stride = tile - overlap
    n = math.ceil((size - tile) / stride) + 1
    return [round(i * (size - tile) / (n - 1)) for i in range(n)]


def ramp(length: int, left: int, right: int) -> np.ndarray:
    """1-D weight of a tile: sin^2 rising over `left` pixels, cos^2 falling over the last `right`."""
    w = np.ones(length, np.float32)
    if left > 0:
        i = np.arange(left, dtype=np.float64)
        w[:left] *= (np.sin(0.5 * np.pi * (i + 0.5) / left) ** 2).astype(np.float32)
    if right > 0:
        i = np.arange(right, dtype=np.float64)
        w[length - right:] *= (np.sin(0.5 * np.pi * (right - i - 0.5) / right) ** 2).astype(np.float32)
    return w


def axis_weights(starts: List[int], tile: int, size: int) -> List[np.ndarray]:
    """The 1-D weight of each tile along one axis; each ramp spans the overlap with that neighbour."""
    out = []
    for k, s in enumerate(starts):
        left = starts[k - 1] + tile - s if k > 0 else 0
        right = s + tile - starts[k + 1] if k + 1 < len(starts) else 0
        out.append(ramp(tile, max(left, 0), max(right, 0))[: max(0, min(tile, size - s))])
    return out


class RowBlender:
    """Accumulates weighted tile outputs in a rolling band of full-width rows and hands back the rows
    that are final. Holds only the rows between the last one handed back and the lowest tile so far
    (about two tile heights), whatever the raster's height.
    """

    def __init__(self, channels: int, width: int):
        self.channels, self.width = channels, width
        self.buf = np.zeros((channels + 1, 0, width), np.float32)  # the last plane sums the weights
        self.top = 0      # raster row of buf[:, 0]
        self.rows = 0     # rows of buf in use

    @property
    def acc(self) -> np.ndarray:
        return self.buf[:, : self.rows]

    def extend(self, bottom: int) -> None:
        """Make raster rows up to `bottom` available for tiles."""
        need = bottom - self.top
        if need > self.buf.shape[1]:
            # Grown rarely (the band's height settles after two tile rows); rows are reused after that.
            grown = np.zeros((self.channels + 1, need, self.width), np.float32)
            grown[:, : self.rows] = self.buf[:, : self.rows]
            self.buf = grown
        self.rows = max(self.rows, need)

    def add(self, y: int, x: int, values: np.ndarray, weight: np.ndarray) -> None:
        """values (channels, h, w) at raster (y, x) with weight (h, w)."""
        h, w = weight.shape
        r = y - self.top
        self.acc[: self.channels, r:r + h, x:x + w] += values * weight
        self.acc[self.channels, r:r + h, x:x + w] += weight

    def take(self, until: int) -> Tuple[int, np.ndarray]:
        """(first row, values (channels, n, width)) of the rows before `until`, normalised; 0 where no tile
        ran. The rows are dropped from the band."""
        n = until - self.top
        part = self.acc[:, :n]
        wsum = part[self.channels]
        out = np.zeros((self.channels, n, self.width), np.float32)
        np.divide(part[: self.channels], wsum, out=out, where=wsum > 0)
        rest = self.rows - n
        step = max(1, min(n, 16))  # move the kept rows up a few at a time: no full-size temporary
        for r in range(0, rest, step):
            m = min(step, rest - r)
            self.buf[:, r:r + m] = self.buf[:, n + r:n + r + m]
        self.buf[:, rest:self.rows] = 0.0
        first, self.top, self.rows = self.top, until, rest
        return first, out
