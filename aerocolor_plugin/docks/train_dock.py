"""Train dock: dataset, family and its key options, start / stop / resume, live progress."""
from __future__ import annotations

import datetime as _dt
import json
import os
import re
from typing import Dict, List, Optional, Tuple

from qgis.gui import QgsDockWidget, QgsFileWidget
from qgis.PyQt.QtCore import Qt, QUrl, pyqtSignal
from qgis.PyQt.QtGui import QDesktopServices, QPixmap
from qgis.PyQt.QtWidgets import (QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout,
                                 QLabel, QPlainTextEdit, QProgressBar, QPushButton, QSizePolicy,
                                 QSpinBox, QVBoxLayout, QWidget)

from ..bridge.events import notice_text
from ..bridge.process import BackendProcess, RunFollower
from ..choices import COLOR_MODES, DEVICES, FAMILIES, GAN_MODES, color_mode_labels, device_labels, fill
from ..i18n_util import tr
from ..jobs import TrainJob
from ..model_card import read_card, summary
from ..bridge.paths import default_model
from ..recent import last_run, recent_checkpoints, remember_checkpoint, remember_run
from ..bridge.seam import protocol
from ..start_from import (START_CHOICES, colour_name, fitting_tile, model_name, model_path, net_values,
                          start_labels, train_model_args)
from .widgets import BackendBanner, LossPlot, format_eta, scrolling

TILE_STEP = 32


def _spin(lo: int, hi: int, value: int, step: int = 1) -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setValue(value)
    return box


def _rate(value: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(6)
    box.setRange(1e-6, 1.0)
    box.setSingleStep(1e-4)
    box.setValue(value)
    return box


class TrainDock(QgsDockWidget):
    trained = pyqtSignal(str)  # a run's checkpoint, when its result arrives

    def __init__(self, parent=None):
        super().__init__(tr("AeroColor: Train"), parent)
        self.setObjectName("AeroColorTrainDock")
        self.process: Optional[BackendProcess] = None
        self.follower: Optional[RunFollower] = None
        self.epochs_total = 0
        self._checkpoint_logged = False  # the log names latest.pt once a run, not after every epoch
        self._offered_run = ""  # the last run, shown until the user starts, follows or replaces it
        self._own_net: Optional[Dict[str, int]] = None  # the user's ngf/ndf while a model fixes them
        self._syncing = False    # the model's family and colour mode are being shown: no conflict

        body = QWidget()
        layout = QVBoxLayout(body)
        self.banner = BackendBanner()
        layout.addWidget(self.banner)

        form = QFormLayout()
        self.dataset = QgsFileWidget()
        self.dataset.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.dataset.fileChanged.connect(self._suggest_run)
        form.addRow(tr("Dataset folder"), self.dataset)
        self.run_dir = QgsFileWidget()
        self.run_dir.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        form.addRow(tr("Run folder"), self.run_dir)
        form.addRow(tr("Start from"), self._start_row())
        self.model_info = QLabel()
        # One short line that must not widen the dock.
        self.model_info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        form.addRow("", self.model_info)
        self.family = QComboBox()
        self.family.addItems(FAMILIES)
        form.addRow(tr("Model family"), self.family)
        self.color_mode = QComboBox()
        fill(self.color_mode, COLOR_MODES, color_mode_labels())
        form.addRow(tr("Colour mode"), self.color_mode)
        self.epochs = _spin(1, 10000, 100)
        form.addRow(tr("Epochs at full rate"), self.epochs)
        self.decay_epochs = _spin(0, 10000, 100)
        form.addRow(tr("Epochs of decay"), self.decay_epochs)
        self.batch = _spin(1, 512, 1)
        form.addRow(tr("Batch size"), self.batch)
        self.device = QComboBox()
        fill(self.device, DEVICES, device_labels())
        form.addRow(tr("Device"), self.device)
        layout.addLayout(form)

        advanced = QGroupBox(tr("Network and optimiser"))
        adv = QFormLayout(advanced)
        self.tile = _spin(32, 2048, 256, TILE_STEP)
        adv.addRow(tr("Tile size (px)"), self.tile)
        self.ngf = _spin(4, 512, 64)
        adv.addRow(tr("Generator filters (ngf)"), self.ngf)
        self.ndf = _spin(4, 512, 64)
        adv.addRow(tr("Discriminator filters (ndf)"), self.ndf)
        self.gan_mode = QComboBox()
        self.gan_mode.addItem(tr("family default"), "")
        for mode in GAN_MODES:
            self.gan_mode.addItem(mode, mode)
        adv.addRow(tr("GAN loss"), self.gan_mode)
        self.lr_g = _rate(2e-4)
        adv.addRow(tr("Learning rate G"), self.lr_g)
        self.lr_d = _rate(2e-4)
        adv.addRow(tr("Learning rate D"), self.lr_d)
        layout.addWidget(advanced)

        buttons = QHBoxLayout()
        self.start_button = QPushButton(tr("Start"))
        self.start_button.clicked.connect(lambda: self.start(resume=False))
        self.stop_button = QPushButton(tr("Stop"))
        self.stop_button.clicked.connect(self.stop)
        self.resume_button = QPushButton(tr("Resume"))
        self.resume_button.clicked.connect(lambda: self.start(resume=True))
        self.open_button = QPushButton(tr("Open run folder"))
        self.open_button.clicked.connect(self.open_run_folder)
        self.attach_button = QPushButton(tr("Show run"))
        self.attach_button.setToolTip(tr("Show the progress of the run in the run folder (after a restart)"))
        self.attach_button.clicked.connect(self.attach)
        for b in (self.start_button, self.stop_button, self.resume_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        folder_buttons = QHBoxLayout()
        folder_buttons.addWidget(self.attach_button)
        folder_buttons.addWidget(self.open_button)
        layout.addLayout(folder_buttons)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        layout.addWidget(self.progress)
        self.status = QLabel(tr("Idle."))
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.plot = LossPlot()
        layout.addWidget(self.plot)
        self.sample = QLabel()
        self.sample.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.sample.setMinimumHeight(100)
        layout.addWidget(self.sample)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        self.log.setMaximumHeight(120)
        layout.addWidget(self.log)

        self.setWidget(scrolling(body))
        self._set_running(False)

        self.start_from.currentIndexChanged.connect(self._start_changed)
        self.base_model.currentTextChanged.connect(self._start_changed)
        self.family.currentIndexChanged.connect(self._kind_changed)
        self.color_mode.currentIndexChanged.connect(self._kind_changed)
        self.refresh_models()
        self.start_from.setCurrentIndex(START_CHOICES.index("default" if default_model() else "nothing"))
        self._start_changed()

    def _start_row(self) -> QWidget:
        """Start from: the bundled default model, a model file (a recent run's or any .pt), or nothing."""
        box = QWidget()
        rows = QVBoxLayout(box)
        rows.setContentsMargins(0, 0, 0, 0)
        self.start_from = QComboBox()
        for choice, label in zip(START_CHOICES, start_labels()):
            self.start_from.addItem(label, choice)
        self.start_from.setToolTip(tr("Fine-tune a trained model on your dataset (it keeps its family, colour "
                                      "mode and network), or train a new model from nothing"))
        rows.addWidget(self.start_from)
        row = QHBoxLayout()
        self.base_model = QComboBox()
        self.base_model.setEditable(True)
        self.base_model.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.base_model.setMinimumContentsLength(12)
        self.base_model.setToolTip(tr("A model from a recent run, or any checkpoint file (.pt)"))
        row.addWidget(self.base_model, 1)
        self.base_browse = QPushButton("…")
        self.base_browse.clicked.connect(self._browse_model)
        row.addWidget(self.base_browse)
        rows.addLayout(row)
        return box

    def refresh_models(self) -> None:
        """The recent runs' models, keeping the one chosen."""
        text = self.base_model.currentText()
        self.base_model.blockSignals(True)
        self.base_model.clear()
        self.base_model.addItems(recent_checkpoints())
        index = self.base_model.findText(text) if text else -1
        if index >= 0:
            self.base_model.setCurrentIndex(index)
        else:
            self.base_model.setEditText(text)
        self.base_model.blockSignals(False)

    def _browse_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Choose a model"), "", tr("AeroColor models (*.pt)"))
        if path:
            self.base_model.setEditText(path)

    def _start(self) -> str:
        return self.start_from.currentData()

    def _start_model(self) -> Tuple[str, Optional[dict]]:
        """The model the run would start from and its card; ('', None) for nothing or a file not chosen yet."""
        try:
            path = model_path(self._start(), self.base_model.currentText())
        except ValueError:
            return "", None
        return path, (read_card(path) if path else None)

    def _start_changed(self, *_args) -> None:
        """A model fixes the family, colour mode and network: show its, and lock the network options."""
        start = self._start()
        self.base_model.setEnabled(start == "file")
        self.base_browse.setEnabled(start == "file")
        path, card = self._start_model()
        typed = start == "file" and os.path.isfile(self.base_model.currentText().strip())
        self.model_info.setText(summary(card) if card else tr("Not an AeroColor model.") if typed else "")
        fixed = start != "nothing"
        boxes = {"ngf": self.ngf, "ndf": self.ndf}
        if fixed and self._own_net is None:
            self._own_net = {k: box.value() for k, box in boxes.items()}
        elif not fixed and self._own_net is not None:
            for key, value in self._own_net.items():
                boxes[key].setValue(value)
            self._own_net = None
        for box in boxes.values():
            box.setEnabled(not fixed)
        self.tile.setSingleStep(int((card or {}).get("multiple") or TILE_STEP) if fixed else TILE_STEP)
        if card:
            self._syncing = True
            try:
                if card.get("family") in FAMILIES:
                    self.family.setCurrentText(card["family"])
                index = self.color_mode.findData(card.get("color_mode"))
                if index >= 0:
                    self.color_mode.setCurrentIndex(index)
            finally:
                self._syncing = False
            for key, value in net_values(card).items():
                boxes[key].setValue(value)
            self.tile.setValue(fitting_tile(card, self.tile.value()))

    def _kind_changed(self, *_args) -> None:
        """Another family or colour mode than the model's: a new model, said in the status line, rather
        than a command the backend would refuse."""
        if self._syncing or self._start() == "nothing":
            return
        path, card = self._start_model()
        family, mode = self.family.currentText(), self.color_mode.currentData()
        if not card or (card.get("family"), card.get("color_mode")) == (family, mode):
            return
        name = model_name(self._start(), path)
        self.start_from.setCurrentIndex(START_CHOICES.index("nothing"))
        self.status.setText(tr("{0} is a {1} model in {2}, so Start from is now nothing: a new {3} model in {4}.")
                            .format(name, card.get("family"), colour_name(card.get("color_mode")), family,
                                    colour_name(mode)))

    def showEvent(self, event) -> None:
        # After a restart, offer the last run so the user can follow or resume it without browsing.
        run = last_run()
        if run and not self.run_dir.filePath().strip():
            self._offered_run = run
            self.run_dir.setFilePath(run)
            self.status.setText(tr("Last run: {0}. Show run follows it; Resume continues it.").format(run))
        self.refresh_models()
        super().showEvent(event)

    def shutdown(self) -> None:
        """Before the plugin unloads: a running training is asked to save and stop (resume later)."""
        self.banner.stop()
        if self.follower is not None:
            self.follower.stop()
        if self.process is not None:
            self.process.shutdown()

    # -- arguments ------------------------------------------------------------------------
    def _suggest_run(self, path: str) -> None:
        # A new dataset means a new run, also in place of the last run merely offered.
        if path and (not self.run_dir.filePath() or self.run_dir.filePath() == self._offered_run):
            stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M")
            parent = os.path.dirname(os.path.abspath(path))
            self.run_dir.setFilePath(os.path.join(parent, "runs", f"{self.family.currentText()}-{stamp}"))

    def train_args(self, resume: bool = False) -> List[str]:
        """The backend command line for the options shown; raises ValueError with a sentence if incomplete."""
        run = self.run_dir.filePath().strip()
        if not run:
            raise ValueError(tr("Choose a run folder; checkpoints, samples and logs go there."))
        if resume:
            return TrainJob(run, self.device.currentData(), resume=True).args()
        data = self.dataset.filePath().strip()
        if not data or not os.path.isdir(data):
            raise ValueError(tr("Choose the dataset folder (make one with the Capture dock or 'aerocolor dataset')."))
        model = train_model_args(self._start(), self.base_model.currentText(), self.family.currentText(),
                                 self.color_mode.currentData(), self.tile.value(),
                                 {"ngf": self.ngf.value(), "ndf": self.ndf.value()})
        return TrainJob(run, self.device.currentData(), data=data, model=model, epochs=self.epochs.value(),
                        decay_epochs=self.decay_epochs.value(), batch=self.batch.value(), lr_g=self.lr_g.value(),
                        lr_d=self.lr_d.value(), gan_mode=self.gan_mode.currentData()).args()

    # -- running --------------------------------------------------------------------------
    def start(self, resume: bool = False) -> None:
        if self.process is not None and self.process.is_running():
            return
        try:
            args = self.train_args(resume)
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        if self.follower is not None:
            self.follower.stop()
        run = self.run_dir.filePath().strip()
        self._offered_run = ""
        remember_run(run)
        self.plot.clear()
        if resume:  # the curves so far stay: the resumed run continues them
            self._replay_losses(run)
        self.log.clear()
        self._checkpoint_logged = False
        self.process = BackendProcess(self, log_path=os.path.join(run, "plugin.log"))
        self.process.received.connect(self.on_event)
        self.process.log.connect(self.log.appendPlainText)
        self.process.finished.connect(self.on_finished)
        self.status.setText(tr("Starting the backend…"))
        self._set_running(True)
        self.process.start(args)

    def _replay_losses(self, run: str) -> None:
        """The loss curves of a run so far, from its events.jsonl (a torn last line is skipped)."""
        try:
            with open(os.path.join(run, "events.jsonl"), encoding="utf-8") as fh:
                for line in fh:
                    try:
                        ev = json.loads(line)
                    except ValueError:
                        continue
                    if ev.get("type") == "progress" and ev.get("stage") == "train" and ev.get("losses"):
                        epochs = ev.get("epochs") or 1
                        self.epochs_total = epochs
                        self.plot.add(float(ev.get("fraction") or 0.0) * epochs, ev["losses"])
        except OSError:
            pass

    def stop(self) -> None:
        if self.process is not None and self.process.is_running():
            self.status.setText(tr("Stopping after the current step; the run is saved for resuming…"))
            self.process.cancel()

    def attach(self) -> None:
        """Re-attach to the run folder: replay its events and follow new ones."""
        run = self.run_dir.filePath().strip()
        if not run or not os.path.isfile(os.path.join(run, "events.jsonl")):
            self.status.setText(tr("The run folder has no events.jsonl; choose the folder of a run."))
            return
        if self.follower is not None:
            self.follower.stop()
        self._offered_run = ""  # chosen now: the dataset its config names must not replace it
        remember_run(run)
        self.load_run_config(run)
        self.plot.clear()
        self.follower = RunFollower(run, self)
        self.follower.received.connect(self.on_event)
        self.follower.start()
        if self.follower.finished_event is None and not (self.process is not None and self.process.is_running()):
            # No result or error and not ours: QGIS (or the backend) stopped before the run finished.
            # Should it still run elsewhere (a shell), its next events replace this sentence.
            self.status.setText(tr("This run is not running: it stopped before finishing (QGIS was closed or "
                                   "the backend was stopped). Press Resume to continue from its last checkpoint."))

    def load_run_config(self, run: str) -> None:
        """Show the options a run was started with (its config.json), so Resume continues the same run."""
        try:
            with open(os.path.join(run, "config.json"), encoding="utf-8") as fh:
                cfg = json.load(fh)
        except (OSError, ValueError):
            return
        if cfg.get("data"):
            self.dataset.setFilePath(cfg["data"])
        # What it started from first: a model shows its family and network, which the rest then repeats.
        base = cfg.get("from_model") or ""
        bundled = default_model()
        if base and bundled and os.path.abspath(base) == os.path.abspath(bundled):
            start = "default"
        else:
            start = "file" if base else "nothing"
            if base:
                self.base_model.setEditText(base)
        self.start_from.setCurrentIndex(START_CHOICES.index(start))
        if cfg.get("family") in FAMILIES:
            self.family.setCurrentText(cfg["family"])
        index = self.color_mode.findData(cfg.get("color_mode"))
        if index >= 0:
            self.color_mode.setCurrentIndex(index)
        for box, key in ((self.epochs, "epochs"), (self.decay_epochs, "decay_epochs"), (self.batch, "batch"),
                         (self.tile, "tile")):
            if isinstance(cfg.get(key), int):
                box.setValue(cfg[key])
        for box, key in ((self.lr_g, "lr_g"), (self.lr_d, "lr_d")):
            if isinstance(cfg.get(key), (int, float)):
                box.setValue(float(cfg[key]))
        net = (cfg.get("model") or {}).get("net") or {}
        for box, key in ((self.ngf, "ngf"), (self.ndf, "ndf")):
            if isinstance(net.get(key), int):
                box.setValue(net[key])
        index = self.gan_mode.findData((cfg.get("model") or {}).get("gan_mode"))
        if index >= 0:
            self.gan_mode.setCurrentIndex(index)

    def open_run_folder(self) -> None:
        run = self.run_dir.filePath().strip()
        if run and os.path.isdir(run):
            QDesktopServices.openUrl(QUrl.fromLocalFile(run))
        else:
            self.status.setText(tr("The run folder does not exist yet."))

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.resume_button.setEnabled(not running)
        self.stop_button.setEnabled(running)

    # -- events ---------------------------------------------------------------------------
    def on_event(self, ev: dict) -> None:
        kind = ev.get("type")
        if kind == "hello":
            self.status.setText(tr("Training on {0} (torch {1}).").format(ev.get("device"), ev.get("torch")))
        elif kind == "progress" and ev.get("stage") == "train":
            self.epochs_total = ev.get("epochs") or self.epochs_total
            fraction = float(ev.get("fraction") or 0.0)
            self.progress.setValue(int(round(fraction * 1000)))
            self.status.setText(tr("Epoch {0} of {1}, step {2} of {3}. {4}").format(
                ev.get("epoch"), ev.get("epochs"), ev.get("step"), ev.get("steps"), format_eta(ev.get("eta_s"))))
            if ev.get("losses"):
                self.plot.add(fraction * (self.epochs_total or 1), ev["losses"])
        elif kind == "sample" and ev.get("path") and os.path.isfile(ev["path"]):
            pix = QPixmap(ev["path"])
            self.sample.setPixmap(pix.scaledToWidth(max(100, self.sample.width() - 4),
                                                    Qt.TransformationMode.SmoothTransformation))
            self.sample.setToolTip(ev["path"])
        elif kind == "checkpoint" and not self._checkpoint_logged:
            # Once a run: the same latest.pt is rewritten after every epoch.
            self._checkpoint_logged = True
            self.log.appendPlainText(tr("Checkpoints are saved to {0} (after every epoch, and on Stop).").format(
                ev.get("path")))
        elif kind == "notice":
            self.log.appendPlainText(notice_text(ev))
        elif kind == "result":
            ckpt = (ev.get("outputs") or {}).get("checkpoint")
            if ckpt:
                remember_checkpoint(ckpt)
                self.refresh_models()
                self.trained.emit(ckpt)
            self.progress.setValue(1000)
            self.status.setText(tr("Training finished; the model is {0}.").format(ckpt))
        elif kind == "error" and ev.get("code") == "cancelled":
            self.status.setText(self._stopped_text(ev.get("message", "")))
        elif kind == "error":
            self.status.setText(str(ev.get("message", "")))

    @staticmethod
    def _stopped_text(message: str) -> str:
        """The backend's sentence names the command-line flags; the dock points at its own button."""
        found = re.search(r"epoch (\d+), step (\d+)", str(message))
        if found:
            return tr("Stopped at epoch {0}, step {1}; the run is saved. Press Resume to continue from "
                      "there.").format(found.group(1), found.group(2))
        return tr("Stopped; the run is saved. Press Resume to continue from there.")

    def on_finished(self, code: int, message: str) -> None:
        self._set_running(False)
        if code == protocol.EXIT_CANCELLED:
            error = (self.process.error if self.process is not None else None) or {}
            self.status.setText(self._stopped_text(error.get("message", "")))
        elif message:
            self.status.setText(message)
