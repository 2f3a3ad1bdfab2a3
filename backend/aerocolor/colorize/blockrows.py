"""Rows gathered into whole block rows of a tiled GeoTIFF before they are written, so that each
compressed block is written once, whatever number of rows arrives at a time."""
from __future__ import annotations

from typing import Callable

import numpy as np


class BlockRows:
    """Rows (bands, n, width) go in, in order; `write(top, rows)` gets each whole block row (and the
    last, shorter one) as soon as it is complete."""

    def __init__(self, bands: int, width: int, height: int, block: int,
                 write: Callable[[int, np.ndarray], None]):
        self.buf = np.zeros((bands, min(block, height), width), np.uint8)
        self.height = height
        self.top = 0        # raster row of buf[:, 0]: every row above it is written
        self.filled = 0     # rows of buf filled
        self._write = write

    @property
    def next_row(self) -> int:
        return self.top + self.filled

    def add(self, rows: np.ndarray) -> None:
        done = 0
        while done < rows.shape[1]:
            n = min(rows.shape[1] - done, self.buf.shape[1] - self.filled)
            self.buf[:, self.filled:self.filled + n] = rows[:, done:done + n]
            self.filled += n
            done += n
            if self.filled == self.buf.shape[1] or self.next_row == self.height:
                self._write(self.top, self.buf[:, :self.filled])
                self.top += self.filled
                self.filled = 0
