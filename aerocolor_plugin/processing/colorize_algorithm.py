"""Processing: Colorize raster (a grey raster and a model in, a colour GeoTIFF out)."""
from __future__ import annotations

from qgis.core import (QgsProcessingException, QgsProcessingParameterBoolean, QgsProcessingParameterDefinition,
                       QgsProcessingParameterEnum, QgsProcessingParameterFile, QgsProcessingParameterNumber,
                       QgsProcessingParameterRasterDestination, QgsProcessingParameterRasterLayer)

from ..choices import DEVICES, GSD_MODES, device_labels, gsd_labels
from ..i18n_util import tr
from ..layers import file_path_of, first_grey_layer
from ..jobs import ColorizeJob
from ..model_card import LATENT_MODES, latent_args, latent_mode_labels, read_card
from ..bridge.paths import default_model
from .base import AeroColorAlgorithm, model_parameter



class ColorizeAlgorithm(AeroColorAlgorithm):
    ICON = "colorize.svg"

    def name(self) -> str:
        return "colorize"

    def displayName(self) -> str:
        return tr("Colorize raster")

    def shortHelpString(self) -> str:
        return tr("Colorizes a grey (historical) raster with a trained AeroColor model and writes a "
                  "georeferenced colour GeoTIFF on the input's grid.")

    def initAlgorithm(self, config=None):
        # The dialog would preselect the active layer, often the colour original: offer a grey one.
        grey = first_grey_layer()
        self.addParameter(QgsProcessingParameterRasterLayer("INPUT", tr("Grey raster"),
                                                            defaultValue=grey.id() if grey is not None else None))
        self.addParameter(model_parameter())
        self.addParameter(QgsProcessingParameterNumber("TILE", tr("Tile in px (0: the model's)"),
                                                       QgsProcessingParameterNumber.Type.Integer, 0, False, 0, 4096))
        self.addParameter(QgsProcessingParameterNumber("OVERLAP", tr("Overlap in px (-1: automatic)"),
                                                       QgsProcessingParameterNumber.Type.Integer, -1, False, -1, 1024))
        self.addParameter(QgsProcessingParameterNumber("BATCH", tr("Batch size (0: automatic)"),
                                                       QgsProcessingParameterNumber.Type.Integer, 0, False, 0, 256))
        self.addParameter(QgsProcessingParameterEnum("DEVICE", tr("Device"), device_labels(), defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum("GSD", tr("Ground resolution"), gsd_labels(), defaultValue=0))
        # Only for models with a latent code (BicycleGAN): which of their plausible colourings to write.
        latent = [QgsProcessingParameterEnum("LATENT", tr("Latent code (models that have one)"),
                                             latent_mode_labels(), defaultValue=0),
                  QgsProcessingParameterNumber("SEED", tr("Seed of the random latent code"),
                                               QgsProcessingParameterNumber.Type.Integer, 0, False, 0, 2 ** 31 - 1),
                  QgsProcessingParameterFile("Z_REFERENCE", tr("Colour image whose colouring to follow"),
                                             optional=True)]
        # For rasters served over HTTP (a web map server, object storage): re-laid after the last tile.
        cog = QgsProcessingParameterBoolean("COG", tr("Write a Cloud Optimized GeoTIFF"), defaultValue=False)
        for p in latent + [cog]:
            p.setFlags(p.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(p)
        self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT", tr("Colour raster")))

    def processAlgorithm(self, parameters, context, feedback):
        layer = self.parameterAsRasterLayer(parameters, "INPUT", context)
        if layer is None:
            raise QgsProcessingException(tr("The input raster could not be opened."))
        src = file_path_of(layer)
        if not src:
            raise QgsProcessingException(tr("{0} is not a raster file on disk; save it as a GeoTIFF first.")
                                         .format(layer.name()))
        model = self.parameterAsFile(parameters, "MODEL", context) or default_model()
        if not model:
            raise QgsProcessingException(tr("Choose a model: this copy of AeroColor has no bundled default model."))
        if not parameters.get("MODEL"):
            feedback.pushInfo(tr("No model given: using the bundled default model {0}.").format(model))
        out = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        if not out.lower().endswith((".tif", ".tiff")):
            raise QgsProcessingException(tr("The output must be a GeoTIFF (.tif)."))
        if context.willLoadLayerOnCompletion(out):  # named as the dock names it, not "Colour raster"
            context.layerToLoadOnCompletionDetails(out).name = tr("{0} (colorized)").format(layer.name())
        try:
            latent = latent_args(read_card(model), LATENT_MODES[self.parameterAsEnum(parameters, "LATENT", context)],
                                 seed=self.parameterAsInt(parameters, "SEED", context),
                                 image=self.parameterAsFile(parameters, "Z_REFERENCE", context))
        except ValueError as exc:
            raise QgsProcessingException(str(exc)) from None
        job = ColorizeJob(model, DEVICES[self.parameterAsEnum(parameters, "DEVICE", context)],
                          self.parameterAsInt(parameters, "BATCH", context), self.parameterAsInt(parameters, "TILE", context),
                          self.parameterAsInt(parameters, "OVERLAP", context),
                          GSD_MODES[self.parameterAsEnum(parameters, "GSD", context)],
                          self.parameterAsBool(parameters, "COG", context), latent)
        outcome = self.run_backend(job.one(src, out), feedback)
        raster = ((outcome.result or {}).get("outputs") or {}).get("raster", out)
        return {"OUTPUT": raster}
