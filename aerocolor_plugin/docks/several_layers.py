"""The Colorize dock's "several layers" box: grey layers ticked in a list, one output folder, one backend job.

The backend's many-raster job (`colorize --out-dir`) reads the model once and keeps a ledger in the
folder, so pressing Colorize again after a cancel skips the layers already done."""
from __future__ import annotations

import os
from typing import Dict, List

from qgis.core import QgsProject, QgsRasterLayer
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QFormLayout, QGroupBox, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ..i18n_util import tr
from ..layers import file_path_of, is_grey, raster_layers_grey_first

PATTERN = "{stem}_colorized.tif"   # the backend's default output names


class SeveralLayers(QGroupBox):
    def __init__(self, parent=None):
        super().__init__(tr("Several grey layers, into one folder"), parent)
        self.setCheckable(True)
        self.setChecked(False)
        # Folded away until ticked: most runs colorize one layer.
        self.inner = QWidget()
        QVBoxLayout(self).addWidget(self.inner)
        self.inner.setVisible(False)
        self.toggled.connect(self.inner.setVisible)
        form = QFormLayout(self.inner)
        self.list = QListWidget()
        self.list.setMaximumHeight(120)
        form.addRow(tr("Grey layers"), self.list)
        self.folder = QgsFileWidget()
        self.folder.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        form.addRow(tr("Output folder"), self.folder)

    def refresh(self) -> None:
        """List the project's raster layers (grey first, grey ones ticked by default), keeping ticks."""
        ticked = {self.list.item(i).data(Qt.ItemDataRole.UserRole): self.list.item(i).checkState()
                  for i in range(self.list.count())}
        self.list.clear()
        for lyr in raster_layers_grey_first():
            item = QListWidgetItem(lyr.name() if is_grey(lyr) else tr("{0} (colour)").format(lyr.name()))
            item.setData(Qt.ItemDataRole.UserRole, lyr.id())
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            default = Qt.CheckState.Checked if is_grey(lyr) else Qt.CheckState.Unchecked
            item.setCheckState(ticked.get(lyr.id(), default))
            self.list.addItem(item)

    def set_ticked(self, layers: List[QgsRasterLayer]) -> None:
        ids = {lyr.id() for lyr in layers}
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in ids
                               else Qt.CheckState.Unchecked)

    def ticked(self) -> List[QgsRasterLayer]:
        project = QgsProject.instance()
        found = [project.mapLayer(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())
                 if self.list.item(i).checkState() == Qt.CheckState.Checked]
        return [lyr for lyr in found if lyr is not None]

    def job(self) -> Dict[str, QgsRasterLayer]:
        """file path -> its layer, for the ticked layers; ValueError with one sentence when unusable."""
        layers = self.ticked()
        if not layers:
            raise ValueError(tr("Tick the grey layers to colorize."))
        sources: Dict[str, QgsRasterLayer] = {}
        for lyr in layers:
            path = file_path_of(lyr)
            if not path:
                raise ValueError(tr("{0} is not a raster file on disk; save it as a GeoTIFF first.").format(lyr.name()))
            sources[os.path.abspath(path)] = lyr
        folder = self.folder.filePath().strip()
        if not folder or not os.path.isdir(folder):
            raise ValueError(tr("Choose an existing folder for the colour GeoTIFFs."))
        return sources

    def args(self, sources: Dict[str, QgsRasterLayer]) -> List[str]:
        return ["--out-dir", self.folder.filePath().strip(), *sources]

    def outputs(self, sources: Dict[str, QgsRasterLayer]) -> List[str]:
        folder = self.folder.filePath().strip()
        return [os.path.join(folder, PATTERN.format(stem=os.path.splitext(os.path.basename(p))[0])) for p in sources]
