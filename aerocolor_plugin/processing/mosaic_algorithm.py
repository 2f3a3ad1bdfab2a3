"""Processing: Build mosaic (several colorized rasters into one GeoTIFF or VRT), by the backend."""
from __future__ import annotations

from qgis.core import (QgsProcessing, QgsProcessingException, QgsProcessingParameterMultipleLayers,
                       QgsProcessingParameterRasterDestination)

from ..i18n_util import tr
from ..layers import file_path_of
from ..mosaic import mosaic_args
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
        paths = []
        for layer in self.parameterAsLayerList(parameters, "INPUTS", context):
            path = file_path_of(layer)
            if not path:
                raise QgsProcessingException(tr("{0} is not a raster file on disk; save it first.").format(layer.name()))
            paths.append(path)
        out = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        outcome = self.run_backend(mosaic_args(paths, out), feedback)
        return {"OUTPUT": ((outcome.result or {}).get("outputs") or {}).get("raster", out)}
