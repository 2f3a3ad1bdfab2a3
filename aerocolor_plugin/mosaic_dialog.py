"""Export mosaic dialog: pick colorized layers and a file; the work runs as a QgsTask."""
from __future__ import annotations

from typing import List

from qgis.core import QgsApplication, QgsProject, QgsRasterLayer
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout

from .i18n_util import name_standard_buttons, tr
from .layers import file_path_of, is_colorized
from .mosaic import MosaicTask


class MosaicDialog(QDialog):
    def __init__(self, parent=None, message_bar=None):
        super().__init__(parent)
        self.message_bar = message_bar
        self.task = None
        self.setWindowTitle(tr("AeroColor: export mosaic"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Rasters to join (later ones win where they overlap); AeroColor's "
                                   "colorized rasters are ticked:")))
        self.list = QListWidget()
        for lyr in QgsProject.instance().mapLayers().values():
            path = file_path_of(lyr) if isinstance(lyr, QgsRasterLayer) else ""
            if not path:
                continue
            item = QListWidgetItem(lyr.name())
            item.setData(Qt.ItemDataRole.UserRole, path)
            # Only what AeroColor colorized: a ticked colour original would end up on top of them.
            item.setCheckState(Qt.CheckState.Checked if is_colorized(lyr) else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list)
        self.output = QgsFileWidget()
        self.output.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.output.setFilter(tr("GeoTIFF (*.tif);;Virtual raster (*.vrt)"))
        layout.addWidget(QLabel(tr("Mosaic file (.tif or .vrt):")))
        layout.addWidget(self.output)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        name_standard_buttons(buttons)
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen_inputs(self) -> List[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def start(self) -> None:
        inputs, output = self.chosen_inputs(), self.output.filePath().strip()
        if not inputs:
            self.status.setText(tr("Tick at least one raster."))
            return
        if not output:
            self.status.setText(tr("Choose where to save the mosaic."))
            return
        if not output.lower().endswith((".tif", ".tiff", ".vrt")):
            output += ".tif"
        self.task = MosaicTask(inputs, output)
        self.task.taskTerminated.connect(self._failed)
        QgsApplication.taskManager().addTask(self.task)
        self.accept()

    def _failed(self) -> None:
        if self.message_bar is not None and self.task is not None and self.task.error:
            self.message_bar.pushWarning(tr("AeroColor"), self.task.error)
