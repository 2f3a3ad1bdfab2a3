"""The plugin's GUI pieces build headless and drive the real backend: plugin object, Train and Colorize docks."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from plugin_support import clear_project, fake_python, wait_until


@pytest.fixture
def backend_python(qgis_app):
    from aerocolor_plugin.bridge import environment

    environment.set_configured_python(sys.executable)
    yield sys.executable
    environment.set_configured_python("")


@pytest.fixture
def rasters(qgis_app, tmp_path):
    from conftest import write_geotiff
    from qgis.core import QgsProject, QgsRasterLayer

    rng = np.random.default_rng(1)
    grey = QgsRasterLayer(write_geotiff(str(tmp_path / "z_grey_1975.tif"),
                                        (rng.random((80, 96)) * 255).astype(np.uint8)), "z grey 1975")
    colour = QgsRasterLayer(write_geotiff(str(tmp_path / "a_modern.tif"),
                                          (rng.random((3, 80, 96)) * 255).astype(np.uint8)), "a modern")
    assert grey.isValid() and colour.isValid()
    QgsProject.instance().addMapLayers([colour, grey])
    yield grey, colour
    clear_project()


def test_plugin_starts_and_unloads_in_a_stub_qgis(qgis_app, qgis_iface, backend_python):
    from qgis.core import QgsApplication

    import aerocolor_plugin

    plugin = aerocolor_plugin.classFactory(qgis_iface)
    plugin.initGui()
    try:
        assert QgsApplication.processingRegistry().providerById("aerocolor") is not None
        names = [a.text() for a in plugin.actions]
        assert names == ["Capture training tiles", "Train model", "Colorize layer", "Compare (swipe)",
                         "Export mosaic…", "Backend settings…"]
        assert plugin.train_dock.objectName() == "AeroColorTrainDock"
        plugin.show_dock(plugin.colorize_dock)
        assert not plugin.colorize_dock.isHidden()
        # The background check of the backend reports "ready" for the test interpreter.
        assert wait_until(lambda: plugin.colorize_dock.banner.ready is not None, 120)
        assert plugin.colorize_dock.banner.ready, plugin.colorize_dock.banner.label.text()
    finally:
        plugin.unload()
    assert QgsApplication.processingRegistry().providerById("aerocolor") is None


def test_plugin_menu_is_translated(qgis_app, qgis_iface, monkeypatch):
    from qgis.PyQt.QtCore import QSettings

    import aerocolor_plugin

    menus = []
    monkeypatch.setattr(qgis_iface, "addPluginToMenu", lambda name, action: menus.append(name))
    before = QSettings().value("locale/userLocale")
    QSettings().setValue("locale/userLocale", "zh_TW")
    try:
        plugin = aerocolor_plugin.classFactory(qgis_iface)
        plugin.initGui()
        plugin.unload()
    finally:
        if before is None:
            QSettings().remove("locale/userLocale")
        else:
            QSettings().setValue("locale/userLocale", before)
    assert menus and set(menus) == {"AeroColor(&A)"}


def test_unload_lets_a_training_save_before_it_goes(qgis_app, qgis_iface, tmp_path):
    """QGIS exit: after 'cancel' the backend gets time to save before the plugin lets it go."""
    from qgis.PyQt.QtCore import QCoreApplication, QEvent

    import aerocolor_plugin
    from aerocolor_plugin.bridge import environment

    environment.set_configured_python(fake_python(str(tmp_path)))
    try:
        plugin = aerocolor_plugin.classFactory(qgis_iface)
        plugin.initGui()
        dock = plugin.train_dock
        run = tmp_path / "run"
        dock.run_dir.setFilePath(str(run))
        dock.start(resume=True)
        assert wait_until(lambda: any(e["type"] == "progress" for e in dock.process.events), 30)
        plugin.unload()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert wait_until(lambda: (run / "checkpoints" / "latest.pt").is_file(), 3)
    finally:
        environment.set_configured_python("")


def test_backend_banner_explains_a_missing_backend(qgis_app, tmp_path):
    from aerocolor_plugin.bridge import environment
    from aerocolor_plugin.docks.widgets import BackendBanner

    environment.set_configured_python(str(tmp_path / "nowhere" / "python"))
    try:
        banner = BackendBanner()
        banner.check()
        assert wait_until(lambda: banner.ready is not None, 30)
        assert banner.ready is False and "does not exist" in banner.label.text()
        assert not banner.isHidden()
    finally:
        environment.set_configured_python("")


def test_backend_without_torch_is_named(qgis_app, tmp_path):
    """An interpreter that runs but has no torch: the sentence says to set the backend up."""
    from aerocolor_plugin.bridge import environment

    info = environment.check_backend("/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable)
    if info.get("torch"):
        pytest.skip("the system Python has torch here")
    assert "no PyTorch" in environment.readiness_problem(info)
    assert "Set up backend" in environment.readiness_problem(info)


def test_setup_plan_and_diagnostics(qgis_app, tmp_path):
    import tomllib

    from aerocolor_plugin.bridge import environment

    with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "pyproject.toml"), "rb") as fh:
        declared = tomllib.load(fh)["project"]["dependencies"]
    assert sorted(environment.BACKEND_REQUIREMENTS) == sorted(declared)
    steps = environment.setup_commands(str(tmp_path / "env"), "/usr/bin/python3")
    assert steps[0][1:] == ["-m", "venv", "--system-site-packages", str(tmp_path / "env")]
    assert steps[-1][:4] == [str(tmp_path / "env" / "bin" / "python"), "-m", "pip", "install"]
    info = environment.check_backend(sys.executable)
    text = environment.diagnostics_text(info, sys.executable)
    assert f"backend torch: {info['torch']}" in text and "QGIS 3." in text
    assert environment.readiness_problem(info) == ""


def test_diagnostics_name_qgis_python_not_what_path_finds_first(qgis_app, tmp_path, monkeypatch):
    """Inside the desktop, the embedded Python's sys.executable is whatever "python3" PATH finds first (a
    pyenv shim here); the diagnostics named that. QGIS's own is the interpreter in its prefix."""
    from aerocolor_plugin.bridge import environment

    shim = tmp_path / "shims" / "python3"
    shim.parent.mkdir()
    shim.write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "executable", str(shim))
    found = environment.qgis_python()
    assert found and found != str(shim) and os.path.isfile(found)
    assert any(os.path.abspath(found).startswith(os.path.abspath(p) + os.sep)
               for p in (sys.exec_prefix, sys.base_exec_prefix)), found
    assert str(shim) not in environment.diagnostics_text(None, "")
    inside = os.path.join(sys.exec_prefix, "bin", os.path.basename(found))
    monkeypatch.setattr(sys, "executable", inside)
    assert environment.qgis_python() == inside     # an interpreter inside the prefix is QGIS's own


def test_train_dock_trains_with_the_real_backend(qgis_app, backend_python, synthetic_pairs, tmp_path):
    from aerocolor_plugin.docks.train_dock import TrainDock
    from aerocolor_plugin.recent import recent_checkpoints

    dock = TrainDock()
    with pytest.raises(ValueError, match="run folder"):
        dock.train_args()
    dock.start_from.setCurrentIndex(dock.start_from.findData("nothing"))   # a new model of its own options
    dock.dataset.setFilePath(synthetic_pairs)
    run = str(tmp_path / "run")
    dock.run_dir.setFilePath(run)
    dock.tile.setValue(64)
    dock.ngf.setValue(8)
    dock.ndf.setValue(8)
    dock.batch.setValue(4)
    dock.epochs.setValue(1)
    dock.decay_epochs.setValue(0)
    dock.device.setCurrentText("cpu")
    args = dock.train_args()
    assert args[:2] == ["train", "--run"] and "--gan-mode" not in args
    assert args[args.index("--ngf") + 1] == "8" and args[args.index("--color-mode") + 1] == "lab"
    dock.start()
    assert not dock.start_button.isEnabled() and dock.stop_button.isEnabled()
    assert wait_until(lambda: dock.process.exit_code is not None, 240), dock.log.toPlainText()[-2000:]
    assert dock.process.exit_code == 0, dock.status.text()
    assert dock.progress.value() == 1000
    assert dock.plot.series, "no losses were plotted"
    assert dock.sample.pixmap() is not None and not dock.sample.pixmap().isNull()
    ckpt = os.path.join(run, "checkpoints", "latest.pt")
    assert os.path.abspath(ckpt) in recent_checkpoints()
    assert "Training finished" in dock.status.text()
    assert dock.start_button.isEnabled()

    # After a restart: a fresh dock shows the same run from its folder.
    again = TrainDock()
    again.run_dir.setFilePath(run)
    again.attach()
    assert again.progress.value() == 1000 and again.plot.series


def test_train_dock_offers_the_last_run_and_says_when_it_stopped(qgis_app, tmp_path):
    """After a restart the dock offers the last run; a run that ended without a result points to Resume."""
    import json

    from qgis.PyQt.QtCore import QSettings

    from aerocolor_plugin import recent
    from aerocolor_plugin.docks.train_dock import TrainDock

    run, data = tmp_path / "run", tmp_path / "data"
    run.mkdir()
    data.mkdir()
    (run / "config.json").write_text(json.dumps({"data": str(data), "family": "cut"}))
    # QGIS was closed mid-run: progress and a checkpoint, then nothing (no result, no error).
    events = [{"type": "hello", "tool": "train", "device": "cpu", "torch": "2"},
              {"type": "progress", "stage": "train", "epoch": 1, "epochs": 5, "step": 3, "steps": 10, "fraction": 0.2},
              {"type": "checkpoint", "epoch": 1, "path": str(run / "checkpoints" / "latest.pt")}]
    (run / "events.jsonl").write_text("".join(json.dumps({"v": 1, **e}) + "\n" for e in events))
    docks = [TrainDock() for _ in range(3)]
    try:
        first, again, fresh = docks
        first.run_dir.setFilePath(str(run))
        first.attach()
        assert first.progress.value() == 200
        assert "Resume" in first.status.text() and "not running" in first.status.text()

        again.show()                                     # after a restart: no browsing needed
        assert again.run_dir.filePath() == str(run)
        again.attach()                                   # its config names the dataset: the run stays chosen
        assert again.run_dir.filePath() == str(run) and again.dataset.filePath() == str(data)
        assert again.family.currentText() == "cut"
        assert again.start_from.currentData() == "nothing"          # its config names no model it began from

        fresh.show()                                     # picking a dataset instead starts a new run folder
        fresh.dataset.setFilePath(str(data))
        assert fresh.run_dir.filePath() not in ("", str(run))
    finally:
        for dock in docks:
            dock.shutdown()
            dock.close()
        QSettings().remove(recent.RUN_KEY)


def _value(args, flag):
    return args[args.index(flag) + 1]


def test_train_dock_starts_from_the_default_model_and_keeps_to_it(qgis_app, tmp_path):
    """Preselected: the bundled default, its card on one line, its network locked; another family or colour
    mode than its own starts a new model instead (said in the status line), never a refused command."""
    from aerocolor_plugin.docks.train_dock import TrainDock
    from aerocolor_plugin.model_card import read_card, summary
    from aerocolor_plugin.bridge.paths import default_model

    card = read_card(default_model())
    dock = TrainDock()
    try:
        dock.dataset.setFilePath(str(tmp_path))
        dock.run_dir.setFilePath(str(tmp_path / "run"))
        assert dock.start_from.currentData() == "default" and not dock.base_model.isEnabled()
        assert dock.model_info.text() == summary(card) == "pix2pix · L*a*b* · 256 px · 0.1 m/px"
        assert not dock.ngf.isEnabled() and not dock.ndf.isEnabled()
        assert dock.ngf.value() == card["train"]["model"]["net"]["ngf"]         # the model's, shown
        args = dock.train_args()
        assert _value(args, "--from-model") == "default" and _value(args, "--tile") == "256"
        assert not {"--ngf", "--ndf", "--family", "--color-mode"} & set(args)

        # Nothing: a new model; the user's own network options come back and are passed.
        dock.start_from.setCurrentIndex(dock.start_from.findData("nothing"))
        assert dock.ngf.isEnabled() and dock.ngf.value() == 64 and dock.model_info.text() == ""
        dock.ngf.setValue(16)
        dock.tile.setValue(96)
        args = dock.train_args()
        assert "--from-model" not in args
        assert [_value(args, f) for f in ("--family", "--color-mode", "--ngf", "--ndf", "--tile")] == \
            ["pix2pix", "lab", "16", "64", "96"]

        # Back to the default: a tile it cannot train on becomes its own, and steps by its multiple.
        dock.start_from.setCurrentIndex(dock.start_from.findData("default"))
        assert dock.tile.value() == 256 and dock.tile.singleStep() == card["multiple"] == 64
        dock.tile.setValue(128)
        assert _value(dock.train_args(), "--tile") == "128"
        dock.tile.setValue(96)                      # typed in: refused here in one sentence
        with pytest.raises(ValueError, match="multiple of 64"):
            dock.train_args()
        dock.tile.setValue(256)

        # Another family than the model's: Start from switches to nothing, and the status line says so.
        dock.family.setCurrentText("cut")
        assert dock.start_from.currentData() == "nothing"
        assert "Start from is now nothing" in dock.status.text() and "pix2pix" in dock.status.text()
        assert dock.ngf.isEnabled() and dock.ngf.value() == 16
        args = dock.train_args()
        assert "--from-model" not in args and _value(args, "--family") == "cut" and _value(args, "--ngf") == "16"

        dock.start_from.setCurrentIndex(dock.start_from.findData("default"))
        assert dock.family.currentText() == "pix2pix"                      # the model's again
        dock.color_mode.setCurrentIndex(dock.color_mode.findData("rgb"))   # and so for the colour mode
        assert dock.start_from.currentData() == "nothing"
        assert _value(dock.train_args(), "--color-mode") == "rgb"
    finally:
        dock.shutdown()


def test_train_dock_starts_from_a_model_file(qgis_app, tmp_path, tiny_checkpoint, bicycle_checkpoint):
    from aerocolor_plugin.docks.train_dock import TrainDock

    dock = TrainDock()
    try:
        dock.dataset.setFilePath(str(tmp_path))
        dock.run_dir.setFilePath(str(tmp_path / "run"))
        dock.start_from.setCurrentIndex(dock.start_from.findData("file"))
        assert dock.base_model.isEnabled() and dock.base_browse.isEnabled()
        dock.base_model.setEditText(str(tmp_path / "missing.pt"))
        with pytest.raises(ValueError, match="model file"):
            dock.train_args()
        dock.base_model.setEditText(bicycle_checkpoint)
        assert dock.model_info.text().startswith("bicyclegan · L*a*b* · 64 px")
        assert dock.family.currentText() == "bicyclegan" and dock.ngf.value() == 8 and not dock.ngf.isEnabled()
        dock.base_model.setEditText(tiny_checkpoint)
        assert dock.family.currentText() == "pix2pix"
        args = dock.train_args()
        assert _value(args, "--from-model") == tiny_checkpoint and "--ngf" not in args and "--family" not in args
        not_a_model = tmp_path / "notes.pt"
        not_a_model.write_bytes(b"not a checkpoint")
        dock.base_model.setEditText(str(not_a_model))
        assert dock.model_info.text() == "Not an AeroColor model."
        with pytest.raises(ValueError, match="not an AeroColor model"):
            dock.train_args()

        # A run's config shows what it started from (Show run after a restart).
        import json

        from aerocolor_plugin.bridge.paths import default_model

        for base, family, start in ((default_model(), "pix2pix", "default"), (bicycle_checkpoint, "bicyclegan", "file"),
                                    (None, "bicyclegan", "nothing")):
            (tmp_path / "config.json").write_text(json.dumps({"family": family, "from_model": base}))
            dock.load_run_config(str(tmp_path))
            assert dock.start_from.currentData() == start
        assert dock.base_model.currentText() == bicycle_checkpoint and dock.family.currentText() == "bicyclegan"
    finally:
        dock.shutdown()


def test_train_dock_hands_the_backend_the_start_it_shows(qgis_app, tmp_path, monkeypatch):
    """What reaches the backend process (the fake one records its arguments)."""
    import json

    from qgis.PyQt.QtCore import QSettings

    from aerocolor_plugin import recent
    from aerocolor_plugin.bridge import environment
    from aerocolor_plugin.docks.train_dock import TrainDock

    recorded = tmp_path / "args.json"
    monkeypatch.setenv("AEROCOLOR_FAKE_ARGS", str(recorded))
    environment.set_configured_python(fake_python(str(tmp_path)))
    dock = TrainDock()
    try:
        dock.dataset.setFilePath(str(tmp_path))
        dock.run_dir.setFilePath(str(tmp_path / "run"))
        dock.start()
        assert wait_until(lambda: any(e["type"] == "progress" for e in dock.process.events), 30), dock.status.text()
        dock.stop()
        assert wait_until(lambda: dock.process.exit_code is not None, 30)
        args = json.loads(recorded.read_text())
        assert args[:3] == ["--events", "jsonl", "train"]
        assert _value(args, "--from-model") == "default" and "--ngf" not in args and "--family" not in args
    finally:
        dock.shutdown()
        environment.set_configured_python("")
        QSettings().remove(recent.RUN_KEY)      # its stopped run is no model for the docks that follow


def test_colorize_dock_offers_grey_first_and_checks_its_inputs(qgis_app, rasters, tmp_path, tiny_checkpoint):
    from aerocolor_plugin.docks.colorize_dock import ColorizeDock

    from qgis.PyQt.QtCore import QSettings

    from aerocolor_plugin import recent

    QSettings().remove(recent.KEY)
    grey, colour = rasters
    dock = ColorizeDock()
    try:
        # No recent runs: the bundled default model is offered, and used when the field is empty.
        assert dock.checkpoint.count() == 1
        assert dock.checkpoint.currentText().endswith(os.path.join("assets", "default-model.pt"))
        assert dock.layer.itemData(0) == grey.id()          # grey first although its name sorts last
        assert dock.layer.itemText(1) == "a modern (colour)"
        assert dock.output.filePath().endswith("z_grey_1975_colorized.tif")
        dock.checkpoint.setEditText("")
        args = dock.colorize_args()
        assert os.path.isfile(args[args.index("--model") + 1])
        assert "--batch" not in args and dock.batch.text() == "auto"   # the backend's default unless set
        dock.batch.setValue(4)
        args = dock.colorize_args()
        assert args[args.index("--batch") + 1] == "4"
        dock.checkpoint.setEditText(str(tmp_path / "missing.pt"))
        with pytest.raises(ValueError, match="model file"):
            dock.colorize_args()
        dock.checkpoint.setEditText(tiny_checkpoint)
        dock.tile.setValue(64)
        dock.overlap.setValue(8)
        args = dock.colorize_args()
        assert args[-2:] == [grey.source(), dock.output.filePath()]
        assert args[args.index("--tile") + 1] == "64" and args[args.index("--overlap") + 1] == "8"
        dock.output.setFilePath(grey.source())
        with pytest.raises(ValueError, match="overwrite"):
            dock.colorize_args()
    finally:
        dock.shutdown()


def test_colorize_dock_lists_new_models_and_keeps_the_choice(qgis_app, qgis_iface, tmp_path):
    """A model trained after the dock was built shows up when it opens, and as soon as training ends."""
    from qgis.PyQt.QtCore import QSettings

    import aerocolor_plugin
    from aerocolor_plugin import recent

    QSettings().remove(recent.KEY)
    first, second = tmp_path / "first.pt", tmp_path / "second.pt"
    for path in (first, second):
        path.write_bytes(b"")
    plugin = aerocolor_plugin.classFactory(qgis_iface)
    plugin.initGui()
    try:
        dock = plugin.colorize_dock
        chosen = dock.checkpoint.currentText()          # the bundled default
        recent.remember_checkpoint(str(first))          # e.g. a run finished in a shell
        qgis_iface.mainWindow().show()                  # a dock inside a hidden window is never shown
        plugin.show_dock(dock)
        assert dock.checkpoint.findText(str(first)) >= 0
        assert dock.checkpoint.currentText() == chosen
        assert dock.checkpoint.itemText(dock.checkpoint.currentIndex()) == chosen
        dock.checkpoint.setCurrentIndex(dock.checkpoint.findText(str(first)))
        plugin.train_dock.on_event({"v": 1, "type": "result", "ok": True, "outputs": {"checkpoint": str(second)}})
        assert dock.checkpoint.itemText(0) == str(second)
        assert dock.checkpoint.currentText() == str(first)
        assert dock.checkpoint.itemText(dock.checkpoint.currentIndex()) == str(first)
    finally:
        plugin.unload()
        qgis_iface.mainWindow().hide()
        QSettings().remove(recent.KEY)


def test_colorize_dock_end_to_end_into_a_comparison_group(qgis_app, rasters, backend_python, tiny_checkpoint,
                                                          tmp_path):
    from qgis.core import QgsProject

    from aerocolor_plugin.docks.colorize_dock import ColorizeDock

    grey, colour = rasters
    dock = ColorizeDock()
    try:
        dock.checkpoint.setEditText(tiny_checkpoint)
        out = str(tmp_path / "out" / "colour.tif")
        os.makedirs(os.path.dirname(out))
        dock.output.setFilePath(out)
        dock.device.setCurrentText("cpu")
        dock.group.setChecked(True)
        dock.modern.setLayer(colour)
        dock.start()
        assert wait_until(lambda: dock.process.exit_code is not None, 240)
        assert dock.process.exit_code == 0, dock.status.text()
        layer = dock.added
        assert layer is not None and layer.isValid()
        assert layer.crs() == grey.crs() and layer.extent() == grey.extent()
        group = QgsProject.instance().layerTreeRoot().findGroup("z grey 1975 – comparison")
        assert group is not None
        assert [n.layer().name() for n in group.findLayers()] == ["z grey 1975 (colorized)", "a modern"]
    finally:
        dock.shutdown()


def _tick_several(dock, layers, folder, checkpoint) -> None:
    """The Colorize dock set for a several-layers run: these layers ticked, into folder, on the CPU."""
    dock.refresh_layers()
    dock.several.setChecked(True)
    dock.several.set_ticked(layers)
    dock.several.folder.setFilePath(str(folder))
    dock.checkpoint.setEditText(checkpoint)
    dock.device.setCurrentText("cpu")


def test_colorize_dock_colorizes_two_ticked_layers_into_one_folder(qgis_app, rasters, backend_python,
                                                                   tiny_checkpoint, tmp_path):
    """Several grey layers ticked: one backend job, each colour raster above its own source layer."""
    from conftest import write_geotiff
    from qgis.core import QgsProject, QgsRasterLayer

    from aerocolor_plugin.docks.colorize_dock import ColorizeDock

    grey, colour = rasters
    second = QgsRasterLayer(write_geotiff(str(tmp_path / "y_grey_1982.tif"),
                                          (np.arange(70 * 90) % 200).reshape(70, 90).astype(np.uint8)), "y grey 1982")
    QgsProject.instance().addMapLayer(second)
    folder = tmp_path / "colour"
    folder.mkdir()
    dock = ColorizeDock()
    try:
        _tick_several(dock, [grey, second], folder, tiny_checkpoint)
        assert not dock.layer.isEnabled() and dock.run_button.text() == "Colorize layers"
        dock.start()
        assert wait_until(lambda: dock.process.exit_code is not None, 240)
        assert dock.process.exit_code == 0, dock.status.text()
        assert sorted(os.listdir(folder)) == ["aerocolor-colorize.log", "aerocolor-ledger.jsonl",
                                              "y_grey_1982_colorized.tif", "z_grey_1975_colorized.tif"]
        root = QgsProject.instance().layerTreeRoot()
        names = [n.name() for n in root.findLayers()]
        for src in (grey, second):
            made = names.index(f"{src.name()} (colorized)")
            assert names[made + 1] == src.name()          # right above its source
        assert "2 of 2" in dock.status.text()
    finally:
        dock.shutdown()


def test_colorize_dock_cancelled_between_layers_keeps_and_adds_the_finished_ones(qgis_app, backend_python,
                                                                                  tiny_checkpoint, tmp_path):
    """Cancel after the first of three layers: the backend stops (exit 3), the finished raster is added
    above its source, no unfinished file is left, and pressing Colorize again skips the finished one."""
    from conftest import write_geotiff
    from qgis.core import QgsProject, QgsRasterLayer

    from aerocolor.protocol import EXIT_CANCELLED
    from aerocolor_plugin.docks.colorize_dock import ColorizeDock

    layers = []
    for i in range(3):
        arr = ((np.arange(1600 * 1600) * (i + 2)) % 251).reshape(1600, 1600).astype(np.uint8)
        layers.append(QgsRasterLayer(write_geotiff(str(tmp_path / f"sheet_{i}.tif"), arr), f"sheet {i}"))
    QgsProject.instance().addMapLayers(layers)
    folder = tmp_path / "colour"
    folder.mkdir()
    dock = ColorizeDock()
    try:
        _tick_several(dock, layers, folder, tiny_checkpoint)
        dock.start()
        assert wait_until(lambda: bool(dock.made) or dock.process.exit_code is not None, 240)
        dock.cancel()
        assert wait_until(lambda: dock.process.exit_code is not None, 120)
        assert dock.process.exit_code == EXIT_CANCELLED, dock.status.text()
        finished = [os.path.basename(o) for o in dock.made.values()]
        assert 1 <= len(finished) < 3
        names = [n.name() for n in QgsProject.instance().layerTreeRoot().findLayers()]
        assert "sheet 0 (colorized)" in names and "sheet 2 (colorized)" not in names
        assert not [f for f in os.listdir(folder) if ".part" in f or f.endswith(".lock")]
        dock.start()
        assert wait_until(lambda: dock.process.exit_code is not None, 240)
        assert dock.process.exit_code == 0, dock.status.text()
        assert sorted(f for f in os.listdir(folder) if f.endswith(".tif")) == [
            f"sheet_{i}_colorized.tif" for i in range(3)]
        names = [n.name() for n in QgsProject.instance().layerTreeRoot().findLayers()]
        assert [names.count(f"sheet {i} (colorized)") for i in range(3)] == [1, 1, 1]   # none added twice
        assert "3 of 3" in dock.status.text()
    finally:
        dock.shutdown()
        clear_project()


def test_colorize_dock_whose_backend_is_killed_says_so_adds_no_layer_and_leaves_no_files(
        qgis_app, backend_python, tiny_checkpoint, tmp_path):
    """kill -9 of the real backend mid-colorize: the dock says it stopped unexpectedly, adds no layer, and
    removes the unfinished temporary file the killed process could not remove itself."""
    import signal

    from conftest import write_geotiff
    from qgis.core import QgsProject, QgsRasterLayer

    from aerocolor_plugin.docks.colorize_dock import ColorizeDock

    big = QgsRasterLayer(write_geotiff(str(tmp_path / "big.tif"),
                                       (np.arange(2400 * 2400) % 253).reshape(2400, 2400).astype(np.uint8)), "big")
    QgsProject.instance().addMapLayer(big)
    layers_before = set(QgsProject.instance().mapLayers())
    dock = ColorizeDock()
    try:
        dock.refresh_layers()
        dock.layer.setCurrentIndex(dock.layer.findData(big.id()))
        dock.checkpoint.setEditText(tiny_checkpoint)
        out = str(tmp_path / "colour.tif")
        dock.output.setFilePath(out)
        dock.device.setCurrentText("cpu")
        dock.start()
        assert wait_until(lambda: os.path.exists(out + ".part"), 120)
        os.kill(dock.process.pid, signal.SIGKILL)
        assert wait_until(lambda: dock.process.exit_code is not None, 60)
        assert dock.process.exit_code == -1
        assert "stopped unexpectedly" in dock.status.text()
        assert dock.added is None and set(QgsProject.instance().mapLayers()) == layers_before
        assert dock.run_button.isEnabled()
        assert not [f for f in os.listdir(tmp_path) if f.startswith("colour.tif")], os.listdir(tmp_path)
    finally:
        dock.shutdown()
        clear_project()


def test_plugin_reads_model_cards_without_torch(tiny_checkpoint, bicycle_checkpoint, tmp_path):
    """QGIS has no torch: the dock reads the card straight from the checkpoint's zip, and gets what the
    backend gets; anything that is not a checkpoint gives None."""
    import collections
    import pickle
    import zipfile

    from aerocolor.models.checkpoint import card_of

    from aerocolor_plugin.model_card import latent_size, read_card, summary

    for path in (tiny_checkpoint, bicycle_checkpoint):
        assert read_card(path) == card_of(path)
    assert latent_size(read_card(tiny_checkpoint)) == 0 and latent_size(read_card(bicycle_checkpoint)) == 4
    assert summary(read_card(bicycle_checkpoint)).startswith("bicyclegan · L*a*b* · 64 px")
    empty, other, counter = tmp_path / "empty.pt", tmp_path / "other.pt", tmp_path / "counter.pt"
    empty.write_bytes(b"")
    marker = tmp_path / "ran"

    class RunsCode:       # unpickled by a permissive loader, this would call os.system
        def __reduce__(self):
            return os.system, (f"touch {marker}",)

    for path, card in ((other, RunsCode()), (counter, collections.Counter(nz=4))):
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("archive/data.pkl", pickle.dumps({"format": "aerocolor-checkpoint", "card": card}))
    assert read_card(str(empty)) is None and read_card(str(other)) is None and read_card(str(counter)) is None
    assert not marker.exists()
    assert read_card(str(tmp_path / "missing.pt")) is None


def test_colorize_dock_offers_a_latent_code_only_for_models_that_have_one(qgis_app, rasters, tiny_checkpoint,
                                                                          bicycle_checkpoint):
    from aerocolor_plugin.docks.colorize_dock import ColorizeDock

    grey, colour = rasters
    dock = ColorizeDock()
    try:
        dock.checkpoint.setEditText(tiny_checkpoint)
        assert not dock.latent.isVisibleTo(dock) and dock.model_info.text().startswith("pix2pix")
        args = dock.colorize_args()
        assert not {"--samples", "--seed", "--z-fixed", "--z-reference"} & set(args)
        dock.checkpoint.setEditText(bicycle_checkpoint)
        assert dock.latent.isVisibleTo(dock) and "z: 4" in dock.model_info.text()
        dock.samples.setValue(3)
        dock.seed.setValue(7)
        args = dock.colorize_args()
        assert args[args.index("--samples") + 1] == "3" and args[args.index("--seed") + 1] == "7"
        dock.z_mode.setCurrentIndex(dock.z_mode.findData("zeros"))
        assert not dock.samples.isEnabled() and not dock.seed.isEnabled()
        args = dock.colorize_args()
        assert args[args.index("--z-fixed") + 1] == "zeros" and "--samples" not in args
        dock.z_mode.setCurrentIndex(dock.z_mode.findData("reference"))
        with pytest.raises(ValueError, match="colour image"):
            dock.colorize_args()
        dock.z_image.setFilePath(colour.source())
        args = dock.colorize_args()
        assert args[args.index("--z-reference") + 1] == colour.source()
    finally:
        dock.shutdown()


def test_colorize_dock_adds_every_colouring(qgis_app, rasters, backend_python, bicycle_checkpoint, tmp_path):
    from qgis.core import QgsProject

    from aerocolor_plugin.docks.colorize_dock import ColorizeDock

    grey, colour = rasters
    dock = ColorizeDock()
    try:
        dock.checkpoint.setEditText(bicycle_checkpoint)
        dock.output.setFilePath(str(tmp_path / "colour.tif"))
        dock.device.setCurrentText("cpu")
        dock.samples.setValue(2)
        dock.start()
        assert wait_until(lambda: dock.process.exit_code is not None, 240)
        assert dock.process.exit_code == 0, dock.status.text()
        names = [n.name() for n in QgsProject.instance().layerTreeRoot().children()]
        at = names.index("z grey 1975")           # just above the source, the first colouring on top
        assert names[at - 2:at] == ["z grey 1975 (colouring 1)", "z grey 1975 (colouring 2)"]
        layers = [QgsProject.instance().mapLayersByName(f"z grey 1975 (colouring {k})")[0] for k in (1, 2)]
        assert [lyr.source() for lyr in layers] == [str(tmp_path / f"colour_{k}.tif") for k in (1, 2)]
        assert all(lyr.isValid() and lyr.extent() == grey.extent() for lyr in layers)
        assert "1 more" in dock.status.text()
    finally:
        dock.shutdown()


def _fake_colorize(dock, tmp_path) -> None:
    """Start the dock on the fake backend (its colorize copies the input)."""
    from aerocolor_plugin.bridge import environment

    environment.set_configured_python(fake_python(str(tmp_path)))
    model = tmp_path / "fake.pt"
    model.write_bytes(b"")
    dock.checkpoint.setEditText(str(model))
    dock.output.setFilePath(str(tmp_path / "colour.tif"))
    dock.start()


def test_colorize_dock_progress_never_goes_back(qgis_app, rasters, tmp_path):
    """Tiles then overviews, each counting 0..1 in the backend: one bar that only moves forward, 98 % of
    it filled by the tiles and the rest by GDAL's overview pass."""
    from aerocolor_plugin.bridge import environment
    from aerocolor_plugin.docks.colorize_dock import ColorizeDock

    dock = ColorizeDock()
    values, texts = [], []
    dock.progress.valueChanged.connect(values.append)
    try:
        _fake_colorize(dock, tmp_path)
        dock.process.received.connect(lambda ev: texts.append(dock.status.text()))
        assert wait_until(lambda: dock.process.exit_code is not None, 30)
        assert dock.process.exit_code == 0, dock.status.text()
    finally:
        dock.shutdown()
        environment.set_configured_python("")
    assert values == sorted(values) and values[-1] == 1000
    assert 490 in values and 950 not in values         # half the tiles: half of their 98 %; no wait at 95 %
    assert "Colorizing: 98 %. " in texts and "Colorizing: 100 %. " in texts and not any("overview" in t for t in texts), texts


def test_colorize_dock_adds_the_result_when_the_source_was_removed(qgis_app, rasters, tmp_path):
    from qgis.core import QgsProject

    from aerocolor_plugin.bridge import environment
    from aerocolor_plugin.docks.colorize_dock import ColorizeDock

    grey, colour = rasters
    grey_id = grey.id()
    dock = ColorizeDock()
    try:
        _fake_colorize(dock, tmp_path)
        # The user removes the grey layer while the backend works on it.
        dock.process.received.connect(
            lambda ev: ev["type"] == "hello" and QgsProject.instance().removeMapLayer(grey_id))
        assert wait_until(lambda: dock.process.exit_code is not None, 30)
    finally:
        dock.shutdown()
        environment.set_configured_python("")
    assert QgsProject.instance().mapLayer(grey_id) is None
    assert dock.added is not None and dock.added.isValid(), dock.status.text()
    assert dock.added.name() == "z grey 1975 (colorized)"
    assert QgsProject.instance().layerTreeRoot().children()[0].layer() is dock.added    # at the top
    assert "removed" in dock.status.text()


def test_mosaic_dialog_offers_colour_layers_and_starts_a_task(qgis_app, rasters, backend_python, tmp_path):
    from qgis.PyQt.QtCore import Qt

    from aerocolor_plugin.mosaic_dialog import MosaicDialog

    from osgeo import gdal
    from qgis.core import QgsProject, QgsRasterLayer

    from conftest import write_geotiff

    grey, colour = rasters
    # What colorize wrote is ticked; the colour original is not, or it would end up on top of it.
    done = write_geotiff(str(tmp_path / "z_grey_1975_colorized.tif"), np.full((4, 80, 96), 200, np.uint8))
    ds = gdal.Open(done, gdal.GA_Update)
    ds.SetMetadata({"AEROCOLOR_MODEL": "default-model.pt"})
    ds = None
    QgsProject.instance().addMapLayer(QgsRasterLayer(done, "z grey 1975 (colorized)"))
    dlg = MosaicDialog()
    states = {dlg.list.item(i).text(): dlg.list.item(i).checkState() for i in range(dlg.list.count())}
    assert states == {"a modern": Qt.CheckState.Unchecked, "z grey 1975": Qt.CheckState.Unchecked,
                      "z grey 1975 (colorized)": Qt.CheckState.Checked}
    dlg.start()
    assert "Choose where" in dlg.status.text() and dlg.task is None
    out = str(tmp_path / "dialog_mosaic.vrt")
    dlg.output.setFilePath(out)
    dlg.start()
    assert dlg.task is not None
    assert wait_until(lambda: dlg.task.layer is not None or dlg.task.error, 120), dlg.task.error
    assert os.path.isfile(out) and dlg.task.layer.isValid()


def test_backend_dialog_detects_and_checks(qgis_app, tmp_path):
    from aerocolor_plugin.bridge import environment
    from aerocolor_plugin.bridge.setup_dialog import BackendDialog

    os.environ[environment.ENV_PYTHON] = sys.executable
    try:
        dlg = BackendDialog()
        dlg.detect()
        assert dlg.chosen_python() == sys.executable
        dlg.check()
        assert wait_until(lambda: dlg.status.text().startswith("Ready"), 120), dlg.status.text()
        assert "backend torch" in dlg.log.toPlainText()
        dlg.copy_diagnostics()
        from qgis.PyQt.QtWidgets import QApplication

        assert "QGIS 3." in QApplication.clipboard().text()
    finally:
        del os.environ[environment.ENV_PYTHON]
        environment.set_configured_python("")


def test_train_dock_stop_points_at_resume_and_resume_keeps_the_curves(qgis_app, tmp_path):
    import json

    from qgis.PyQt.QtCore import QSettings

    from aerocolor_plugin import recent
    from aerocolor_plugin.bridge import environment
    from aerocolor_plugin.docks.train_dock import TrainDock

    environment.set_configured_python(fake_python(str(tmp_path)))
    run = tmp_path / "run"
    run.mkdir()
    with open(run / "events.jsonl", "w") as fh:  # what the run logged before it was stopped
        for i in range(3):
            fh.write(json.dumps({"v": 1, "type": "progress", "stage": "train", "epoch": 1, "epochs": 2,
                                 "fraction": 0.1 * (i + 1), "losses": {"G_L1": 9.0 - i, "D_real": 0.3}}) + "\n")
    dock = TrainDock()
    try:
        dock.dataset.setFilePath(str(tmp_path))
        dock.run_dir.setFilePath(str(run))
        dock.start(resume=True)
        assert len(dock.plot.series.get("G_L1", [])) == 3  # Resume kept the curves so far
        assert wait_until(lambda: any(e["type"] == "progress" for e in dock.process.events), 30)
        dock.stop()
        assert wait_until(lambda: dock.process.exit_code is not None, 30)
        text = dock.status.text()
        assert "Press Resume" in text and "epoch 1, step 0" in text and "--resume" not in text, text
        for epoch in (1, 2, 3):  # the same latest.pt after every epoch is named once
            dock.on_event({"type": "checkpoint", "epoch": epoch, "path": str(run / "checkpoints" / "latest.pt")})
        assert dock.log.toPlainText().count("latest.pt") == 1
    finally:
        dock.shutdown()
        environment.set_configured_python("")
        QSettings().remove(recent.RUN_KEY)
