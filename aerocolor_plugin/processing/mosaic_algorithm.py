"""Processing: Build mosaic (several colorized rasters into one GeoTIFF or VRT)."""
from __future__ import annotations

from qgis.core import (QgsProcessing, QgsProcessingException, QgsProcessingParameterMultipleLayers,
                       QgsProcessingParameterRasterDestination)

from ..i18n_util import tr
from ..layers import file_path_of
from ..mosaic import MosaicError, build_mosaic
from .base import AeroColorAlgorithm


class MosaicAlgorithm(AeroColorAlgorithm):
    ICON = "mosaic.svg"

    def name(self) -> str:
        return "mosaic"

    def displayName(self) -> str:
        return tr("Build mosaic")

    def shortHelpString(self) -> str:
        return tr("Joins colorized rasters of one coordinate system into one GeoTIFF (tiled, compressed, with "
                  "overviews) or a VRT. Later inputs win where they overlap.")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterMultipleLayers("INPUTS", tr("Rasters"),
                                                               QgsProcessing.SourceType.TypeRaster))
        self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT", tr("Mosaic")))

    def processAlgorithm(self, parameters, context, feedback):
        layers = self.parameterAsLayerList(parameters, "INPUTS", context)
        paths = []
        for layer in layers:
            path = file_path_of(layer)
            if not path:
                raise QgsProcessingException(tr("{0} is not a raster file on disk; save it first.").format(layer.name()))
            paths.append(path)
        out = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        try:
            build_mosaic(paths, out, lambda f: feedback.setProgress(100.0 * f), feedback.isCanceled)
        except MosaicError as exc:
            raise QgsProcessingException(str(exc)) from None
        return {"OUTPUT": out}
