"""Tile grids: web-mercator zoom levels (XYZ naming) and ground-resolution grids in any CRS.

Pure arithmetic, no QGIS: a grid maps (col, row) to bounds in its CRS and a rectangle to the
range of tiles that overlap it. Rows count downwards from the grid's top-left origin, as in
XYZ tile names.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Iterator, Optional, Tuple

# Half the side of the EPSG:3857 square (pi * the WGS84 semi-major axis).
MERCATOR_HALF = math.pi * 6378137.0
MERCATOR_CRS = "EPSG:3857"
MAX_LAT = 85.0511287798066  # where the XYZ square ends

Rect = Tuple[float, float, float, float]  # xmin, ymin, xmax, ymax


def lonlat_to_tile(lon: float, lat: float, zoom: int) -> Tuple[int, int]:
    """The XYZ tile (x, y) holding a WGS84 point: the slippy-map formulas."""
    n = 2 ** zoom
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    x = int(math.floor((lon + 180.0) / 360.0 * n))
    y = int(math.floor((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n))
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_to_lonlat(x: float, y: float, zoom: int) -> Tuple[float, float]:
    """The WGS84 position of a tile's top-left corner (fractions give points inside tiles)."""
    n = 2 ** zoom
    return x / n * 360.0 - 180.0, math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y / n))))


@dataclass(frozen=True)
class Grid:
    """Square tiles of ``tile`` px at ``res`` CRS units per px, counted from ``origin`` (top-left)."""

    crs: str                  # an authority id such as EPSG:3857, or WKT
    tile: int
    res: float
    origin_x: float
    origin_y: float
    zoom: Optional[int] = None  # set for web-mercator zoom grids: (col, row) are XYZ (x, y)

    @property
    def span(self) -> float:
        return self.tile * self.res

    @property
    def key(self) -> str:
        """Short name of the grid, part of every tile id."""
        return f"z{self.zoom}" if self.zoom is not None else "g"

    def tile_id(self, col: int, row: int) -> str:
        return f"z{self.zoom}_{col}_{row}" if self.zoom is not None else f"g_{col}_{row}"

    def bounds(self, col: int, row: int) -> Rect:
        s = self.span
        x0, y1 = self.origin_x + col * s, self.origin_y - row * s
        return (x0, y1 - s, x0 + s, y1)

    def geotransform(self, col: int, row: int) -> tuple:
        x0, _, _, y1 = self.bounds(col, row)
        return (x0, self.res, 0.0, y1, 0.0, -self.res)

    def range_of(self, rect: Rect) -> Optional[Tuple[int, int, int, int]]:
        """(col0, row0, col1, row1), inclusive, of the tiles whose inside overlaps rect; None if none.

        Tiles that only touch rect along an edge are left out; a hair of tolerance keeps
        rectangles drawn exactly on tile edges from picking up their neighbours.
        """
        s, eps = self.span, 1e-9
        xmin, ymin, xmax, ymax = rect
        c0 = math.floor((xmin - self.origin_x) / s + eps)
        c1 = math.ceil((xmax - self.origin_x) / s - eps) - 1
        r0 = math.floor((self.origin_y - ymax) / s + eps)
        r1 = math.ceil((self.origin_y - ymin) / s - eps) - 1
        if self.zoom is not None:  # the XYZ square has 2^z tiles a side
            n = 2 ** self.zoom
            c0, r0, c1, r1 = max(c0, 0), max(r0, 0), min(c1, n - 1), min(r1, n - 1)
        if c1 < c0 or r1 < r0:
            return None
        return c0, r0, c1, r1

    def count(self, rect: Rect) -> int:
        r = self.range_of(rect)
        return 0 if r is None else (r[2] - r[0] + 1) * (r[3] - r[1] + 1)

    def tiles(self, rect: Rect) -> Iterator[Tuple[int, int]]:
        r = self.range_of(rect)
        if r is None:
            return
        for row in range(r[1], r[3] + 1):
            for col in range(r[0], r[2] + 1):
                yield col, row

    def ground_res(self, col: int, row: int) -> float:
        """Metres on the ground per px at the tile's centre: web-mercator shrinks by cos(latitude)."""
        if self.zoom is None:
            return self.res
        _, lat = tile_to_lonlat(col + 0.5, row + 0.5, self.zoom)
        return self.res * math.cos(math.radians(lat))

    def block_key(self, col: int, row: int, block: int, coarsest_zoom: Optional[int] = None) -> tuple:
        """The spatial block a tile falls in; zoom grids share the coarsest zoom's blocks.

        A zoom-16 tile lies inside one zoom-15 tile, so measuring blocks at the coarsest zoom
        keeps every zoom of one place in the same split (no leak between train and test).
        """
        if self.zoom is None:
            return ("g", col // block, row // block)
        shift = self.zoom - (self.zoom if coarsest_zoom is None else coarsest_zoom)
        return ("z", (col >> shift) // block, (row >> shift) // block)

    def to_dict(self) -> dict:
        return asdict(self)


def zoom_grid(zoom: int, tile: int = 256) -> Grid:
    """The XYZ grid of one zoom level: tile (x, y) covers the slippy-map bounds at ``tile`` px."""
    if not 0 <= zoom <= 24:
        raise ValueError(f"zoom {zoom} is outside 0-24")
    return Grid(MERCATOR_CRS, tile, 2 * MERCATOR_HALF / (tile * 2 ** zoom), -MERCATOR_HALF, MERCATOR_HALF, zoom)


def res_grid(crs: str, res: float, tile: int = 256, origin: Tuple[float, float] = (0.0, 0.0)) -> Grid:
    """A grid of ``res`` CRS units per px; tiles start at ``origin`` (the CRS origin by default)."""
    if not res > 0:
        raise ValueError("the ground resolution must be positive")
    return Grid(crs, tile, float(res), float(origin[0]), float(origin[1]))


def snapped_origin(grid_res: float, tile: int, layer_origin: Tuple[float, float]) -> Tuple[float, float]:
    """An origin on the layer's own pixel corners, as near the CRS origin as tiles allow.

    Tiles then cover whole source pixels, so reading them needs no resampling; taking the
    remainder keeps tile ids small and the same for any layer on the same pixel lattice.
    """
    span = grid_res * tile
    # round, not fmod: 6.4 m is not exact in binary, and fmod would then return almost a whole span
    return tuple(v - round(v / span) * span for v in layer_origin)
