"""Processing: Colorize rasters (many grey rasters, one model, one backend process, resumable)."""
from __future__ import annotations

import os

from qgis.core import (QgsProcessing, QgsProcessingException, QgsProcessingOutputMultipleLayers,
                       QgsProcessingParameterBoolean, QgsProcessingParameterEnum,
                       QgsProcessingParameterFolderDestination, QgsProcessingParameterMultipleLayers,
                       QgsProcessingParameterString)

from ..jobs import ColorizeJob
from ..choices import DEVICES, GSD_MODES, device_labels, gsd_labels
from ..i18n_util import tr
from ..layers import file_path_of
from ..bridge.paths import default_model
from .base import AeroColorAlgorithm, model_parameter


class ColorizeManyAlgorithm(AeroColorAlgorithm):
    ICON = "colorize.svg"

    def name(self) -> str:
        return "colorize_many"

    def displayName(self) -> str:
        return tr("Colorize rasters")

    def shortHelpString(self) -> str:
        return tr("Colorizes many grey rasters with one model in one backend process, into one folder. A "
                  "ledger there records what was done with which model: run it again after a crash or a "
                  "cancel and the finished rasters are skipped. A raster that cannot be colorized is "
                  "reported and the others go on.")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterMultipleLayers("INPUTS", tr("Grey rasters"),
                                                               QgsProcessing.SourceType.TypeRaster))
        self.addParameter(model_parameter())
        self.addParameter(QgsProcessingParameterEnum("DEVICE", tr("Device"), device_labels(), defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum("GSD", tr("Ground resolution"), gsd_labels(), defaultValue=0))
        self.addParameter(QgsProcessingParameterString("PATTERN", tr("Output names ({stem}: the input's name)"),
                                                       "{stem}_colorized.tif"))
        self.addParameter(QgsProcessingParameterBoolean(
            "OVERWRITE", tr("Replace outputs not made by this model (otherwise they are kept)"), False))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT_FOLDER", tr("Output folder")))
        self.addOutput(QgsProcessingOutputMultipleLayers("OUTPUTS", tr("Colour rasters")))

    def processAlgorithm(self, parameters, context, feedback):
        paths = []
        for layer in self.parameterAsLayerList(parameters, "INPUTS", context):
            path = file_path_of(layer)
            if not path:
                raise QgsProcessingException(tr("{0} is not a raster file on disk; save it as a GeoTIFF first.")
                                             .format(layer.name()))
            paths.append(path)
        if not paths:
            raise QgsProcessingException(tr("Choose the grey rasters to colorize."))
        model = self.parameterAsFile(parameters, "MODEL", context) or default_model()
        if not model:
            raise QgsProcessingException(tr("Choose a model: this copy of AeroColor has no bundled default model."))
        folder = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
        os.makedirs(folder, exist_ok=True)
        job = ColorizeJob(model, DEVICES[self.parameterAsEnum(parameters, "DEVICE", context)],
                          gsd=GSD_MODES[self.parameterAsEnum(parameters, "GSD", context)])
        args = job.options() + ["--out-dir", folder, "--pattern", self.parameterAsString(parameters, "PATTERN", context)]
        if self.parameterAsBool(parameters, "OVERWRITE", context):
            args += ["--overwrite"]
        outcome = self.run_backend(args + paths, feedback, partial_ok=True)
        result = outcome.result or {}
        made = (result.get("outputs") or {}).get("rasters") or []
        for failure in result.get("failed") or []:
            feedback.reportError(tr("Not colorized: {0}: {1}").format(failure.get("input"), failure.get("reason")))
        return {"OUTPUT_FOLDER": folder, "OUTPUTS": made}
