"""Pixels of one tile from a QGIS raster layer: rendered for web services, read for local files.

Network layers (WMTS, XYZ, WMS) are rendered through a QgsMapSettings set to the tile's exact
extent and size at device pixel ratio 1, so one XYZ tile of a matching zoom comes back pixel
for pixel. Their requests go through QgsNetworkAccessManager: its per-thread instances copy
the main instance's proxy and cache settings, so QGIS's proxy, authentication and disk cache
hold for capture exactly as for the map canvas.

Local 8-bit rasters are read from a clone of the layer's data provider at the grid's
resolution (no styling, no colour change); in another CRS than the grid's (a UTM orthophoto on
a web-mercator zoom grid) through a QgsRasterProjector, which resamples nearest-neighbour, so
tiles hold the file's own values. Anything else is rendered with the layer's own style, which
is what the user sees.

Grey tiles (the historical layer) are the BT.601 luma of colour pixels, the backend's formula
for the grey A tiles, so a photo stored as RGB is grey the same way.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np
from qgis.core import (Qgis, QgsCoordinateReferenceSystem, QgsCoordinateTransformContext,
                       QgsMapRendererParallelJob, QgsMapSettings, QgsMultiBandColorRenderer, QgsRasterBlock,
                       QgsRasterLayer, QgsRasterProjector, QgsRectangle, QgsSingleBandGrayRenderer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor, QImage

from ..i18n_util import tr
from .grid import Grid
from .writer import layout

NETWORK_PROVIDERS = ("wms", "wcs", "arcgismapserver", "xyzvectortiles")


class LayerError(ValueError):
    """A layer that cannot be opened or read; the message is one sentence for the user."""


@dataclass
class LayerRef:
    """What is needed to open a layer again in another thread: source, provider, style."""

    uri: str
    provider: str
    name: str
    renderer: object = None      # a QgsRasterRenderer clone, or None for the default style
    public_uri: str = ""         # the source with passwords hidden, for the manifest
    attribution: str = ""
    # Bands whose declared nodata value the user switched off in the layer's properties: the
    # reopened layer would otherwise take the file's value again.
    ignore_nodata: Tuple[int, ...] = ()

    @classmethod
    def of(cls, layer: QgsRasterLayer) -> "LayerRef":
        if layer is None:
            raise LayerError(tr("Choose a raster layer to capture."))
        if not layer.isValid():
            raise LayerError(tr("The layer {0} failed to load; check its source or connection.").format(layer.name()))
        renderer = layer.renderer().clone() if layer.renderer() is not None else None
        provider = layer.dataProvider()
        ignore = tuple(b for b in range(1, layer.bandCount() + 1)
                       if provider.sourceHasNoDataValue(b) and not provider.useSourceNoDataValue(b))
        return cls(layer.source(), layer.providerType(), layer.name(), renderer, layer.publicSource(),
                   attribution_of(layer), ignore)

    @property
    def is_network(self) -> bool:
        src = self.uri.lower()
        return self.provider in NETWORK_PROVIDERS or "/vsicurl" in src or src.startswith(("http:", "https:"))

    def open(self) -> QgsRasterLayer:
        """A new layer object owned by the calling thread."""
        layer = QgsRasterLayer(self.uri, self.name, self.provider)
        if not layer.isValid():
            raise LayerError(tr("The layer {0} failed to load ({1}); check its source or connection.")
                             .format(self.name, self.public_uri or self.uri))
        for band in self.ignore_nodata:
            layer.dataProvider().setUseSourceNoDataValue(band, False)
        if self.renderer is not None:
            layer.setRenderer(self.renderer.clone())
        return layer


def attribution_of(layer: QgsRasterLayer) -> str:
    """The layer's attribution: its own attribution text, else the rights in its metadata."""
    parts = [layer.attribution()] if layer.attribution() else []
    meta = layer.metadata()
    parts += [r for r in meta.rights() if r]
    parts += [lic for lic in meta.licenses() if lic]
    seen = []
    for p in parts:
        if p.strip() and p.strip() not in seen:
            seen.append(p.strip())
    return "; ".join(seen)


def is_grey_layer(layer: QgsRasterLayer) -> bool:
    """Drawn as grey. (A web layer is one ARGB band with a colour renderer, so band counts mislead.)"""
    return isinstance(layer.renderer(), QgsSingleBandGrayRenderer)


def image_to_array(img: QImage) -> np.ndarray:
    """A QImage to (H, W, 4) uint8 RGBA, copied out of Qt's buffer."""
    img = img.convertToFormat(QImage.Format.Format_RGBA8888)
    ptr = img.constBits()
    ptr.setsize(img.sizeInBytes())
    rows = np.frombuffer(ptr, np.uint8).reshape(img.height(), img.bytesPerLine())
    return rows[:, : img.width() * 4].reshape(img.height(), img.width(), 4).copy()


def grey_tile(pixels: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 colour to (H, W, 1) uint8 grey by the backend's own formula and rounding."""
    if pixels.shape[-1] == 1:
        return pixels
    return (layout.grey_of(pixels) * 255.0 + 0.5).astype(np.uint8)


def marked_nodata(block: QgsRasterBlock, arr: np.ndarray) -> np.ndarray:
    """Pixels a block marks as no data, such as those a projector finds outside its source.

    They hold 0 or the block's nodata value, so only pixels of that value are asked, one by one:
    a block has no bulk accessor for its nodata bitmap.
    """
    mask = np.zeros(arr.shape, bool)
    if block.hasNoData():
        fill = block.noDataValue() if block.hasNoDataValue() else 0
        for r, c in zip(*np.nonzero(arr == fill)):
            mask[r, c] = block.isNoData(int(r), int(c))
    return mask


def map_settings(layer: QgsRasterLayer, crs: QgsCoordinateReferenceSystem, tile: int) -> QgsMapSettings:
    """Settings reused for every tile of one grid: only the extent changes."""
    ms = QgsMapSettings()
    ms.setLayers([layer])
    ms.setDestinationCrs(crs)
    ms.setOutputSize(QSize(tile, tile))
    ms.setOutputDpi(96)
    ms.setDevicePixelRatio(1)  # one image pixel per grid pixel, whatever the screen
    ms.setBackgroundColor(QColor(0, 0, 0, 0))  # what the layer does not cover stays transparent
    ms.setOutputImageFormat(QImage.Format.Format_ARGB32)
    ms.setFlag(QgsMapSettings.Flag.Antialiasing, False)
    ms.setFlag(QgsMapSettings.Flag.DrawLabeling, False)
    return ms


def render_tile(ms: QgsMapSettings, bounds: Tuple[float, float, float, float]) -> np.ndarray:
    """Render the settings' layers over bounds exactly (RGBA uint8); blocks until done."""
    ms.setExtent(QgsRectangle(*bounds))
    job = QgsMapRendererParallelJob(ms)
    job.start()
    job.waitForFinished()
    return image_to_array(job.renderedImage())


class TileReader:
    """Reads the tiles of one grid from one layer, in the thread that made it.

    ``read(col, row)`` returns (pixels uint8 (H, W, C), valid (H, W) bool): C is 3 for colour
    and 1 for grey (``grey``: the historical layer); ``valid`` is False where the layer has no
    data (transparent, nodata, outside its extent).
    """

    def __init__(self, ref: LayerRef, grid: Grid, grey: Optional[bool] = None,
                 context: Optional[QgsCoordinateTransformContext] = None):
        self.ref = ref
        self.grid = grid
        self.layer = ref.open()
        self.grey = is_grey_layer(self.layer) if grey is None else grey
        self.crs = QgsCoordinateReferenceSystem(grid.crs)
        self.provider = None
        if (ref.provider == "gdal" and not ref.is_network
                and all(self.layer.dataProvider().dataType(b) == Qgis.DataType.Byte for b in self._bands())):
            self.provider = self.layer.dataProvider().clone()
            self.source = self.provider
            self.extent = self.layer.extent() if self.layer.crs() == self.crs else None
            if self.extent is None:
                self.source = QgsRasterProjector()
                self.source.setCrs(self.layer.crs(), self.crs, context or QgsCoordinateTransformContext())
                self.source.setInput(self.provider)
        else:
            self.settings = map_settings(self.layer, self.crs, grid.tile)

    @property
    def mode(self) -> str:
        return "provider" if self.provider is not None else "render"

    def _bands(self) -> list:
        renderer = self.layer.renderer()
        if isinstance(renderer, QgsMultiBandColorRenderer):
            return [b for b in (renderer.redBand(), renderer.greenBand(), renderer.blueBand())]
        if isinstance(renderer, QgsSingleBandGrayRenderer):
            return [renderer.grayBand()]
        return [1, 2, 3] if self.layer.bandCount() >= 3 else [1]

    def _alpha_band(self) -> int:
        renderer = self.layer.renderer()
        band = renderer.alphaBand() if renderer is not None else -1
        return band if band and band > 0 else -1

    def read(self, col: int, row: int) -> Tuple[np.ndarray, np.ndarray]:
        bounds = self.grid.bounds(col, row)
        if self.provider is None:
            rgba = render_tile(self.settings, bounds)
            pixels, valid = rgba[..., :3], rgba[..., 3] == 255
        else:
            pixels, valid = self._read_provider(bounds)
        return (grey_tile(pixels) if self.grey else pixels), valid

    def _read_provider(self, bounds) -> Tuple[np.ndarray, np.ndarray]:
        n = self.grid.tile
        rect = QgsRectangle(*bounds)
        bands = self._bands()
        out = np.empty((n, n, len(bands)), np.uint8)
        valid = self._inside(bounds) if self.extent is not None else np.ones((n, n), bool)
        # A pixel is nodata only where every band says so, as GDAL's per-dataset mask
        # (NODATA_VALUES) has it: a real 8-bit photo has pixels with one band at its nodata 255.
        nodata = np.ones((n, n), bool)
        for i, b in enumerate(bands):
            block = self.source.block(b, rect, n, n)
            if self.extent is None and block is not None and block.isEmpty():
                return np.zeros_like(out), np.zeros_like(valid)  # the projector found none of the file here
            if block is None or not block.isValid():
                raise LayerError(tr("{0} could not be read at {1}; check the file.").format(self.ref.name, bounds))
            arr = np.frombuffer(bytes(block.data()), np.uint8).reshape(n, n)
            out[..., i] = arr
            nodata &= self._band_nodata(b, block, arr)
        valid &= ~nodata
        alpha = self._alpha_band()
        if alpha > 0:
            block = self.source.block(alpha, rect, n, n)
            valid &= np.frombuffer(bytes(block.data()), np.uint8).reshape(n, n) > 0
        return out, valid

    def _band_nodata(self, band: int, block: QgsRasterBlock, arr: np.ndarray) -> np.ndarray:
        """Pixels this band marks as nodata: its declared value (unless switched off), and what a
        projector finds outside the file."""
        hit = np.zeros(arr.shape, bool)
        if self.provider.sourceHasNoDataValue(band) and self.provider.useSourceNoDataValue(band):
            value = self.provider.sourceNoDataValue(band)
            if 0 <= value <= 255 and value == int(value):  # a value outside the bytes marks none
                hit |= arr == np.uint8(value)
        if self.extent is None:
            hit |= marked_nodata(block, arr)
        return hit

    def _inside(self, bounds) -> np.ndarray:
        """Pixels whose centres lie inside the raster's extent."""
        n, res = self.grid.tile, self.grid.res
        x0, _, _, y1 = bounds
        xs = x0 + (np.arange(n) + 0.5) * res
        ys = y1 - (np.arange(n) + 0.5) * res
        e = self.extent
        return (((ys >= e.yMinimum()) & (ys <= e.yMaximum()))[:, None]
                & ((xs >= e.xMinimum()) & (xs <= e.xMaximum()))[None, :])


# Reasons a tile is left out (the manifest counts them).
BLANK, NODATA, MISSING = "blank", "nodata", "missing"


def verdict(pixels: np.ndarray, nodata: float, network: bool, min_std: float,
            max_nodata: float = 0.0) -> Optional[str]:
    """None for a usable tile, else why not: a larger share of its pixels without data (`nodata`)
    than max_nodata allows, or flat."""
    if nodata > max_nodata:
        return MISSING if network else NODATA
    # Per band (one flat colour has different R, G and B), on every 4th pixel: a flat tile is
    # flat everywhere, and the full-size std cost more than reading the tile.
    sample = pixels[::4, ::4].reshape(-1, pixels.shape[-1]).astype(np.float32)
    if float(sample.std(0).max()) < min_std * 255.0:
        return BLANK
    return None


def nodata_share(valid: np.ndarray) -> float:
    return 1.0 - float(np.count_nonzero(valid)) / max(valid.size, 1)


@dataclass
class Fetched:
    pixels: Optional[np.ndarray]   # None when skipped
    why: Optional[str]             # why skipped: blank, nodata, missing
    attempts: int
    nodata: float                  # share of the tile's pixels without data (last attempt)


def fetch(reader: TileReader, col: int, row: int, min_std: float, retries: int, wait_s: float,
          max_nodata: float = 0.0, sleep=time.sleep) -> Fetched:
    """One tile; network tiles that come back empty are tried again."""
    tries = 1 + (max(0, retries) if reader.ref.is_network else 0)
    why, share = None, 0.0
    for attempt in range(tries):
        pixels, valid = reader.read(col, row)
        share = nodata_share(valid)
        why = verdict(pixels, share, reader.ref.is_network, min_std, max_nodata)
        if why is None:
            return Fetched(pixels, None, attempt + 1, share)
        if attempt + 1 < tries:
            sleep(wait_s * (attempt + 1))
    return Fetched(None, why, tries, share)
