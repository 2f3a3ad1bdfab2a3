"""Capture dock: tiles of a colour layer over an area of interest into a training set, in a QgsTask.

The tile count is estimated first; a capture above the configured size asks before it starts.
"""
from __future__ import annotations

import os
from typing import Optional

from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsMapLayerProxyModel, QgsProject, QgsRasterLayer,
                       QgsUnitTypes, QgsWkbTypes)
from qgis.gui import QgsDockWidget, QgsFileWidget, QgsMapLayerComboBox, QgsProjectionSelectionWidget
from qgis.PyQt.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel,
                                 QLineEdit, QMessageBox, QProgressBar, QPushButton, QSpinBox,
                                 QVBoxLayout, QWidget)

from ..capture.aoi import aoi_from_canvas, aoi_from_layer, aoi_from_rect, shown
from ..capture.engine import HISTORICAL_ROLES, CaptureConfig, plan_capture, refuse_grey_source
from ..capture.render import LayerError, LayerRef, is_grey_layer
from ..capture.task import CaptureTask
from ..capture.writer import layout
from ..i18n_util import tr
from ..processing.capture_algorithm import parse_zooms
from .widgets import scrolling

AOI_CANVAS, AOI_RECT, AOI_LAYER = "canvas", "rectangle", "layer"


class CaptureDock(QgsDockWidget):
    def __init__(self, parent=None, iface=None):
        super().__init__(tr("AeroColor: Capture"), parent)
        self.setObjectName("AeroColorCaptureDock")
        self.iface = iface
        self.task: Optional[CaptureTask] = None
        self.rect = None           # the drawn rectangle and its CRS
        self.rect_crs = None
        self.rect_band = None      # the rectangle kept on the map
        self.extent_tool = None
        self.last_manifest: Optional[dict] = None
        self.confirm_above = CaptureConfig.confirm_tiles  # ask before captures of more tiles

        body = QWidget()
        vbox = QVBoxLayout(body)
        form = QFormLayout()
        self.layer = QgsMapLayerComboBox()
        self.layer.setFilters(QgsMapLayerProxyModel.Filter.RasterLayer)
        form.addRow(tr("Colour layer"), self.layer)

        self.aoi_mode = QComboBox()
        self.aoi_mode.addItem(tr("Canvas extent"), AOI_CANVAS)
        self.aoi_mode.addItem(tr("Rectangle drawn on the map"), AOI_RECT)
        self.aoi_mode.addItem(tr("Polygons of a layer"), AOI_LAYER)
        form.addRow(tr("Area of interest"), self.aoi_mode)
        row = QHBoxLayout()
        self.draw_button = QPushButton(tr("Draw rectangle"))
        self.draw_button.clicked.connect(self.draw_rectangle)
        row.addWidget(self.draw_button)
        self.rect_label = QLabel(tr("none drawn"))
        row.addWidget(self.rect_label, 1)
        form.addRow("", row)
        self.aoi_layer = QgsMapLayerComboBox()
        self.aoi_layer.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer)
        self.aoi_layer.setAllowEmptyLayer(True)
        form.addRow(tr("Polygon layer"), self.aoi_layer)
        self.selected_only = QCheckBox(tr("Selected features only"))
        form.addRow("", self.selected_only)

        self.grid_mode = QComboBox()
        self.grid_mode.addItem(tr("Web-mercator zoom levels (XYZ)"), "zoom")
        self.grid_mode.addItem(tr("Ground resolution in a CRS"), "gsd")
        form.addRow(tr("Tile grid"), self.grid_mode)
        self.zooms = QLineEdit("15,16")
        self.zooms.setToolTip(tr("Zoom levels, e.g. 15,16 or 15-17 (the study used 15-16)"))
        form.addRow(tr("Zoom levels"), self.zooms)
        self.gsd = QDoubleSpinBox()
        self.gsd.setDecimals(4)
        self.gsd.setRange(0.0001, 100000)
        self.gsd.setValue(0.5)
        form.addRow(tr("Ground resolution (units/px)"), self.gsd)
        self.crs = QgsProjectionSelectionWidget()
        self.crs.setOptionVisible(QgsProjectionSelectionWidget.CrsOption.CrsNotSet, True)
        self.crs.setNotSetText(tr("the layer's CRS"))
        self.crs.setCrs(QgsCoordinateReferenceSystem())
        form.addRow(tr("Grid CRS"), self.crs)
        self.tile = QSpinBox()
        self.tile.setRange(16, 4096)
        self.tile.setSingleStep(64)
        self.tile.setValue(256)
        form.addRow(tr("Tile size (px)"), self.tile)
        self.fmt = QComboBox()
        for key, label in (("png", "PNG"), ("jpeg", "JPEG"), ("tiff", "GeoTIFF")):
            self.fmt.addItem(label, key)
        form.addRow(tr("Format"), self.fmt)
        self.layout_box = QComboBox()
        for key, label in (("aligned", tr("aligned A|B (pix2pix, BicycleGAN)")), ("pairs", tr("A/ + B/ pairs")),
                           ("unpaired", tr("trainA/trainB (CycleGAN, CUT)"))):
            self.layout_box.addItem(label, key)
        self.layout_box.setCurrentIndex(1)
        form.addRow(tr("Layout"), self.layout_box)

        self.historical = QgsMapLayerComboBox()
        self.historical.setFilters(QgsMapLayerProxyModel.Filter.RasterLayer)
        self.historical.setAllowEmptyLayer(True)
        self.historical.setLayer(None)
        form.addRow(tr("Historical grey layer"), self.historical)
        self.role = QComboBox()
        for key, label in zip(HISTORICAL_ROLES, (tr("not used"), tr("grey (A) set of the unpaired layout"),
                                                 tr("test tiles (historical/)"))):
            self.role.addItem(label, key)
        self.role.setToolTip(tr("What the historical grey layer's tiles are for: not used; the grey (A) set of "
                                "an unpaired training set (CycleGAN, CUT learn from real old photos); or test "
                                "tiles in historical/ to look at and score, never trained on."))
        form.addRow(tr("Use it as"), self.role)

        splits = QHBoxLayout()
        self.val = QDoubleSpinBox()
        self.test = QDoubleSpinBox()
        for box, value in ((self.val, 0.1), (self.test, 0.1)):
            box.setRange(0.0, 0.9)
            box.setSingleStep(0.05)
            box.setValue(value)
        self.block = QSpinBox()
        self.block.setRange(1, 1024)
        self.block.setValue(4)
        self.block.setToolTip(tr("Tiles per side of a split block: neighbouring tiles go to the same split "
                                 "(train, val or test) in blocks of this many, so val and test never touch "
                                 "ground the model trained on."))
        for label, box in ((tr("val"), self.val), (tr("test"), self.test), (tr("block"), self.block)):
            splits.addWidget(QLabel(label))
            splits.addWidget(box)
        form.addRow(tr("Splits"), splits)
        self.max_nodata = QDoubleSpinBox()
        self.max_nodata.setRange(0.0, 99.0)
        self.max_nodata.setDecimals(1)
        self.max_nodata.setSuffix(" %")
        self.max_nodata.setValue(100 * CaptureConfig.max_nodata)
        self.max_nodata.setToolTip(tr("A tile with a larger share of nodata pixels (where the layer has no "
                                      "data, or every band holds its nodata value) is skipped and counted."))
        form.addRow(tr("Largest nodata share"), self.max_nodata)
        self.output = QgsFileWidget()
        self.output.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        form.addRow(tr("Training set folder"), self.output)
        vbox.addLayout(form)

        buttons = QHBoxLayout()
        self.estimate_button = QPushButton(tr("Estimate"))
        self.estimate_button.clicked.connect(self.show_estimate)
        self.run_button = QPushButton(tr("Capture tiles"))
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        for b in (self.estimate_button, self.run_button, self.cancel_button):
            buttons.addWidget(b)
        vbox.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        vbox.addWidget(self.progress)
        self.status = QLabel(tr("Choose a colour layer, an area of interest and a folder."))
        self.status.setWordWrap(True)
        vbox.addWidget(self.status)
        vbox.addStretch(1)
        self.setWidget(scrolling(body))
        self.grid_mode.currentIndexChanged.connect(self._sync)
        self.aoi_mode.currentIndexChanged.connect(self._sync)
        self.layer.layerChanged.connect(self._layer_chosen)
        QgsProject.instance().layersAdded.connect(self._hide_grey_layers)
        self._hide_grey_layers()
        self._layer_chosen(self.layer.currentLayer())
        self._sync()

    def _hide_grey_layers(self, *_args) -> None:
        """A grey layer gives no colour to learn: the colour list leaves grey rasters out (the
        historical list keeps them)."""
        grey = [lyr for lyr in QgsProject.instance().mapLayers().values()
                if isinstance(lyr, QgsRasterLayer) and lyr.isValid() and is_grey_layer(lyr)]
        self.layer.setExceptedLayerList(grey)

    def _layer_chosen(self, layer) -> None:
        """A local raster is captured on its own grid by default (its CRS and pixel size, so tiles are
        its own pixels); web layers keep the zoom levels."""
        if not isinstance(layer, QgsRasterLayer) or not layer.isValid() or LayerRef.of(layer).is_network:
            return
        self.grid_mode.setCurrentIndex(self.grid_mode.findData("gsd"))
        self.gsd.setValue(layer.rasterUnitsPerPixelX())
        self.crs.setCrs(QgsCoordinateReferenceSystem())

    def _sync(self, *_args) -> None:
        zoom = self.grid_mode.currentData() == "zoom"
        self.zooms.setEnabled(zoom)
        self.gsd.setEnabled(not zoom)
        self.crs.setEnabled(not zoom)
        mode = self.aoi_mode.currentData()
        self.draw_button.setEnabled(mode == AOI_RECT)
        self.aoi_layer.setEnabled(mode == AOI_LAYER)
        self.selected_only.setEnabled(mode == AOI_LAYER)

    # -- area of interest -----------------------------------------------------------------
    def draw_rectangle(self) -> None:
        from qgis.gui import QgsMapToolExtent

        canvas = self.iface.mapCanvas()
        self.extent_tool = QgsMapToolExtent(canvas)
        self.extent_tool.extentChanged.connect(self._rectangle_drawn)
        canvas.setMapTool(self.extent_tool)
        self.status.setText(tr("Drag a rectangle on the map."))

    def _rectangle_drawn(self, rect) -> None:
        self.set_rectangle(rect, self.iface.mapCanvas().mapSettings().destinationCrs())
        self.iface.mapCanvas().unsetMapTool(self.extent_tool)

    def set_rectangle(self, rect, crs) -> None:
        self.rect, self.rect_crs = rect, crs
        self.aoi_mode.setCurrentIndex(self.aoi_mode.findData(AOI_RECT))
        units = QgsUnitTypes.toAbbreviatedString(crs.mapUnits()) if crs.isValid() else tr("map units")
        self.rect_label.setText(tr("{0:.0f} × {1:.0f} {2} ({3})").format(
            rect.width(), rect.height(), units, crs.authid() or tr("no CRS")))
        self._show_rectangle()

    def _show_rectangle(self) -> None:
        """Keep the drawn area on the map (the extent tool's own band goes when the mouse is released)."""
        if self.iface is None:
            return
        from qgis.core import QgsGeometry
        from qgis.gui import QgsRubberBand
        from qgis.PyQt.QtGui import QColor

        canvas = self.iface.mapCanvas()
        if self.rect_band is None:
            self.rect_band = QgsRubberBand(canvas, QgsWkbTypes.GeometryType.PolygonGeometry)
            self.rect_band.setStrokeColor(QColor(214, 40, 40))
            self.rect_band.setFillColor(QColor(214, 40, 40, 30))
            self.rect_band.setWidth(2)
        self.rect_band.setToGeometry(QgsGeometry.fromRect(self.rect), self.rect_crs)

    def area_of_interest(self):
        mode = self.aoi_mode.currentData()
        if mode == AOI_RECT:
            if self.rect is None:
                raise ValueError(tr("Draw a rectangle on the map first."))
            return aoi_from_rect(self.rect, self.rect_crs)
        if mode == AOI_LAYER:
            if self.aoi_layer.currentLayer() is None:
                raise ValueError(tr("Choose a polygon layer for the area of interest."))
            return aoi_from_layer(self.aoi_layer.currentLayer(), self.selected_only.isChecked())
        if self.iface is None:
            raise ValueError(tr("There is no map canvas; draw a rectangle or choose polygons."))
        return aoi_from_canvas(self.iface.mapCanvas())

    # -- settings -------------------------------------------------------------------------
    def config(self) -> CaptureConfig:
        """The capture the dock describes; ValueError with one sentence when something is missing."""
        out = self.output.filePath().strip()
        if not out:
            raise ValueError(tr("Choose a folder for the training set."))
        cfg = CaptureConfig(out=os.path.abspath(out), tile=self.tile.value(), fmt=self.fmt.currentData(),
                            layout=self.layout_box.currentData(), val_fraction=self.val.value(),
                            test_fraction=self.test.value(), block=self.block.value(),
                            max_nodata=self.max_nodata.value() / 100.0,
                            historical_role=(self.role.currentData() if self.historical.currentLayer() is not None
                                             else "none"))
        if self.grid_mode.currentData() == "zoom":
            cfg.zooms = parse_zooms(self.zooms.text())
            if not cfg.zooms:
                raise ValueError(tr("Give one or more zoom levels, such as 15,16."))
        else:
            cfg.gsd = self.gsd.value()
            cfg.crs = self.crs.crs().authid() if self.crs.crs().isValid() else ""
        return cfg

    def prepare(self):
        """(config, colour ref, historical ref, aoi, estimate) or ValueError / BadInput."""
        from aerocolor.errors import BadInput

        layer = self.layer.currentLayer()
        colour = LayerRef.of(layer)
        try:
            refuse_grey_source(layer, layer.name())  # first: the layer is the first choice in the dock
            hist_layer = self.historical.currentLayer()
            historical = LayerRef.of(hist_layer) if hist_layer is not None else None
            cfg = self.config()
            aoi = self.area_of_interest()
            plan = plan_capture(cfg, layer.crs(), layer.extent(), aoi, QgsProject.instance().transformContext(),
                                layer.name())
        except BadInput as exc:
            raise ValueError(exc.message) from None
        return cfg, colour, historical, aoi, plan.estimate

    def show_estimate(self) -> Optional[int]:
        try:
            cfg, _, _, aoi, n = self.prepare()
        except (ValueError, LayerError) as exc:
            self.status.setText(str(exc))
            return None
        approx = "" if aoi.rectangular else tr("at most ")
        self.status.setText(tr("{0}{1:,} tiles of {2} px over {3}.").format(approx, n, cfg.tile, shown(aoi)))
        return n

    def confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, tr("AeroColor: Capture"), text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    # -- running --------------------------------------------------------------------------
    def start(self) -> bool:
        if self.task is not None:
            return False
        try:
            cfg, colour, historical, aoi, n = self.prepare()
        except (ValueError, LayerError) as exc:
            self.status.setText(str(exc))
            return False
        if n > self.confirm_above and not self.confirm(
                tr("This capture makes about {0:,} tiles into {1}; it may take long and fetch much from the "
                   "layer's server. Capture them?").format(n, cfg.out)):
            self.status.setText(tr("Not started ({0:,} tiles); choose a smaller area or a lower zoom.").format(n))
            return False
        if not layout.folder_is_free(cfg.out) and not os.path.isfile(os.path.join(cfg.out, "capture.json")):
            self.status.setText(tr("{0} already holds another dataset or other files; choose an empty or new "
                                   "folder (nothing was overwritten).").format(cfg.out))
            return False
        self.task = CaptureTask(cfg, colour, aoi, QgsProject.instance().transformContext(), historical)
        self.task.counted.connect(self._counted)
        self.task.done.connect(self._done)
        self.progress.setValue(0)
        self.status.setText(tr("Capturing about {0:,} tiles…").format(n))
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        QgsApplication.taskManager().addTask(self.task)
        return True

    def cancel(self) -> None:
        if self.task is not None:
            self.status.setText(tr("Cancelling…"))
            self.task.cancel()

    def _counted(self, done: int, total: int, counts: dict) -> None:
        self.progress.setValue(int(1000 * done / max(total, 1)))
        skipped = counts.get("blank", 0) + counts.get("nodata", 0) + counts.get("missing", 0)
        self.status.setText(tr("{0} of {1} tiles: {2} written, {3} already on disk, {4} skipped.").format(
            done, total, counts.get("written", 0), counts.get("on_disk", 0), skipped))

    def _done(self, ok: bool, message: str, manifest) -> None:
        self.task = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.last_manifest = manifest
        if ok:
            self.progress.setValue(1000)
        self.status.setText(message)

    def shutdown(self) -> None:
        """Plugin unload: stop a running capture (tiles on disk stay; a rerun resumes) and the map tool."""
        try:
            QgsProject.instance().layersAdded.disconnect(self._hide_grey_layers)
        except TypeError:
            pass
        if self.task is not None:
            self.task.cancel()
        if self.rect_band is not None and self.iface is not None:
            self.iface.mapCanvas().scene().removeItem(self.rect_band)
            self.rect_band = None
        if self.extent_tool is not None and self.iface is not None:
            canvas = self.iface.mapCanvas()
            if canvas.mapTool() is self.extent_tool:
                canvas.unsetMapTool(self.extent_tool)
            self.extent_tool = None
