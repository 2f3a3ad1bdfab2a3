"""Mosaic export: several colorized rasters into one GeoTIFF or VRT, with GDAL, off the UI thread.

Plain GDAL needs no torch, so mosaics work even without a backend environment. Inputs must
share a CRS and a band count; where they overlap, later inputs win.
"""
from __future__ import annotations

import os
from typing import Callable, List, Optional

from qgis.core import QgsRasterLayer, QgsTask

from .i18n_util import tr


class MosaicError(Exception):
    """A mosaic that cannot be built; the message says what to do."""


def check_inputs(inputs: List[str]) -> None:
    from osgeo import gdal, osr

    if len(inputs) < 1:
        raise MosaicError(tr("Choose at least one raster for the mosaic."))
    first_srs, bands = None, None
    for path in inputs:
        ds = gdal.OpenEx(path, gdal.OF_RASTER)
        if ds is None:
            raise MosaicError(tr("{0} cannot be read as a raster; remove it from the list.").format(path))
        srs = osr.SpatialReference(wkt=ds.GetProjection()) if ds.GetProjection() else None
        if srs is None:
            raise MosaicError(tr("{0} has no coordinate system; assign one before building a mosaic.").format(path))
        if first_srs is None:
            first_srs, bands = srs, ds.RasterCount
        elif not srs.IsSame(first_srs):
            raise MosaicError(tr("{0} has another coordinate system than the first raster; reproject it first.")
                              .format(path))
        elif ds.RasterCount != bands:
            raise MosaicError(tr("{0} has {1} bands but the first raster has {2}; use rasters of one kind.")
                              .format(path, ds.RasterCount, bands))


def build_mosaic(inputs: List[str], output: str, progress: Callable[[float], None] = lambda f: None,
                 is_cancelled: Callable[[], bool] = lambda: False) -> str:
    """Write the mosaic to ``output`` (.vrt or .tif) through a temporary name; returns ``output``."""
    from osgeo import gdal

    gdal.UseExceptions()
    check_inputs(inputs)
    if os.path.abspath(output) in {os.path.abspath(p) for p in inputs}:
        raise MosaicError(tr("The mosaic would overwrite one of its inputs; choose another file name."))
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        raise MosaicError(tr("The folder {0} does not exist; choose an existing folder.").format(folder))

    def callback(fraction, _msg, _data):
        progress(float(fraction))
        return 0 if is_cancelled() else 1

    stem, ext = os.path.splitext(output)
    tmp = f"{stem}.part{ext}"
    try:
        if ext.lower() == ".vrt":
            vrt = gdal.BuildVRT(tmp, [os.path.abspath(p) for p in inputs], resolution="highest")
            if vrt is None:
                raise MosaicError(tr("GDAL could not build the VRT; see the QGIS log."))
            vrt = None
            # A VRT names its sources; written under a temporary name it still points at them.
            progress(1.0)
        else:
            vrt = gdal.BuildVRT("", list(inputs), resolution="highest")
            ds = gdal.Translate(tmp, vrt, format="GTiff", callback=lambda f, m, d: callback(f * 0.8, m, d),
                                creationOptions=["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2",
                                                 "BIGTIFF=IF_SAFER"])
            if ds is None:
                raise MosaicError(tr("GDAL could not write the mosaic; check the free disk space."))
            ds.BuildOverviews("AVERAGE", [2, 4, 8, 16], callback=lambda f, m, d: callback(0.8 + 0.2 * f, m, d))
            ds = vrt = None
        if is_cancelled():
            raise MosaicError(tr("Cancelled; no mosaic was written."))
        os.replace(tmp, output)
    except RuntimeError as exc:
        if is_cancelled():
            raise MosaicError(tr("Cancelled; no mosaic was written.")) from None
        raise MosaicError(tr("GDAL could not build the mosaic: {0}").format(exc)) from None
    finally:
        for leftover in (tmp, tmp + ".ovr", tmp + ".aux.xml"):
            if os.path.exists(leftover):
                os.remove(leftover)
    return output


class MosaicTask(QgsTask):
    """Builds a mosaic in QGIS's task manager; ``finished`` runs on the main thread and adds the layer."""

    def __init__(self, inputs: List[str], output: str, add_to_project: bool = True):
        super().__init__(tr("AeroColor: building mosaic {0}").format(os.path.basename(output)),
                         QgsTask.Flag.CanCancel)
        self.inputs, self.output, self.add_to_project = list(inputs), output, add_to_project
        self.error = ""
        self.layer: Optional[QgsRasterLayer] = None

    def run(self) -> bool:
        try:
            build_mosaic(self.inputs, self.output, lambda f: self.setProgress(100.0 * f), self.isCanceled)
            return True
        except MosaicError as exc:
            self.error = str(exc)
            return False

    def finished(self, ok: bool) -> None:
        if ok and self.add_to_project:
            from qgis.core import QgsProject

            self.layer = QgsRasterLayer(self.output, os.path.splitext(os.path.basename(self.output))[0])
            if self.layer.isValid():
                QgsProject.instance().addMapLayer(self.layer)
