"""Processing: Export model as ONNX (colorize without PyTorch's generator), by the backend."""
from __future__ import annotations

from qgis.core import QgsProcessingException, QgsProcessingOutputFile, QgsProcessingParameterFile, \
    QgsProcessingParameterFileDestination

from ..bridge.paths import default_model
from ..i18n_util import tr
from .base import AeroColorAlgorithm


class ExportOnnxAlgorithm(AeroColorAlgorithm):
    ICON = "aerocolor.svg"

    def name(self) -> str:
        return "export_onnx"

    def displayName(self) -> str:
        return tr("Export model as ONNX")

    def shortHelpString(self) -> str:
        return tr("Writes a model's generator as an ONNX file (its card inside), which Colorize runs through "
                  "onnxruntime. The export holds no encoder, so a BicycleGAN model's colouring cannot follow "
                  "a colour image; it runs at the model's own tile size, in 32-bit floats.")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFile("MODEL", tr("Model (.pt; empty: the bundled default model)"),
                                                     extension="pt", optional=True))
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", tr("ONNX model"), tr("ONNX models (*.onnx)")))
        self.addOutput(QgsProcessingOutputFile("ONNX", tr("ONNX model")))

    def processAlgorithm(self, parameters, context, feedback):
        model = self.parameterAsFile(parameters, "MODEL", context) or default_model()
        if not model:
            raise QgsProcessingException(tr("Choose a model: this copy of AeroColor has no bundled default model."))
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        if not out.lower().endswith(".onnx"):
            out += ".onnx"
        outcome = self.run_backend(["export", "--onnx", model, out], feedback)
        onnx = ((outcome.result or {}).get("outputs") or {}).get("onnx", out)
        return {"OUTPUT": onnx, "ONNX": onnx}
