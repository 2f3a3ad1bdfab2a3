"""Mosaic export: several colorized rasters into one GeoTIFF or VRT, off the UI thread.

The work is the backend's `aerocolor mosaic` (one implementation for the dock, Processing and
the shell); here it runs in a QgsTask, and the finished mosaic is added on the main thread.
"""
from __future__ import annotations

import os
from typing import List, Optional

from qgis.core import QgsRasterLayer, QgsTask

from .bridge.environment import BackendMissing
from .bridge.run import run_backend
from .i18n_util import tr


def mosaic_args(inputs: List[str], output: str) -> List[str]:
    return ["mosaic", output, *[os.path.abspath(p) for p in inputs]]


class MosaicTask(QgsTask):
    """Builds a mosaic in QGIS's task manager; ``finished`` runs on the main thread and adds the layer."""

    def __init__(self, inputs: List[str], output: str, add_to_project: bool = True):
        super().__init__(tr("AeroColor: building mosaic {0}").format(os.path.basename(output)),
                         QgsTask.Flag.CanCancel)
        self.inputs, self.output, self.add_to_project = list(inputs), output, add_to_project
        self.error = ""
        self.layer: Optional[QgsRasterLayer] = None

    def run(self) -> bool:
        def on_event(ev: dict) -> None:
            if ev.get("type") == "progress" and ev.get("fraction") is not None:
                self.setProgress(100.0 * float(ev["fraction"]))

        try:
            outcome = run_backend(mosaic_args(self.inputs, self.output), on_event=on_event,
                                  is_cancelled=self.isCanceled)
        except (BackendMissing, OSError) as exc:
            self.error = str(exc)
            return False
        self.error = outcome.message
        return outcome.ok

    def finished(self, ok: bool) -> None:
        if ok and self.add_to_project:
            from qgis.core import QgsProject

            self.layer = QgsRasterLayer(self.output, os.path.splitext(os.path.basename(self.output))[0])
            if self.layer.isValid():
                QgsProject.instance().addMapLayer(self.layer)
