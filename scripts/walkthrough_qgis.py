"""The walk-through's steps, run inside the real QGIS desktop (scripts/walkthrough starts QGIS with a
startup script that imports this module and calls start()).

Each step drives the plugin through its widgets (the toolbar actions, the docks' fields and buttons,
the mosaic dialog, Processing's algorithm dialogs) as a person would, but from Python rather than
by pixel clicks; then it checks what came out (files, layers, their CRS and grid), takes a
screenshot and records pass or fail with a reason in report.json. Steps are generators: they yield
a wait (until(...) or seconds) and the runner resumes them from a QTimer, so QGIS's event loop keeps
running (QgsTask, QProcess and rendering need it).

Configuration comes from the JSON file named by AEROCOLOR_WALK_CONFIG (written by scripts/walkthrough).
"""
from __future__ import annotations

import json
import os
import re
import time
import traceback
from typing import Callable, List, Optional

from qgis.core import Qgis, QgsApplication, QgsProject, QgsRasterLayer, QgsRectangle
from qgis.PyQt.QtCore import QEvent, QPoint, QPointF, Qt, QTimer
from qgis.PyQt.QtGui import QMouseEvent
from qgis.PyQt.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDialog, QDialogButtonBox, QGroupBox,
                                 QLabel, QMessageBox)

CFG: dict = {}
RUNNER = None  # kept alive (the timers belong to it)


class StepFailed(Exception):
    """A check did not hold; the message is the report's reason."""


def check(cond, message: str) -> None:
    if not cond:
        raise StepFailed(message)


class Wait:
    def __init__(self, pred: Callable[[], bool], timeout: float, what: str):
        self.pred, self.timeout, self.what = pred, timeout, what
        self.deadline = time.monotonic() + timeout


def until(pred: Callable[[], bool], timeout: float, what: str) -> Wait:
    return Wait(pred, timeout, what)


def sleep(seconds: float) -> Wait:
    end = time.monotonic() + seconds
    return Wait(lambda: time.monotonic() >= end, seconds + 5, "a pause")


# -- rasters ------------------------------------------------------------------------------------
def grid_of(path: str) -> dict:
    from osgeo import gdal, osr

    ds = gdal.Open(path)
    check(ds is not None, f"{path} does not open as a raster")
    srs = osr.SpatialReference(wkt=ds.GetProjection()) if ds.GetProjection() else None
    return {"gt": tuple(round(v, 9) for v in ds.GetGeoTransform()), "size": (ds.RasterXSize, ds.RasterYSize),
            "bands": ds.RasterCount, "srs": srs, "meta": ds.GetMetadata() or {}}


def check_same_grid(path: str, reference: str, what: str) -> str:
    """The raster at path lies on reference's grid: same CRS, geotransform and size."""
    a, b = grid_of(path), grid_of(reference)
    check(a["srs"] is not None and b["srs"] is not None and a["srs"].IsSame(b["srs"]),
          f"{what}: its CRS differs from {os.path.basename(reference)}'s")
    check(a["gt"] == b["gt"], f"{what}: geotransform {a['gt']} is not {os.path.basename(reference)}'s {b['gt']}")
    check(a["size"] == b["size"], f"{what}: size {a['size']} is not {b['size']}")
    return f"{a['size'][0]}x{a['size'][1]} px, {a['bands']} bands, geotransform and CRS as {os.path.basename(reference)}"


def check_tiles_cover(tiles: list, rect, extent) -> None:
    """Every tile touches the area of interest and lies on the source; together they cover the area."""
    boxes = [QgsRectangle(*t["bounds"]) for t in tiles]
    off = [t["id"] for t, b in zip(tiles, boxes) if not b.intersects(rect)]
    check(not off, f"tiles outside the area of interest: {off[:3]}")
    eps = 1e-6
    outside = [t["id"] for t, b in zip(tiles, boxes)
               if b.xMinimum() < extent.xMinimum() - eps or b.xMaximum() > extent.xMaximum() + eps
               or b.yMinimum() < extent.yMinimum() - eps or b.yMaximum() > extent.yMaximum() + eps]
    check(not outside, f"tiles beyond the source raster: {outside[:3]}")
    union = QgsRectangle(boxes[0])
    for b in boxes[1:]:
        union.combineExtentWith(b)
    inner = rect.intersect(extent)
    check(union.contains(QgsRectangle(inner.xMinimum() + 6.5, inner.yMinimum() + 6.5, inner.xMaximum() - 6.5,
                                      inner.yMaximum() - 6.5)), f"the tiles ({union.toString(1)}) leave the area "
          f"of interest ({rect.toString(1)}) uncovered")


def layer_path(layer) -> str:
    from qgis.core import QgsProviderRegistry

    return QgsProviderRegistry.instance().decodeUri("gdal", layer.source()).get("path", "") if layer else ""


def layers_with_path(path: str) -> list:
    path = os.path.abspath(path)
    return [lyr for lyr in QgsProject.instance().mapLayers().values()
            if isinstance(lyr, QgsRasterLayer) and os.path.abspath(layer_path(lyr) or "/nonexistent") == path]


def log_text(dlg) -> str:
    """What a Processing dialog's Log tab says (its execution-failed line is always English)."""
    from qgis.PyQt.QtWidgets import QTextEdit

    return "\n".join(w.toPlainText() for w in dlg.findChildren(QTextEdit))


# -- language -----------------------------------------------------------------------------------
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Words that stay as they are in any language: formats, names, units, abbreviations.
_KEEP = {"png", "jpeg", "geotiff", "rgb", "pix2pix", "cyclegan", "cut", "fastcut", "bicyclegan", "vanilla",
         "lsgan", "wgangp", "auto", "cpu", "cuda", "ngf", "ndf", "epsg", "xyz", "tif", "tiff", "vrt", "aerocolor",
         "lab", "log", "px", "pt", "utm", "wgs", "zh", "hant", "traina", "trainb", "gan"}


def looks_english(text: str) -> bool:
    """No Chinese and a word that is neither a name, a format nor a unit."""
    text = re.sub(r"<[^>]+>", " ", text or "")            # rich text tags
    for lyr in QgsProject.instance().mapLayers().values():  # layer names are the user's
        text = text.replace(lyr.name(), " ")
    text = re.sub(r"(/|[A-Za-z]:\\)[^\s]*", " ", text)     # paths
    text = re.sub(r"EPSG:\d+|L\*a\*b\*|m/px", " ", text)
    if _CJK.search(text):
        return False
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_]*", text)
             if len(w) > 1 and not re.search(r"\d", w) and w.lower() not in _KEEP]
    return bool(words)


def english_texts(root) -> List[str]:
    """Visible texts under root that are English in the zh_TW run (what a tr() call missed)."""
    found = []
    for cls in (QLabel, QAbstractButton, QGroupBox):
        for w in root.findChildren(cls):
            if not w.isVisibleTo(root):
                continue
            text = w.title() if isinstance(w, QGroupBox) else w.text()
            if text and looks_english(text):
                found.append(text)
    for combo in root.findChildren(QComboBox):
        if combo.isVisibleTo(root) and not combo.isEditable():
            found += [combo.itemText(i) for i in range(combo.count()) if looks_english(combo.itemText(i))]
    for w in [root] + root.findChildren(QDialog):
        if w.windowTitle() and looks_english(w.windowTitle()):
            found.append(w.windowTitle())
    return sorted(set(found))


# -- the walk -----------------------------------------------------------------------------------
class Walk:
    def __init__(self, cfg: dict):
        from qgis.utils import iface

        self.cfg = cfg
        self.iface = iface
        self.out = cfg["out"]
        self.work = cfg["work"]
        self.quick = bool(cfg.get("quick"))
        self.zh = cfg["lang"] == "zh_TW"
        self.report = {"lang": cfg["lang"], "quick": self.quick, "steps": [], "started": time.time(),
                       "grey_sample": cfg["grey"], "colour_sample": cfg["colour"]}
        self.shots: List[tuple] = []   # (name, widget) the finishing step asks for
        self.saved: List[str] = []     # screenshots a step took itself (of dialogs that close)
        self.notes: List[str] = []     # what looked wrong but is no failure of the step
        self.english: List[str] = []   # English texts in the zh_TW run's screenshots
        self.modals: List[str] = []    # message boxes that popped up (and were closed)
        self.n = 0
        self.state: dict = {}

    # -- plumbing ---------------------------------------------------------------------------
    @property
    def plugin(self):
        import qgis.utils

        return qgis.utils.plugins.get("aerocolor_plugin")

    def passed(self, name: str) -> bool:
        return any(s["name"] == name and s["ok"] for s in self.report["steps"])

    def write_report(self) -> None:
        self.report["ok"] = bool(self.report["steps"]) and all(s["ok"] for s in self.report["steps"])
        self.report["seconds"] = round(time.time() - self.report["started"], 1)
        tmp = os.path.join(self.out, "report.json.part")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(self.report, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, os.path.join(self.out, "report.json"))

    def output(self, key: str, path: str) -> None:
        """A file the walk made, named in the report (for checks from outside, with --work)."""
        self.report.setdefault("outputs", {})[key] = path

    def shot(self, name: str, widget=None) -> None:
        """Ask for a screenshot when the step ends (widget: the main window unless given)."""
        self.shots.append((name, widget))

    def save_shot(self, name: str, widget=None) -> str:
        if widget is None:   # the main window: what it shows of our docks
            shown = [d for d in (self.plugin.capture_dock, self.plugin.train_dock, self.plugin.colorize_dock)
                     if d is not None and d.isVisible() and not d.visibleRegion().isEmpty()]
        else:
            shown = [widget]
        for w in shown:
            if self.zh:
                self.english += english_texts(w)
            if hasattr(w, "widget") and hasattr(w.widget(), "viewport"):
                self.note_width(w)
        widget = widget or self.iface.mainWindow()
        path = os.path.join(self.out, f"{self.n:02d}_{name}.png")
        widget.grab().save(path)
        return os.path.basename(path)

    def shot_now(self, name: str, widget) -> None:
        """A screenshot now (a dialog that closes before the step ends)."""
        self.saved.append(self.save_shot(name, widget))

    def note_width(self, dock) -> None:
        """A dock narrower than its contents scrolls sideways and clips its fields: say so."""
        scroll = dock.widget()
        need = scroll.widget().minimumSizeHint().width()
        have = scroll.viewport().width()
        if need > have:
            self.notes.append(f"{dock.objectName()} shows {have} px of its {need} px wide contents "
                              f"(fields clipped, a sideways scroll bar)")

    def settle(self):
        """Let the canvas finish drawing and the widgets repaint before a screenshot."""
        canvas = self.iface.mapCanvas()
        yield sleep(0.15)
        yield until(lambda: not canvas.isDrawing(), 20, "the map to finish drawing")
        yield sleep(0.15)

    def run_step(self, name: str, fn, needs=()):
        t0 = time.monotonic()
        self.shots, self.saved, self.notes, self.english = [], [], [], []
        self.modals = []
        entry = {"n": self.n, "name": name, "ok": False, "reason": "", "screenshots": []}
        missing = [n for n in needs if not self.passed(n)]
        if missing:
            entry["reason"] = "not run: it needs " + ", ".join(missing) + ", which did not pass"
            self.report["steps"].append(entry)
            self.write_report()
            self.n += 1
            return
        try:
            reason = yield from fn()
            entry["ok"], entry["reason"] = True, reason or "ok"
        except StepFailed as exc:
            entry["reason"] = str(exc)
        except Exception as exc:  # noqa: BLE001 - a broken step is a failed step
            entry["reason"] = f"{type(exc).__name__}: {exc}"
            entry["traceback"] = traceback.format_exc()
        if self.modals:
            entry["message_boxes"] = list(self.modals)
        try:
            yield from self.settle()
        except StepFailed:
            pass
        if not self.shots and not self.saved:
            self.shots = [(name, None)]
        entry["screenshots"] = list(self.saved)
        for shot_name, widget in self.shots:
            try:
                entry["screenshots"].append(self.save_shot(shot_name, widget))
            except Exception as exc:  # noqa: BLE001
                self.notes.append(f"screenshot {shot_name} failed: {exc}")
        if self.notes:
            entry["notes"] = list(dict.fromkeys(self.notes))
        if self.english:
            entry["english_texts"] = sorted(set(self.english))
        entry["seconds"] = round(time.monotonic() - t0, 1)
        self.report["steps"].append(entry)
        self.write_report()
        self.n += 1

    def steps(self):
        return [("start", self.step_start, ()),
                ("capture", self.step_capture, ("start",)),
                ("train_start", self.step_train_start, ("capture",)),
                ("train_stop", self.step_train_stop, ("train_start",)),
                ("train_resume", self.step_train_resume, ("train_stop",)),
                ("colorize", self.step_colorize, ("train_resume",)),
                ("swipe", self.step_swipe, ("colorize",)),
                ("mosaic", self.step_mosaic, ("colorize",)),
                ("proc_capture", self.step_proc_capture, ("start",)),
                ("proc_train", self.step_proc_train, ("proc_capture",)),
                ("proc_colorize", self.step_proc_colorize, ("proc_train",)),
                ("proc_colorize_many", self.step_proc_colorize_many, ("proc_train",)),
                ("proc_mosaic", self.step_proc_mosaic, ("proc_colorize",))]

    def all_steps(self):
        for name, fn, needs in self.steps():
            yield from self.run_step(name, fn, needs)

    # -- helpers for the steps ----------------------------------------------------------------
    def action(self, index: int):
        """The plugin's menu/toolbar actions: capture, train, colorize, swipe, mosaic, backend."""
        return self.plugin.actions[index]

    # -- 0: the desktop ------------------------------------------------------------------------
    def step_start(self):
        win = self.iface.mainWindow()
        yield until(lambda: self.plugin is not None, 30, "the AeroColor plugin to load")
        win.move(0, 0)
        win.resize(1600, 1000)
        project = QgsProject.instance()
        colour = self.iface.addRasterLayer(self.cfg["colour"], os.path.splitext(os.path.basename(self.cfg["colour"]))[0])
        grey = self.iface.addRasterLayer(self.cfg["grey"], os.path.splitext(os.path.basename(self.cfg["grey"]))[0])
        check(colour is not None and colour.isValid(), f"the colour sample {self.cfg['colour']} did not load")
        check(grey is not None and grey.isValid(), f"the grey sample {self.cfg['grey']} did not load")
        self.state.update(colour=colour, grey=grey)
        self.iface.mapCanvas().setExtent(colour.extent())
        self.iface.mapCanvas().refresh()
        locale = QgsApplication.locale()
        menus = [a.text().replace("&", "") for a in win.menuBar().actions()]
        names = [a.text() for a in self.plugin.actions]
        self.report["qgis_locale"] = locale
        self.report["qgis_menus"] = menus
        self.report["plugin_actions"] = names
        if self.zh:
            check(locale.startswith("zh"), f"QGIS runs in {locale!r}, not Chinese")
            check(menus and _CJK.search(menus[0]), f"QGIS's menus are not Chinese: {menus[:4]}")
            check("訓練模型" in names, f"the plugin's actions are not Chinese: {names}")
        else:
            check(any("Project" in m for m in menus), f"QGIS's menus are not English: {menus[:4]}")
            check("Train model" in names, f"the plugin's actions are not English: {names}")
        check(self.plugin.toolbar is not None and self.plugin.toolbar.isVisible(), "the AeroColor toolbar is not shown")
        yield sleep(0.2)
        return f"QGIS {Qgis.QGIS_VERSION} in {locale}; samples loaded ({colour.crs().authid()}); actions {names}"

    # -- 1: capture ------------------------------------------------------------------------------
    def step_capture(self):
        colour, grey = self.state["colour"], self.state["grey"]
        self.action(0).trigger()
        dock = self.plugin.capture_dock
        yield until(lambda: dock.isVisible(), 10, "the Capture dock to show")
        check(grey.id() in [lyr.id() for lyr in dock.layer.exceptedLayerList()],
              "the Capture dock offers the grey sample as a colour layer")
        dock.layer.setLayer(colour)
        check(dock.grid_mode.currentData() == "gsd" and abs(dock.gsd.value() - colour.rasterUnitsPerPixelX()) < 1e-9,
              f"a local raster should be captured on its own grid; the dock shows {dock.grid_mode.currentData()} "
              f"{dock.gsd.value()}")
        e = colour.extent()
        side = 19.2 if self.quick else 32.0      # 3 x 3 or 5 x 5 tiles of 64 px at 0.1 m, more where unaligned
        rect = QgsRectangle(e.xMinimum() + 1.0, e.yMaximum() - 1.0 - side, e.xMinimum() + 1.0 + side, e.yMaximum() - 1.0)
        dock.set_rectangle(rect, colour.crs())
        dock.tile.setValue(64)
        dock.block.setValue(1)
        data = os.path.join(self.work, "data")
        dock.output.setFilePath(data)
        dock.estimate_button.click()
        estimate = dock.status.text()
        check(re.search(r"\d", estimate), f"Estimate said {estimate!r}")
        check(dock.run_button.isEnabled(), "the Capture button is disabled")
        dock.run_button.click()
        check(dock.task is not None, f"the capture did not start: {dock.status.text()!r}")
        yield until(lambda: dock.task is None, 120, "the capture task to finish")
        manifest = dock.last_manifest
        check(manifest is not None, f"the capture failed: {dock.status.text()!r}")
        path = os.path.join(data, "manifest.json")
        check(os.path.isfile(path), "manifest.json was not written")
        n = len(manifest["tiles"])
        skipped = sum(manifest["skipped"].values())
        estimated = int(re.sub(r"[^\d]", "", estimate.split()[0]) or -1)
        check(n > 0 and n + skipped == estimated,
              f"{n} tiles written and {skipped} skipped, but the estimate was {estimated}")
        check_tiles_cover(manifest["tiles"], rect, colour.extent())
        check(manifest["capture"]["crs"] == "EPSG:32617" or "32617" in str(manifest["capture"]["crs"]),
              f"the tiles' grid CRS is {manifest['capture']['crs']}, not the sample's EPSG:32617")
        counts = manifest["counts"]
        check(counts.get("train", 0) > 0, f"no training tiles: {counts}")
        files = [f for _d, _s, fs in os.walk(data) for f in fs if f.endswith(".png")]
        check(len(files) >= 2 * n, f"{len(files)} PNG files for {n} tile pairs")
        self.state["data"] = data
        self.output("dataset", data)
        self.shot("capture")
        return f"{n} tiles ({counts}) in {data}; estimate: {estimate}"

    # -- 2-4: train, stop, resume -----------------------------------------------------------------
    def _train_process_hooks(self, dock):
        events, codes = [], []
        proc = dock.process
        check(proc is not None, f"the training did not start: {dock.status.text()!r}")
        proc.received.connect(events.append)
        proc.finished.connect(lambda code, _msg: codes.append(code))
        return proc, events, codes

    def step_train_start(self):
        self.action(1).trigger()
        dock = self.plugin.train_dock
        yield until(lambda: dock.isVisible(), 10, "the Train dock to show")
        dock.dataset.setFilePath(self.state["data"])
        run = dock.run_dir.filePath()
        check(run and os.path.dirname(os.path.dirname(run)) == self.work,
              f"the Train dock suggested the run folder {run!r}, not one beside the dataset")
        if hasattr(dock, "start_from"):
            index = dock.start_from.findData("nothing")
            check(index >= 0, "Start from has no 'nothing' choice")
            self.state["start_from_default"] = dock.start_from.currentData()
            dock.start_from.setCurrentIndex(index)
        dock.family.setCurrentText("pix2pix")
        dock.color_mode.setCurrentIndex(dock.color_mode.findData("lab"))
        dock.epochs.setValue(2)
        dock.decay_epochs.setValue(0 if self.quick else 2)
        dock.batch.setValue(2 if self.quick else 4)  # 12 steps at least: Stop comes before the end
        dock.device.setCurrentText("cpu")
        dock.tile.setValue(64)
        dock.ngf.setValue(8)
        dock.ndf.setValue(8)
        args = dock.train_args()
        for flag, value in (("--tile", "64"), ("--ngf", "8"), ("--family", "pix2pix")):
            check(flag in args and args[args.index(flag) + 1] == value, f"the dock's command lacks {flag} {value}: {args}")
        dock.start_button.click()
        proc, events, codes = self._train_process_hooks(dock)
        self.state.update(run=run, train_events=events, train_codes=codes)
        yield until(lambda: any(e.get("type") == "progress" and e.get("stage") == "train" for e in events) or codes,
                    120, "the first training step")
        check(not codes, f"the training ended at once (exit {codes}): {dock.status.text()!r}")
        check(dock.stop_button.isEnabled() and not dock.start_button.isEnabled(),
              "while training, Stop should be enabled and Start disabled")
        self.shot("train_running")
        return f"training in {run}: {dock.status.text()}"

    def step_train_stop(self):
        dock = self.plugin.train_dock
        codes = self.state["train_codes"]
        dock.stop_button.click()
        stopping = dock.status.text()
        yield until(lambda: bool(codes), 60, "the training to stop")
        check(codes == [3], f"the stopped training exited {codes}, not 3 (cancelled); status {dock.status.text()!r}")
        latest = os.path.join(self.state["run"], "checkpoints", "latest.pt")
        check(os.path.isfile(latest), "no checkpoints/latest.pt after stopping")
        check(dock.resume_button.isEnabled(), "Resume is not enabled after the stop")
        self.state["stopped_at"] = max((e.get("epoch", 0), e.get("step", 0)) for e in self.state["train_events"]
                                       if e.get("type") == "progress")
        self.shot("train_stopped")
        return f"stopped (exit 3) at epoch/step {self.state['stopped_at']}; said {stopping!r}, then {dock.status.text()!r}"

    def step_train_resume(self):
        dock = self.plugin.train_dock
        dock.resume_button.click()
        proc, events, codes = self._train_process_hooks(dock)
        check("--resume" in dock.train_args(resume=True), "Resume does not pass --resume")
        yield until(lambda: bool(codes), 240, "the resumed training to finish")
        check(codes == [0], f"the resumed training exited {codes}: {dock.status.text()!r}")
        hello = next((e for e in events if e.get("type") == "hello"), {})
        check(hello.get("resumed"), f"the backend did not resume: {hello}")
        result = next((e for e in events if e.get("type") == "result"), None)
        check(result and result.get("ok"), f"no result event: {dock.status.text()!r}")
        ckpt = (result.get("outputs") or {}).get("checkpoint", "")
        check(os.path.isfile(ckpt), f"the checkpoint {ckpt!r} is not there")
        from aerocolor_plugin.model_card import read_card

        card = read_card(ckpt) or {}
        check(card.get("family") == "pix2pix" and card.get("tile") == 64, f"the model card says {card}")
        check(dock.progress.value() == 1000, f"progress shows {dock.progress.value() / 10:.0f} %")
        check(dock.plot.series, "the loss plot is empty")
        check(dock.sample.pixmap() is not None and not dock.sample.pixmap().isNull(), "no sample image shown")
        self.state["checkpoint"] = ckpt
        self.output("checkpoint", ckpt)
        self.shot("train_done")
        self.shot("train_dock", dock)
        self.shot("train_dock_contents", dock.widget().widget())  # all of it, below the fold too
        return f"resumed from {self.state['stopped_at']} and finished: {ckpt}"

    # -- 5: colorize -------------------------------------------------------------------------------
    def step_colorize(self):
        grey = self.state["grey"]
        self.action(2).trigger()
        dock = self.plugin.colorize_dock
        yield until(lambda: dock.isVisible(), 10, "the Colorize dock to show")
        check(dock.layer.currentData() == grey.id(), f"the Colorize dock offers {dock.layer.currentText()!r}, "
                                                     f"not the grey sample")
        trained = os.path.abspath(self.state["checkpoint"])
        listed = [os.path.abspath(dock.checkpoint.itemText(i)) for i in range(dock.checkpoint.count())]
        check(trained in listed, f"the Colorize dock does not list the model just trained; it lists {listed}")
        offered = dock.checkpoint.currentText().strip()
        if os.path.abspath(offered) != trained:
            self.notes.append(f"the Colorize dock lists the model just trained ({listed.index(trained) + 1}. of "
                              f"{len(listed)}) but keeps {os.path.basename(offered)} chosen; picked it from the list")
            dock.checkpoint.setCurrentIndex(listed.index(trained))
        check(os.path.abspath(dock.checkpoint.currentText()) == trained, "the trained model could not be chosen")
        out = dock.output.filePath()
        import aerocolor_plugin

        plugin_dir = os.path.dirname(os.path.abspath(aerocolor_plugin.__file__))
        check(out and not os.path.abspath(out).startswith(plugin_dir),
              f"the suggested output {out!r} is inside the plugin's folder")
        check(not os.path.exists(out), f"the suggested output {out} exists already")
        dock.device.setCurrentText("cpu")
        yield sleep(0.2)
        ready = dock.status.text()
        dock.run_button.click()
        check(dock.process is not None, f"colorize did not start: {dock.status.text()!r}")
        codes = []
        dock.process.finished.connect(lambda code, _m: codes.append(code))
        yield until(lambda: bool(codes), 180, "colorize to finish")
        check(codes == [0], f"colorize exited {codes}: {dock.status.text()!r}")
        yield until(lambda: dock.added is not None, 10, "the colour layer to be added")
        layer = dock.added
        check(layer.isValid(), "the colorized layer is not valid")
        path = layer_path(layer)
        check(os.path.abspath(path) == os.path.abspath(out), f"the layer reads {path}, not {out}")
        grid = check_same_grid(path, self.cfg["grey"], "the colorized raster")
        check(layer.crs() == grey.crs(), f"the layer's CRS {layer.crs().authid()} is not {grey.crs().authid()}")
        check(grid_of(path)["bands"] >= 3, "the colorized raster has fewer than 3 bands")
        check("AEROCOLOR_MODEL" in grid_of(path)["meta"], "the colorized GeoTIFF does not name its model")
        root = QgsProject.instance().layerTreeRoot()
        order = [n.layerId() for n in root.findLayers()]
        check(order.index(layer.id()) == order.index(grey.id()) - 1, "the result is not right above its source")
        self.state.update(colorized=layer, colorized_path=path)
        self.output("colorized", path)
        self.shot("colorize")
        self.shot("colorize_dock", dock)
        return f"{os.path.basename(path)}: {grid}; said {ready!r} then {dock.status.text()!r}"

    # -- 6: swipe ----------------------------------------------------------------------------------
    def _mouse(self, kind, x: int, y: int, buttons) -> None:
        vp = self.iface.mapCanvas().viewport()
        button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
        ev = QMouseEvent(kind, QPointF(x, y), button, buttons, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(vp, ev)

    def step_swipe(self):
        canvas = self.iface.mapCanvas()
        layer = self.state["colorized"]
        tool = self.plugin.swipe_tool
        self.iface.setActiveLayer(layer)
        self.plugin.swipe_action.trigger()
        check(self.plugin.swipe_action.isChecked(), "the Compare action did not stay checked")
        check(canvas.mapTool() is tool, "the Compare tool is not the map tool")
        check(tool.layer is layer, "the Compare tool swipes another layer than the colorized one")
        tool.set_position(0.3)
        yield until(lambda: tool.item is not None and tool.item.ready, 30, "the layers beneath to render")
        # Drag the line from 30 % to 60 % of the width, as a mouse would.
        w, h = canvas.width(), canvas.height()
        self._mouse(QEvent.Type.MouseButtonPress, int(0.3 * w), h // 2, Qt.MouseButton.LeftButton)
        for f in (0.4, 0.5, 0.6):
            self._mouse(QEvent.Type.MouseMove, int(f * w), h // 2, Qt.MouseButton.LeftButton)
        self._mouse(QEvent.Type.MouseButtonRelease, int(0.6 * w), h // 2, Qt.MouseButton.NoButton)
        check(abs(tool.position - 0.6) < 0.02, f"dragging left the line at {tool.position:.2f}, not 0.60")
        yield sleep(0.5)
        img = canvas.grab().toImage()
        sx, sy = img.width() / max(1, w), img.height() / max(1, h)
        ext = canvas.extent()

        def px_of(mx, my):
            return QPoint(int((mx - ext.xMinimum()) / ext.width() * w * sx),
                          int((ext.yMaximum() - my) / ext.height() * h * sy))

        # Points on the sample (the map may be wider than it): the colorized side and the beneath side.
        e = layer.extent()
        line_x = ext.xMinimum() + 0.6 * ext.width()
        check(e.xMinimum() < line_x < e.xMaximum(), "the line is not over the sample")
        spread = []
        for frac in (0.25, 0.5, 0.75):
            my = e.yMinimum() + frac * e.height()
            left = img.pixelColor(px_of((e.xMinimum() + line_x) / 2, my))
            right = img.pixelColor(px_of((line_x + e.xMaximum()) / 2, my))
            spread.append((left.getRgb()[:3], right.getRgb()[:3]))
        grey_right = all(max(r) - min(r) <= 3 for _l, r in spread)
        check(grey_right, f"right of the line should show the grey photo beneath; pixels {spread}")
        coloured_left = any(max(lft) - min(lft) > 3 for lft, _r in spread)
        check(coloured_left, f"left of the line should show the colorized layer; pixels {spread}")
        self.shot("swipe")
        return f"line dragged to {tool.position:.2f}; left/right pixels {spread}"

    # -- 7: mosaic ---------------------------------------------------------------------------------
    def step_mosaic(self):
        if self.plugin.swipe_action.isChecked():
            self.plugin.swipe_action.trigger()   # leave the Compare tool
        self.action(4).trigger()
        dlg = self.plugin.mosaic_dialog
        check(dlg is not None and dlg.isVisible(), "the mosaic dialog did not open")
        ticked = [dlg.list.item(i).text() for i in range(dlg.list.count())
                  if dlg.list.item(i).checkState() == Qt.CheckState.Checked]
        colorized = self.state["colorized"]
        check(ticked == [colorized.name()], f"the dialog ticks {ticked}, not only {colorized.name()!r}")
        out = os.path.join(self.work, "mosaic.tif")
        dlg.output.setFilePath(out)
        yield sleep(0.3)
        self.shot_now("mosaic_dialog", dlg)
        dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        task = dlg.task
        check(task is not None, f"the mosaic did not start: {dlg.status.text()!r}")
        ended = []  # the task manager deletes the task once it is done: keep what it said
        task.taskCompleted.connect(lambda: ended.append(""))
        task.taskTerminated.connect(lambda: ended.append(task.error or "terminated"))
        yield until(lambda: bool(ended), 120, "the mosaic task to finish")
        check(ended == [""], f"the mosaic failed: {ended[0]}")
        yield until(lambda: bool(layers_with_path(out)), 10, "the mosaic layer to be added")
        check(layers_with_path(out)[0].isValid(), "the mosaic layer is not valid")
        grid = check_same_grid(out, self.state["colorized_path"], "the mosaic")
        self.output("mosaic", out)
        self.shot("mosaic")
        return f"{out}: {grid}; ticked {ticked}"

    # -- 8-11: Processing ----------------------------------------------------------------------------
    def processing(self, alg_id: str, params: dict, timeout: float):
        """Open the algorithm's toolbox dialog with params, press Run, wait for it; returns results."""
        import processing
        from processing.core.ProcessingConfig import ProcessingConfig

        ProcessingConfig.setSettingValue(ProcessingConfig.KEEP_DIALOG_OPEN, True)
        dlg = processing.createAlgorithmDialog(alg_id, params)
        check(dlg is not None, f"no dialog for {alg_id}")
        self.state.setdefault("dialogs", []).append(dlg)
        done = []
        dlg.algorithmFinished.connect(lambda ok, results: done.append((ok, dict(results))))
        dlg.show()
        dlg.resize(900, 700)
        yield sleep(0.4)
        name = alg_id.split(":")[1]
        self.shot_now(f"proc_{name}_dialog", dlg)
        dlg.runButton().click()
        yield until(lambda: bool(done) or "Execution failed" in log_text(dlg), timeout, f"{alg_id} to finish")
        yield sleep(0.3)
        self.shot_now(f"proc_{name}_log", dlg)
        ok, results = done[0] if done else (False, {})
        if not ok:
            raise StepFailed(f"{alg_id} failed: {log_text(dlg)[-700:].strip()}")
        return results

    def _close_dialogs(self):
        for dlg in self.state.get("dialogs", []):
            dlg.close()
        self.state["dialogs"] = []

    def step_proc_capture(self):
        colour = self.state["colour"]
        e = colour.extent()
        out = os.path.join(self.work, "proc_data")
        extent = f"{e.xMinimum() + 1},{e.xMinimum() + 26.6},{e.yMaximum() - 26.6},{e.yMaximum() - 1} [EPSG:32617]"
        results = yield from self.processing("aerocolor:capture", {
            "INPUT": colour.id(), "EXTENT": extent, "GRID": 1, "GSD": colour.rasterUnitsPerPixelX(), "TILE": 64,
            "FORMAT": 0, "LAYOUT": 1, "BLOCK": 1, "OUTPUT": out}, 120)
        check(os.path.isfile(results.get("MANIFEST", "")), f"no manifest: {results}")
        with open(results["MANIFEST"], encoding="utf-8") as fh:
            manifest = json.load(fh)
        check(results.get("TILES", 0) > 0 and results["TILES"] == len(manifest["tiles"]),
              f"{results.get('TILES')} tiles reported, {len(manifest['tiles'])} in the manifest")
        rect = QgsRectangle(e.xMinimum() + 1, e.yMaximum() - 26.6, e.xMinimum() + 26.6, e.yMaximum() - 1)
        check_tiles_cover(manifest["tiles"], rect, e)
        self.state["proc_data"] = out
        self.output("proc_dataset", out)
        self._close_dialogs()
        return f"{results.get('TILES')} tiles into {out}"

    def step_proc_train(self):
        from aerocolor_plugin.choices import DEVICES, FAMILIES

        run = os.path.join(self.work, "proc_run")
        params = {"DATA": self.state["proc_data"], "FAMILY": FAMILIES.index("pix2pix"), "COLOR_MODE": 0,
                  "EPOCHS": 1, "DECAY_EPOCHS": 0, "BATCH": 4, "TILE": 64, "NGF": 8, "NDF": 8, "STEPS_PER_EPOCH": 2,
                  "DEVICE": DEVICES.index("cpu"), "RUN": run}
        try:
            from aerocolor_plugin.start_from import START_CHOICES

            params["START_FROM"] = START_CHOICES.index("nothing")
        except ImportError:
            pass
        results = yield from self.processing("aerocolor:train", params, 240)
        ckpt = results.get("CHECKPOINT", "")
        check(os.path.isfile(ckpt), f"no checkpoint: {results}")
        self.state["proc_checkpoint"] = ckpt
        self.output("proc_checkpoint", ckpt)
        self._close_dialogs()
        return f"checkpoint {ckpt}"

    def step_proc_colorize(self):
        from aerocolor_plugin.choices import DEVICES

        grey = self.state["grey"]
        out = os.path.join(self.work, "proc_colorized.tif")
        results = yield from self.processing("aerocolor:colorize", {
            "INPUT": grey.id(), "MODEL": self.state["proc_checkpoint"], "DEVICE": DEVICES.index("cpu"),
            "OUTPUT": out}, 180)
        check(os.path.abspath(results.get("OUTPUT", "")) == out, f"OUTPUT is {results.get('OUTPUT')}, not {out}")
        grid = check_same_grid(out, self.cfg["grey"], "the Processing colorize output")
        yield until(lambda: bool(layers_with_path(out)), 10, "the output layer to be loaded")
        self.state["proc_colorized"] = out
        self.output("proc_colorized", out)
        self._close_dialogs()
        self.shot("proc_colorize")
        return f"{out}: {grid}; loaded into the project"

    def step_proc_colorize_many(self):
        """Colorize rasters over two layers (the grey sample and the colorized one, turned grey) in one job,
        twice: the second run skips both (the ledger)."""
        from aerocolor_plugin.choices import DEVICES

        layers = [self.state["grey"].id(), self.state["colour"].id()]
        folder = os.path.join(self.work, "proc_many")
        params = {"INPUTS": layers, "MODEL": self.state["proc_checkpoint"], "DEVICE": DEVICES.index("cpu"),
                  "OUTPUT_FOLDER": folder}
        results = yield from self.processing("aerocolor:colorize_many", params, 240)
        outs = results.get("OUTPUTS") or []
        check(len(outs) == 2 and all(os.path.isfile(o) for o in outs), f"OUTPUTS are {outs}")
        grid = check_same_grid(outs[0], self.cfg["grey"], "the first Colorize rasters output")
        self._close_dialogs()
        again = yield from self.processing("aerocolor:colorize_many", params, 240)
        check(again.get("OUTPUTS") == outs, f"the second run gave {again.get('OUTPUTS')}, not {outs}")
        self._close_dialogs()
        return f"{len(outs)} rasters into {folder} ({grid}); a second run skipped both"

    def step_proc_mosaic(self):
        inputs = [self.state["proc_colorized"]] + ([self.state["colorized_path"]] if "colorized_path" in self.state else [])
        out = os.path.join(self.work, "proc_mosaic.tif")
        results = yield from self.processing("aerocolor:mosaic", {"INPUTS": inputs, "OUTPUT": out}, 120)
        check(os.path.isfile(out), f"no mosaic written: {results}")
        grid = check_same_grid(out, self.cfg["grey"], "the Processing mosaic")
        self.output("proc_mosaic", out)
        yield until(lambda: bool(layers_with_path(out)), 10, "the mosaic layer to be loaded")
        self._close_dialogs()
        return f"{out} from {len(inputs)} rasters: {grid}"


class Runner:
    """Drives the walk's generator from a timer; a second timer closes message boxes (and notes them)."""

    def __init__(self, walk: Walk):
        self.walk = walk
        self.gen = walk.all_steps()
        self.wait: Optional[Wait] = None
        self.busy = False
        self.timer = QTimer()
        self.timer.timeout.connect(self.tick)
        self.modal_timer = QTimer()
        self.modal_timer.timeout.connect(self.close_message_boxes)

    def start(self) -> None:
        self.timer.start(100)
        self.modal_timer.start(250)

    def close_message_boxes(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            self.walk.modals.append(box.text())
            box.reject()

    def tick(self) -> None:
        if self.busy:
            return
        self.busy = True
        try:
            self.advance()
        except Exception:  # noqa: BLE001 - the runner itself broke: say so and end
            self.walk.report["runner_error"] = traceback.format_exc()
            self.finish()
        finally:
            self.busy = False

    def advance(self) -> None:
        error = None
        if self.wait is not None:
            try:
                ready = bool(self.wait.pred())
            except Exception as exc:  # noqa: BLE001
                ready, error = True, exc
            if not ready:
                if time.monotonic() < self.wait.deadline:
                    return
                error = StepFailed(f"timed out after {self.wait.timeout:g} s waiting for {self.wait.what}")
            self.wait = None
        try:
            self.wait = self.gen.throw(error) if error is not None else next(self.gen)
        except StopIteration:
            self.finish()

    def finish(self) -> None:
        self.timer.stop()
        self.modal_timer.stop()
        self.walk.write_report()
        QgsProject.instance().setDirty(False)
        QTimer.singleShot(300, lambda: os._exit(0))


def start() -> None:
    global RUNNER
    with open(os.environ["AEROCOLOR_WALK_CONFIG"], encoding="utf-8") as fh:
        CFG.update(json.load(fh))
    os.makedirs(CFG["out"], exist_ok=True)
    RUNNER = Runner(Walk(CFG))
    RUNNER.start()
