"""Colorize dock: a grey layer (or several) and a checkpoint in, colour GeoTIFF layers out, above their sources."""
from __future__ import annotations

import os
from typing import Dict, List, Optional

from qgis.core import QgsMapLayerProxyModel, QgsProject, QgsRasterLayer
from qgis.gui import QgsDockWidget, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt import sip
from qgis.PyQt.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout,
                                 QLabel, QProgressBar, QPushButton, QSizePolicy, QSpinBox, QVBoxLayout,
                                 QWidget)

from ..bridge.events import ColorizeProgress, notice_text
from ..bridge.process import BackendProcess
from ..choices import DEVICES, GSD_MODES, device_labels, fill, gsd_labels
from ..i18n_util import tr
from ..layers import add_result_layer, file_path_of, is_grey, raster_layers_grey_first
from ..jobs import ColorizeJob
from ..model_card import LATENT_MODES, latent_args, latent_mode_labels, latent_size, read_card, summary
from ..bridge.paths import backend_root, default_model
from ..recent import recent_checkpoints, remember_checkpoint
from ..bridge.seam import output_files
from .several_layers import SeveralLayers
from .widgets import BackendBanner, format_eta, scrolling

MAX_SAMPLES = 16


def suggested_output(source_path: str) -> str:
    """Beside the source, unless that is the plugin's own folder (the bundled sample) or not
    writable: then in the project's folder, else the home folder."""
    folder, name = os.path.split(os.path.abspath(source_path))
    plugin = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    own = any(os.path.commonpath([folder, root]) == root for root in (plugin, os.path.abspath(backend_root())))
    if own or not os.access(folder, os.W_OK):
        folder = QgsProject.instance().homePath() or os.path.expanduser("~")
    return os.path.join(folder, os.path.splitext(name)[0] + "_colorized.tif")


class ColorizeDock(QgsDockWidget):
    def __init__(self, parent=None, iface=None):
        super().__init__(tr("AeroColor: Colorize"), parent)
        self.setObjectName("AeroColorColorizeDock")
        self.iface = iface
        self.process: Optional[BackendProcess] = None
        self.source: Optional[QgsRasterLayer] = None
        self.source_name = ""
        self.added: Optional[QgsRasterLayer] = None
        self.outputs: List[str] = []
        self.sources: Dict[str, QgsRasterLayer] = {}   # several layers: file path -> its layer
        self.made: Dict[str, str] = {}                 # several layers: input -> output written (or kept)
        self.overall = ColorizeProgress()
        self._suggested = ""

        body = QWidget()
        layout = QVBoxLayout(body)
        self.banner = BackendBanner()
        layout.addWidget(self.banner)
        form = QFormLayout()
        self.layer = QComboBox()
        self.layer.currentIndexChanged.connect(self._layer_changed)
        self.layer.activated.connect(self._picked)
        self._picked_id = ""
        form.addRow(tr("Grey layer"), self.layer)
        row = QHBoxLayout()
        self.checkpoint = QComboBox()
        self.checkpoint.setEditable(True)
        # Sized by the dock, not by the longest path it lists (which pushed the dock's contents
        # out of view).
        self.checkpoint.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.checkpoint.setMinimumContentsLength(12)
        self.checkpoint.setToolTip(tr("A model from a recent run, or any checkpoint file (.pt)"))
        row.addWidget(self.checkpoint, 1)
        browse = QPushButton("…")
        browse.clicked.connect(self._browse_checkpoint)
        row.addWidget(browse)
        form.addRow(tr("Model"), row)
        self.model_info = QLabel()
        # One short line that must not widen the dock.
        self.model_info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        form.addRow("", self.model_info)
        self.output = QgsFileWidget()
        self.output.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.output.setFilter(tr("GeoTIFF (*.tif *.tiff)"))
        form.addRow(tr("Output GeoTIFF"), self.output)
        self.several = SeveralLayers()
        self.several.toggled.connect(self._several_toggled)
        form.addRow(self.several)
        self.tile = QSpinBox()
        self.tile.setRange(0, 4096)
        self.tile.setSingleStep(32)
        self.tile.setSpecialValueText(tr("model's"))
        form.addRow(tr("Tile (px)"), self.tile)
        self.overlap = QSpinBox()
        self.overlap.setRange(-1, 1024)
        self.overlap.setValue(-1)
        self.overlap.setSpecialValueText(tr("auto"))
        form.addRow(tr("Overlap (px)"), self.overlap)
        self.batch = QSpinBox()
        self.batch.setRange(0, 256)
        self.batch.setValue(0)
        self.batch.setSpecialValueText(tr("auto"))   # the backend's measured best for the device
        form.addRow(tr("Batch"), self.batch)
        self.device = QComboBox()
        fill(self.device, DEVICES, device_labels())
        form.addRow(tr("Device"), self.device)
        self.gsd = QComboBox()
        fill(self.gsd, GSD_MODES, gsd_labels())
        form.addRow(tr("Ground resolution"), self.gsd)
        self.cog = QCheckBox(tr("Write a Cloud Optimized GeoTIFF"))
        form.addRow(self.cog)
        self.group = QCheckBox(tr("Group with a modern layer for comparison"))
        form.addRow(self.group)
        self.modern = QgsMapLayerComboBox()
        self.modern.setFilters(QgsMapLayerProxyModel.Filter.RasterLayer)
        self.modern.setAllowEmptyLayer(True)
        self.modern.setEnabled(False)
        self.group.toggled.connect(self.modern.setEnabled)
        form.addRow(tr("Modern layer"), self.modern)
        layout.addLayout(form)
        layout.addWidget(self._latent_box())

        buttons = QHBoxLayout()
        self.run_button = QPushButton(tr("Colorize layer"))
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        layout.addWidget(self.progress)
        self.status = QLabel(tr("Choose a grey layer and a model."))
        self._idle_text = self.status.text()  # what the status says while nothing has run yet
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.setWidget(scrolling(body))

        self.checkpoint.currentTextChanged.connect(self._model_changed)
        project = QgsProject.instance()
        project.layersAdded.connect(self.refresh_layers)
        project.layersRemoved.connect(self.refresh_layers)
        self.refresh_layers()
        self.refresh_checkpoints()
        self._model_changed()

    def _latent_box(self) -> QGroupBox:
        """BicycleGAN's choices, shown only for a model with a latent code: which of its plausible
        colourings to write, and how many."""
        self.latent = QGroupBox(tr("Colouring (models with a latent code)"))
        form = QFormLayout(self.latent)
        self.z_mode = QComboBox()
        for mode, label in zip(LATENT_MODES, latent_mode_labels()):
            self.z_mode.addItem(label, mode)
        self.z_mode.currentIndexChanged.connect(self._z_mode_changed)
        form.addRow(tr("Latent code"), self.z_mode)
        self.samples = QSpinBox()
        self.samples.setRange(1, MAX_SAMPLES)
        self.samples.setToolTip(tr("Several colourings, one GeoTIFF each (name_1.tif, name_2.tif, …)"))
        form.addRow(tr("Colourings"), self.samples)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2 ** 31 - 1)
        self.seed.setToolTip(tr("The same seed gives the same colourings again"))
        form.addRow(tr("Seed"), self.seed)
        self.z_image = QgsFileWidget()
        self.z_image.setStorageMode(QgsFileWidget.StorageMode.GetFile)
        self.z_image.setFilter(tr("Images (*.tif *.tiff *.png *.jpg *.jpeg)"))
        self.z_image.setToolTip(tr("A colour image (e.g. a modern photo of a similar place): the model's "
                                   "encoder reads its colouring and every tile uses it"))
        form.addRow(tr("Colour image"), self.z_image)
        self.latent.setVisible(False)
        self._z_mode_changed()
        return self.latent

    def _z_mode_changed(self, *_args) -> None:
        mode = self.z_mode.currentData()
        self.samples.setEnabled(mode == "random")
        self.seed.setEnabled(mode == "random")
        self.z_image.setEnabled(mode == "reference")

    def _model_changed(self, *_args) -> None:
        path = self.checkpoint.currentText().strip() or default_model()
        card = read_card(path) if path else None
        self.model_info.setText(summary(card))
        self.latent.setVisible(latent_size(card) > 0)
        self._say_ready()

    def _say_ready(self) -> None:
        """Say what Colorize will do, until a run has something else to say."""
        if self.process is not None or self.status.text() != self._idle_text:
            return
        lyr = self.selected_layer()
        path = self.checkpoint.currentText().strip() or default_model()
        if lyr is None or not path:
            text = tr("Choose a grey layer and a model.")
        else:
            text = tr("Ready to colorize {0} with {1}.").format(lyr.name(), os.path.basename(path))
        self.status.setText(text)
        self._idle_text = text

    def showEvent(self, event) -> None:
        # Layer names may change after a layer is added (QGIS renames it), and runs may have
        # finished since (in a shell too): list both afresh.
        self.refresh_layers()
        self.refresh_checkpoints()
        super().showEvent(event)

    def shutdown(self) -> None:
        """Before the plugin unloads: stop listening to the project, stop our processes."""
        self.disconnect_project()
        self.banner.stop()
        if self.process is not None:
            self.process.shutdown()

    def disconnect_project(self) -> None:
        project = QgsProject.instance()
        for signal in (project.layersAdded, project.layersRemoved):
            try:
                signal.disconnect(self.refresh_layers)
            except TypeError:
                pass

    # -- choices --------------------------------------------------------------------------
    def _several_toggled(self, on: bool) -> None:
        self.layer.setEnabled(not on)
        self.output.setEnabled(not on)
        self.run_button.setText(tr("Colorize layers") if on else tr("Colorize layer"))

    def refresh_layers(self, *_args) -> None:
        self.several.refresh()
        # Keep what the user picked; otherwise offer the first grey layer (the list starts with them).
        current = self._picked_id
        self.layer.blockSignals(True)
        self.layer.clear()
        for lyr in raster_layers_grey_first():
            label = lyr.name() if is_grey(lyr) else tr("{0} (colour)").format(lyr.name())
            self.layer.addItem(label, lyr.id())
        index = self.layer.findData(current) if current else -1
        self.layer.setCurrentIndex(index if index >= 0 else (0 if self.layer.count() else -1))
        self.layer.blockSignals(False)
        self._layer_changed()

    def _picked(self, _index: int) -> None:
        self._picked_id = self.layer.currentData() or ""

    def refresh_checkpoints(self, select: str = "") -> None:
        """List recent models again, keeping the user's choice; `select` (a model just trained) is
        chosen where the choice was still the bundled default, so the next colorize uses it."""
        text = self.checkpoint.currentText()
        if select and text.strip() in ("", default_model()):
            text = os.path.abspath(select)
        self.checkpoint.clear()
        items = recent_checkpoints()
        bundled = default_model()
        if bundled and bundled not in items:
            items.append(bundled)  # recent runs first; the bundled default when there are none
        self.checkpoint.addItems(items)
        # Keep the user's choice: selected when it is listed (not just its text over another item).
        index = self.checkpoint.findText(text) if text else -1
        if index >= 0:
            self.checkpoint.setCurrentIndex(index)
        elif text:
            self.checkpoint.setEditText(text)

    def _browse_checkpoint(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Choose a model"), "", tr("AeroColor models (*.pt)"))
        if path:
            self.checkpoint.setEditText(path)

    def selected_layer(self) -> Optional[QgsRasterLayer]:
        lid = self.layer.currentData()
        return QgsProject.instance().mapLayer(lid) if lid else None

    def _layer_changed(self, *_args) -> None:
        lyr = self.selected_layer()
        path = file_path_of(lyr) if lyr is not None else ""
        if path and (not self.output.filePath() or self.output.filePath() == self._suggested):
            self._suggested = suggested_output(path)
            self.output.setFilePath(self._suggested)
        self._say_ready()

    # -- running --------------------------------------------------------------------------
    def colorize_args(self) -> List[str]:
        """The backend command line; raises ValueError with one sentence when something is missing."""
        if self.several.isChecked():
            self.sources = self.several.job()
            args = self._options(self._model())
            if "--samples" in args:
                raise ValueError(tr("Several colourings are made for one layer at a time; untick Several grey "
                                    "layers or choose one colouring."))
            return args + self.several.args(self.sources)
        self.sources = {}
        lyr = self.selected_layer()
        if lyr is None:
            raise ValueError(tr("Add a grey raster layer to the project and choose it."))
        src = file_path_of(lyr)
        if not src:
            raise ValueError(tr("{0} is not a raster file on disk; save it as a GeoTIFF first.").format(lyr.name()))
        model = self._model()
        out = self.output.filePath().strip()
        if not out:
            raise ValueError(tr("Choose where to save the colour GeoTIFF."))
        if not out.lower().endswith((".tif", ".tiff")):
            out += ".tif"
        if os.path.abspath(out) == os.path.abspath(src):
            raise ValueError(tr("The output would overwrite the input; choose another file name."))
        if not os.path.isdir(os.path.dirname(os.path.abspath(out))):
            raise ValueError(tr("The output folder does not exist; choose an existing folder."))
        return self._options(model) + [src, out]

    def _model(self) -> str:
        model = self.checkpoint.currentText().strip() or default_model()
        if not model or not os.path.isfile(model):
            raise ValueError(tr("Choose a model file (.pt) from a training run."))
        return model

    def _options(self, model: str) -> List[str]:
        return ColorizeJob(model, self.device.currentData(), self.batch.value(), self.tile.value(),
                           self.overlap.value(), self.gsd.currentData(), self.cog.isChecked(),
                           latent_args(read_card(model), self.z_mode.currentData(), self.samples.value(),
                                       self.seed.value(), self.z_image.filePath().strip())).options()

    def start(self) -> None:
        if self.process is not None and self.process.is_running():
            return
        try:
            args = self.colorize_args()
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        self.added = None
        self.made = {}
        if self.sources:
            self.source, self.source_name = None, ""
            self.outputs = self.several.outputs(self.sources)
            log = os.path.join(args[args.index("--out-dir") + 1], "aerocolor-colorize.log")
        else:
            self.source = self.selected_layer()
            self.source_name = self.source.name()  # for the result's name, should the layer be removed meanwhile
            out = args[-1]
            samples = int(args[args.index("--samples") + 1]) if "--samples" in args else 1
            self.outputs = output_files.sample_paths(out, samples)
            log = os.path.splitext(out)[0] + ".log"
        self.process = BackendProcess(self, log_path=log)
        self.process.received.connect(self.on_event)
        self.process.finished.connect(self.on_finished)
        self.overall = ColorizeProgress("--cog" in args)
        self.progress.setValue(0)
        self.status.setText(tr("Starting the backend…"))
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        remember_checkpoint(args[args.index("--model") + 1])
        self.process.start(args)

    def cancel(self) -> None:
        if self.process is not None and self.process.is_running():
            self.status.setText(tr("Cancelling…"))
            self.process.cancel()

    def on_event(self, ev: dict) -> None:
        kind = ev.get("type")
        if self.sources and kind in ("progress", "file"):
            self._on_many_event(ev)
        elif kind == "progress":
            # Tiles and then overviews each count from 0 to 1: one bar that only moves forward (the
            # tiles fill 98 % of it, GDAL's overview pass the rest).
            value = self.overall.update(ev)
            self.progress.setValue(int(round(value * 1000)))
            self.status.setText(tr("Colorizing: {0} %. {1}").format(int(value * 100), format_eta(ev.get("eta_s"))))
        elif kind == "notice":
            self.status.setText(notice_text(ev))

    def _on_many_event(self, ev: dict) -> None:
        """Several layers: the bar follows the whole job; each finished raster is named."""
        if ev.get("type") == "progress" and ev.get("stage") == "files" and ev.get("fraction") is not None:
            self.progress.setValue(int(round(float(ev["fraction"]) * 1000)))
        elif ev.get("type") == "file":
            if ev.get("status") == "done" or ev.get("reason") == "already done with this model":
                self.made[os.path.abspath(str(ev.get("input")))] = str(ev.get("output"))
            self.status.setText(tr("{0} of {1} layers: {2}").format(ev.get("index"), ev.get("files"),
                                                                  os.path.basename(str(ev.get("input")))))

    def _finish_many(self, code: int, message: str) -> None:
        """Each colour raster above its source layer; what failed is said."""
        if code == -1:
            output_files.remove_leftovers(self.outputs)
        result = (self.process.result or {}) if self.process is not None else {}
        failed = result.get("failed") or []
        added = []
        # A second press after a cancel skips the rasters already done: their layers are there already.
        shown = {os.path.abspath(p) for p in (file_path_of(lyr) for lyr in QgsProject.instance().mapLayers().values())
                 if p}
        for path, out in self.made.items():
            if os.path.abspath(out) in shown:
                added.append(None)
                continue
            source = self.sources.get(path)
            source = None if source is None or sip.isdeleted(source) else source
            name = tr("{0} (colorized)").format(source.name() if source is not None else os.path.basename(path))
            try:
                added.append(add_result_layer(out, source, name))
            except ValueError as exc:
                failed.append({"input": path, "reason": str(exc)})
        self.added = next((lyr for lyr in added if lyr is not None), None)
        text = tr("Done: {0} of {1} layers in {2}.").format(len(added), len(self.sources),
                                                            os.path.dirname(self.outputs[0]))
        if failed:
            text += " " + tr("Not colorized: {0}: {1}").format(os.path.basename(str(failed[0].get("input"))),
                                                              failed[0].get("reason"))
        elif code != 0:
            text = message
        if code == 0 or added:
            self.progress.setValue(1000 if code == 0 else self.progress.value())
        self.status.setText(text)

    def on_finished(self, code: int, message: str) -> None:
        """Runs on the main thread (QProcess signals): the only place layers are added."""
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if self.sources:
            self._finish_many(code, message)
            return
        if code != 0:
            if code == -1:  # killed or crashed: it could not remove its unfinished files itself
                output_files.remove_leftovers(self.outputs)
            self.status.setText(message)
            return
        outputs = (self.process.result or {}).get("outputs") or {}
        rasters = outputs.get("rasters") or ([outputs["raster"]] if outputs.get("raster") else [])
        if not rasters or not all(os.path.isfile(r) for r in rasters):
            self.status.setText(tr("The backend finished but wrote no raster; see the log."))
            return
        raster = rasters[0]
        # The user may have removed the source during the run; its C++ object is gone then.
        removed = self.source is not None and sip.isdeleted(self.source)
        source = None if removed else self.source
        name = tr("{0} (colorized)").format(self.source_name or os.path.basename(raster))
        modern = self.modern.currentLayer() if self.group.isChecked() else None
        group = tr("{0} – comparison").format(self.source_name) if modern is not None and self.source_name else ""
        try:
            # Several colourings: the first one is compared with the modern layer, the others go
            # above the source (each goes right above it, so in this order the first ends on top).
            added = []
            for k in range(1, len(rasters) + 1):
                label = name if len(rasters) == 1 else tr("{0} (colouring {1})").format(
                    self.source_name or os.path.basename(rasters[k - 1]), k)
                added.append(add_result_layer(rasters[k - 1], source, label, modern if k == 1 else None,
                                              group if k == 1 else ""))
            self.added = added[0]
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        self.progress.setValue(1000)
        shown = raster if len(rasters) == 1 else tr("{0} and {1} more").format(raster, len(rasters) - 1)
        if removed:
            self.status.setText(tr("Done: {0}. The source layer was removed meanwhile, so the result is at "
                                   "the top of the layer tree.").format(shown))
        else:
            self.status.setText(tr("Done: {0}").format(shown))
