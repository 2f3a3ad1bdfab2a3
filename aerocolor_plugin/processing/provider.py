"""The AeroColor Processing provider."""
from __future__ import annotations

from qgis.core import QgsProcessingProvider

from ..i18n_util import tr
from ..resources import icon
from .capture_algorithm import CaptureAlgorithm
from .colorize_algorithm import ColorizeAlgorithm
from .colorize_many_algorithm import ColorizeManyAlgorithm
from .export_algorithm import ExportOnnxAlgorithm
from .mosaic_algorithm import MosaicAlgorithm
from .train_algorithm import TrainAlgorithm


class AeroColorProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "aerocolor"

    def name(self) -> str:
        return tr("AeroColor")

    def longName(self) -> str:
        return tr("AeroColor: colorize historical aerial photographs")

    def icon(self):
        return icon("aerocolor.svg")

    def loadAlgorithms(self) -> None:
        for alg in (CaptureAlgorithm(), ColorizeAlgorithm(), ColorizeManyAlgorithm(), TrainAlgorithm(), MosaicAlgorithm(),
                    ExportOnnxAlgorithm()):
            self.addAlgorithm(alg)
