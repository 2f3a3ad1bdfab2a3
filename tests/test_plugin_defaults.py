"""Defaults a new user meets: where colorize writes, which layer Processing offers first."""
import os

import numpy as np

from plugin_support import clear_project


def test_the_bundled_sample_is_not_colorized_into_the_plugins_own_folder(qgis_app, tmp_path):
    from aerocolor_plugin.docks.colorize_dock import suggested_output
    from aerocolor_plugin.bridge.paths import backend_root

    sample = os.path.join(backend_root(), "aerocolor", "assets", "sample", "osbs_029_grey.tif")
    out = suggested_output(sample)
    assert os.path.basename(out) == "osbs_029_grey_colorized.tif"
    assert os.path.commonpath([os.path.dirname(out), os.path.abspath(backend_root())]) != os.path.abspath(
        backend_root())
    assert os.access(os.path.dirname(out), os.W_OK)
    # A photo of the user's own goes beside it.
    mine = str(tmp_path / "photo_1975.tif")
    assert suggested_output(mine) == str(tmp_path / "photo_1975_colorized.tif")


def test_processing_colorize_offers_a_grey_layer_first_not_the_active_colour_one(qgis_app, tmp_path):
    from qgis.core import QgsProject, QgsRasterLayer

    from aerocolor_plugin.processing.colorize_algorithm import ColorizeAlgorithm
    from conftest import write_geotiff

    colour = QgsRasterLayer(write_geotiff(str(tmp_path / "a_modern.tif"), np.zeros((3, 32, 32), np.uint8)), "modern")
    grey = QgsRasterLayer(write_geotiff(str(tmp_path / "z_1975.tif"), np.zeros((32, 32), np.uint8)), "1975")
    QgsProject.instance().addMapLayers([colour, grey])
    alg = ColorizeAlgorithm()
    alg.initAlgorithm()
    assert alg.parameterDefinition("INPUT").defaultValue() == grey.id()
    clear_project()
    alg = ColorizeAlgorithm()
    alg.initAlgorithm()  # no grey layer: no default, the dialog asks
    assert not alg.parameterDefinition("INPUT").defaultValue()


def test_the_colorize_dock_says_it_is_ready_once_a_grey_layer_and_a_model_are_chosen(qgis_app, tmp_path):
    from qgis.core import QgsProject, QgsRasterLayer

    from aerocolor_plugin.docks.colorize_dock import ColorizeDock
    from conftest import write_geotiff

    dock = ColorizeDock()
    assert dock.status.text() == "Choose a grey layer and a model."  # the project holds no raster yet
    grey = QgsRasterLayer(write_geotiff(str(tmp_path / "z_1975.tif"), np.zeros((32, 32), np.uint8)), "1975")
    QgsProject.instance().addMapLayer(grey)
    assert dock.status.text().startswith("Ready to colorize 1975 with ")
    dock.shutdown()
    dock.deleteLater()
    clear_project()


def test_a_stopped_runs_checkpoint_is_offered_for_colorizing(qgis_app, tmp_path):
    from qgis.PyQt.QtCore import QSettings

    from aerocolor_plugin.recent import KEY, RUN_KEY, recent_checkpoints, remember_run

    saved = QSettings().value(KEY), QSettings().value(RUN_KEY)
    try:
        QSettings().setValue(KEY, [])
        run = tmp_path / "run"
        (run / "checkpoints").mkdir(parents=True)
        remember_run(str(run))
        assert recent_checkpoints() == []  # no checkpoint yet
        (run / "checkpoints" / "latest.pt").write_bytes(b"x")  # what a stopped run leaves
        assert recent_checkpoints() == [str(run / "checkpoints" / "latest.pt")]
    finally:
        for key, value in zip((KEY, RUN_KEY), saved):
            QSettings().setValue(key, value) if value is not None else QSettings().remove(key)


def test_a_model_just_trained_is_chosen_in_the_colorize_dock(qgis_app, qgis_iface, tmp_path):
    import aerocolor_plugin
    from qgis.PyQt.QtCore import QSettings

    from aerocolor_plugin.recent import KEY, remember_checkpoint

    saved = QSettings().value(KEY)
    # No recent models: the dock starts on the bundled default (an earlier session's models, still on
    # disk, would be chosen first and rightly kept).
    QSettings().remove(KEY)
    plugin = aerocolor_plugin.classFactory(qgis_iface)
    plugin.initGui()
    try:
        ckpt = tmp_path / "run" / "checkpoints" / "latest.pt"
        ckpt.parent.mkdir(parents=True)
        ckpt.write_bytes(b"x")
        remember_checkpoint(str(ckpt))  # as the Train dock does on the result event
        plugin.train_dock.trained.emit(str(ckpt))
        assert plugin.colorize_dock.checkpoint.currentText() == str(ckpt)
    finally:
        plugin.unload()
        QSettings().setValue(KEY, saved) if saved is not None else QSettings().remove(KEY)
        clear_project()
