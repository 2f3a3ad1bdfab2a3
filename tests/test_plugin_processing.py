"""The AeroColor Processing provider through processing.run (in this process) and qgis_process (a shell)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from plugin_support import REPO, clear_project


@pytest.fixture
def provider(qgis_app, qgis_processing):
    from qgis.core import QgsApplication

    from aerocolor_plugin.bridge import environment
    from aerocolor_plugin.processing.provider import AeroColorProvider

    environment.set_configured_python(sys.executable)
    registry = QgsApplication.processingRegistry()
    prov = AeroColorProvider()
    assert registry.addProvider(prov)
    yield prov
    registry.removeProvider(prov)
    environment.set_configured_python("")
    clear_project()


def _tiles(tmp_path, count=2):
    """Colour GeoTIFFs side by side on one grid, like colorized pieces of a mosaic."""
    from conftest import write_geotiff

    paths = []
    for i in range(count):
        arr = np.full((3, 40, 50), 40 + 80 * i, np.uint8)
        gt = (500000.0 + i * 5.0, 0.1, 0.0, 3300000.0, 0.0, -0.1)
        paths.append(write_geotiff(str(tmp_path / f"piece_{i}.tif"), arr, geotransform=gt))
    return paths


def test_provider_lists_its_algorithms(provider):
    ids = {a.id() for a in provider.algorithms()}
    assert {"aerocolor:colorize", "aerocolor:mosaic", "aerocolor:train"} <= ids
    for alg in provider.algorithms():
        assert alg.displayName() and alg.shortHelpString() and not alg.icon().isNull()


def test_processing_choices_are_the_docks_words_and_translated(provider):
    """Enum options read as the docks' choices do (Ground resolution: "the model's (resample)", not the flag
    value "model"), and in zh_TW they are Chinese; there is one flag value per option."""
    from qgis.PyQt.QtCore import QCoreApplication

    from aerocolor_plugin.choices import GSD_MODES, gsd_labels
    from aerocolor_plugin.i18n_util import install_translator
    from aerocolor_plugin.processing.colorize_algorithm import ColorizeAlgorithm
    from aerocolor_plugin.processing.train_algorithm import TrainAlgorithm

    def options(alg, name):
        alg.initAlgorithm({})
        return alg.parameterDefinition(name).options()

    assert options(ColorizeAlgorithm(), "GSD") == gsd_labels() and "model" not in gsd_labels()
    assert len(GSD_MODES) == len(gsd_labels())
    english = options(TrainAlgorithm(), "COLOR_MODE")
    translator = install_translator("zh_TW")
    try:
        chinese_gsd = options(ColorizeAlgorithm(), "GSD")
        chinese_colour = options(TrainAlgorithm(), "COLOR_MODE")
    finally:
        QCoreApplication.removeTranslator(translator)
    assert chinese_gsd[1] != gsd_labels()[1] and any("\u4e00" <= ch <= "\u9fff" for ch in chinese_gsd[1])
    assert chinese_colour[0] != english[0]


@pytest.mark.parametrize("ext", ["tif", "vrt"])
def test_processing_run_build_mosaic(provider, tmp_path, ext):
    import processing
    from osgeo import gdal

    pieces = _tiles(tmp_path)
    out = str(tmp_path / f"mosaic.{ext}")
    result = processing.run("aerocolor:mosaic", {"INPUTS": pieces, "OUTPUT": out})
    assert result["OUTPUT"] == out and os.path.isfile(out)
    assert not [f for f in os.listdir(tmp_path) if ".part" in f]
    ds = gdal.Open(out)
    assert (ds.RasterXSize, ds.RasterYSize) == (100, 40) and ds.RasterCount >= 3
    band = ds.GetRasterBand(1).ReadAsArray()
    assert band[20, 10] == 40 and band[20, 90] == 120
    assert ds.GetDriver().ShortName == ("GTiff" if ext == "tif" else "VRT")


def test_processing_mosaic_refuses_mixed_bands(provider, tmp_path):
    import processing
    from conftest import write_geotiff
    from qgis.core import QgsProcessingException

    pieces = _tiles(tmp_path, 1) + [write_geotiff(str(tmp_path / "grey.tif"), np.zeros((40, 50), np.uint8))]
    with pytest.raises(QgsProcessingException, match="mosaic rasters of one kind"):
        processing.run("aerocolor:mosaic", {"INPUTS": pieces, "OUTPUT": str(tmp_path / "m.tif")})
    assert not os.path.exists(tmp_path / "m.tif")


def test_mosaic_task_runs_in_the_task_manager_and_adds_the_layer(provider, tmp_path):
    from qgis.core import QgsApplication, QgsProject

    from aerocolor_plugin.mosaic import MosaicTask
    from plugin_support import wait_until

    out = str(tmp_path / "task_mosaic.tif")
    task = MosaicTask(_tiles(tmp_path), out)
    QgsApplication.taskManager().addTask(task)
    assert wait_until(lambda: task.layer is not None or task.error, 120), task.error
    assert task.layer is not None and task.layer.isValid() and os.path.isfile(out)
    assert QgsProject.instance().mapLayer(task.layer.id()) is task.layer
    assert task.layer.extent().width() == pytest.approx(10.0)


def test_mosaic_task_reports_bad_input(provider, tmp_path):
    from qgis.core import QgsApplication

    from aerocolor_plugin.mosaic import MosaicTask
    from plugin_support import wait_until

    task = MosaicTask([str(tmp_path / "missing.tif")], str(tmp_path / "m.tif"))
    QgsApplication.taskManager().addTask(task)
    assert wait_until(lambda: bool(task.error), 120)
    assert "does not exist" in task.error and task.layer is None


def test_processing_run_train(provider, tmp_path, synthetic_pairs):
    import processing
    from qgis.core import QgsProcessingFeedback

    progress = []
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(progress.append)
    run = str(tmp_path / "run")
    result = processing.run("aerocolor:train", {
        "DATA": synthetic_pairs, "START_FROM": 2, "FAMILY": 0, "COLOR_MODE": 0, "EPOCHS": 1, "DECAY_EPOCHS": 0,
        "BATCH": 2, "TILE": 64, "NGF": 8, "NDF": 8, "STEPS_PER_EPOCH": 2, "DEVICE": 1, "RUN": run},
        feedback=feedback)
    assert os.path.isfile(result["CHECKPOINT"]) and result["CHECKPOINT"].startswith(run)
    assert progress and progress[-1] == pytest.approx(100.0)


def test_processing_train_fine_tunes_the_default_model(provider, tmp_path, synthetic_pairs):
    """Start from left as it is: one real step from the bundled default, at 64 px; its network (ngf 32),
    not the NGF given, and its name in the new model's lineage."""
    import processing

    from aerocolor_plugin.model_card import read_card
    from aerocolor_plugin.bridge.paths import default_model

    run = str(tmp_path / "run")
    result = processing.run("aerocolor:train", {
        "DATA": synthetic_pairs, "EPOCHS": 1, "DECAY_EPOCHS": 0, "BATCH": 2, "TILE": 64, "NGF": 8,
        "STEPS_PER_EPOCH": 1, "DEVICE": 1, "RUN": run})
    card, base = read_card(result["CHECKPOINT"]), read_card(default_model())
    assert card["family"] == "pix2pix" and card["tile"] == 64
    assert card["train"]["model"]["net"]["ngf"] == base["train"]["model"]["net"]["ngf"] == 32
    assert card["lineage"][0]["model"] == default_model()


def _train_args(tmp_path, monkeypatch, params) -> list:
    """The arguments the Train algorithm hands the (fake) backend, which is told to cancel at once."""
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    from aerocolor_plugin.bridge import environment
    from plugin_support import fake_python

    recorded = tmp_path / "args.json"
    if recorded.exists():
        recorded.unlink()
    monkeypatch.setenv("AEROCOLOR_FAKE_ARGS", str(recorded))
    environment.set_configured_python(fake_python(str(tmp_path)))
    feedback = QgsProcessingFeedback()
    feedback.cancel()
    with pytest.raises(QgsProcessingException, match="(?i)stopped"):
        processing.run("aerocolor:train", {"DATA": str(tmp_path), "RUN": str(tmp_path / "run"), **params},
                       feedback=feedback)
    return json.loads(recorded.read_text())


def test_processing_train_starts_from_what_is_chosen(provider, tmp_path, monkeypatch, tiny_checkpoint):
    import processing
    from qgis.core import QgsProcessingException

    def value(args, flag):
        return args[args.index(flag) + 1]

    args = _train_args(tmp_path, monkeypatch, {"NGF": 8})                              # the default
    assert value(args, "--from-model") == "default" and value(args, "--tile") == "256"
    assert not {"--ngf", "--ndf", "--family", "--color-mode"} & set(args)
    args = _train_args(tmp_path, monkeypatch, {"START_FROM": 2, "FAMILY": 2, "NGF": 8})  # nothing
    assert "--from-model" not in args
    assert [value(args, f) for f in ("--family", "--color-mode", "--ngf", "--ndf")] == ["cut", "lab", "8", "64"]
    for start in (1, 0):      # a file given is the model meant, also with Start from left at the default
        args = _train_args(tmp_path, monkeypatch, {"START_FROM": start, "FROM_MODEL": tiny_checkpoint, "TILE": 64})
        assert value(args, "--from-model") == tiny_checkpoint and "--ngf" not in args
    # What the backend would refuse is refused here, before it starts, in one sentence.
    for params, says in (({"FAMILY": 1}, "pix2pix model in L\\*a\\*b\\*; fine-tuning keeps both"),
                         ({"COLOR_MODE": 1}, "fine-tuning keeps both"),
                         ({"TILE": 96}, "multiple of 64"),
                         ({"START_FROM": 1}, "model file")):
        with pytest.raises(QgsProcessingException, match=says):
            processing.run("aerocolor:train", {"DATA": str(tmp_path), "RUN": str(tmp_path / "run"), **params})


def test_processing_train_passes_the_gan_loss_as_the_dock_does(provider, tmp_path, monkeypatch):
    from aerocolor_plugin.choices import GAN_MODES

    assert "--gan-mode" not in _train_args(tmp_path, monkeypatch, {})               # the family's own
    args = _train_args(tmp_path, monkeypatch, {"GAN_MODE": 1 + GAN_MODES.index("wgangp")})
    assert args[args.index("--gan-mode") + 1] == "wgangp"


def test_processing_train_bad_input_is_one_sentence(provider, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(QgsProcessingException) as info:
        processing.run("aerocolor:train", {"DATA": str(empty), "EPOCHS": 1, "DECAY_EPOCHS": 0, "TILE": 64,
                                           "NGF": 8, "NDF": 8, "DEVICE": 1, "RUN": str(tmp_path / "run")})
    message = str(info.value)
    assert message and "Traceback" not in message and "\n" not in message.strip()


def test_processing_train_cancel(provider, tmp_path, synthetic_pairs):
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda p: feedback.cancel())
    run = str(tmp_path / "run")
    with pytest.raises(QgsProcessingException, match="(?i)stopped|cancel"):
        processing.run("aerocolor:train", {
            "DATA": synthetic_pairs, "START_FROM": 2, "EPOCHS": 200, "DECAY_EPOCHS": 0, "BATCH": 2, "TILE": 64,
            "NGF": 8, "NDF": 8, "DEVICE": 1, "RUN": run}, feedback=feedback)
    assert os.path.isfile(os.path.join(run, "checkpoints", "latest.pt"))


@pytest.mark.parametrize("cog", [False, True])
def test_processing_run_colorize(provider, tmp_path, tiny_checkpoint, cog):
    import processing
    from conftest import write_geotiff
    from osgeo import gdal

    src = write_geotiff(str(tmp_path / "grey.tif"), (np.random.default_rng(0).random((70, 90)) * 255).astype(np.uint8))
    out = str(tmp_path / "colour.tif")
    result = processing.run("aerocolor:colorize", {"INPUT": src, "MODEL": tiny_checkpoint, "DEVICE": 1,
                                                   "COG": cog, "OUTPUT": out})
    assert result["OUTPUT"] == out
    ds = gdal.Open(out)
    assert (ds.GetMetadata("IMAGE_STRUCTURE").get("LAYOUT") == "COG") == cog
    assert (ds.RasterXSize, ds.RasterYSize) == (90, 70) and ds.RasterCount >= 3
    assert ds.GetGeoTransform() == gdal.Open(src).GetGeoTransform()
    # Batch left at 0: the backend's own default, not a fixed number in the plugin.
    from aerocolor.colorize.engine import DEFAULT_BATCH

    assert json.loads(ds.GetMetadata()["AEROCOLOR_SETTINGS"])["batch"] == DEFAULT_BATCH


def test_processing_colorizes_many_rasters_in_one_job_and_a_rerun_skips_them(provider, tmp_path, tiny_checkpoint):
    import processing
    from conftest import write_geotiff
    from qgis.core import QgsProcessingFeedback

    srcs = [write_geotiff(str(tmp_path / f"sheet_{i}.tif"), np.full((40 + 10 * i, 50), 60 + 40 * i, np.uint8))
            for i in range(3)]
    folder = str(tmp_path / "colour")
    params = {"INPUTS": srcs, "MODEL": tiny_checkpoint, "DEVICE": 1, "OUTPUT_FOLDER": folder}
    result = processing.run("aerocolor:colorize_many", params)
    assert result["OUTPUTS"] == [os.path.join(folder, f"sheet_{i}_colorized.tif") for i in range(3)]
    assert all(os.path.isfile(p) for p in result["OUTPUTS"])
    mtimes = [os.path.getmtime(p) for p in result["OUTPUTS"]]

    class Said(QgsProcessingFeedback):
        lines = []

        def pushInfo(self, info):
            self.lines.append(info)

    said = Said()
    again = processing.run("aerocolor:colorize_many", params, feedback=said)
    assert again["OUTPUTS"] == result["OUTPUTS"] and [os.path.getmtime(p) for p in result["OUTPUTS"]] == mtimes
    assert sum("skipped" in line and "already done" in line for line in said.lines) == 3, said.lines


def test_processing_colorize_names_its_layer_after_the_input(provider, tmp_path, tiny_checkpoint):
    import processing
    from conftest import write_geotiff
    from qgis.core import QgsProject

    src = write_geotiff(str(tmp_path / "survey_1962.tif"), np.full((40, 50), 128, np.uint8))
    processing.runAndLoadResults("aerocolor:colorize", {"INPUT": src, "MODEL": tiny_checkpoint, "DEVICE": 1,
                                                        "OUTPUT": str(tmp_path / "c.tif")})
    names = [layer.name() for layer in QgsProject.instance().mapLayers().values()]
    assert "survey_1962 (colorized)" in names and "Colour raster" not in names, names


def test_processing_colorize_picks_the_latent_code(provider, tmp_path, bicycle_checkpoint, tiny_checkpoint):
    """A model with a latent code gets the seed or z = 0 the user chose, recorded in the output."""
    import processing
    from conftest import write_geotiff
    from osgeo import gdal
    from qgis.core import QgsProcessingException

    src = write_geotiff(str(tmp_path / "grey.tif"), (np.random.default_rng(0).random((64, 64)) * 255).astype(np.uint8))
    settings = {}
    for name, latent, seed in (("seed", 0, 5), ("zeros", 1, 0)):
        out = str(tmp_path / f"{name}.tif")
        processing.run("aerocolor:colorize", {"INPUT": src, "MODEL": bicycle_checkpoint, "DEVICE": 1,
                                              "LATENT": latent, "SEED": seed, "OUTPUT": out})
        settings[name] = json.loads(gdal.Open(out).GetMetadata()["AEROCOLOR_SETTINGS"])
    assert settings["seed"]["z"] == "random" and settings["seed"]["seed"] == 5
    assert settings["zeros"]["z"] == "fixed"
    with pytest.raises(QgsProcessingException, match="colour image"):
        processing.run("aerocolor:colorize", {"INPUT": src, "MODEL": bicycle_checkpoint, "DEVICE": 1, "LATENT": 2,
                                              "OUTPUT": str(tmp_path / "ref.tif")})
    # A model without one ignores these choices (the backend would refuse a seed it cannot use).
    processing.run("aerocolor:colorize", {"INPUT": src, "MODEL": tiny_checkpoint, "DEVICE": 1, "LATENT": 2,
                                          "OUTPUT": str(tmp_path / "pix2pix.tif")})


def test_processing_colorize_without_a_model_uses_the_bundled_default(provider, tmp_path):
    import processing
    from conftest import write_geotiff
    from osgeo import gdal

    from aerocolor import assets

    src = write_geotiff(str(tmp_path / "grey.tif"), (np.random.default_rng(1).random((40, 50)) * 255).astype(np.uint8))
    out = str(tmp_path / "colour.tif")
    processing.run("aerocolor:colorize", {"INPUT": src, "DEVICE": 1, "OUTPUT": out})
    md = gdal.Open(out).GetMetadata()
    assert md["AEROCOLOR_MODEL"] == os.path.basename(assets.DEFAULT_MODEL)


@pytest.mark.parametrize("cog", [False, True])
def test_processing_colorize_progress_never_goes_back(provider, tmp_path, cog):
    """The backend counts tiles and then overviews from 0 to 1 each: the feedback shows one forward bar,
    of which the tiles fill 98 % (95 % when a Cloud Optimized GeoTIFF is re-laid after them)."""
    import processing
    from conftest import write_geotiff
    from qgis.core import QgsProcessingFeedback

    from aerocolor_plugin.bridge import environment
    from plugin_support import fake_python

    class Feedback(QgsProcessingFeedback):
        texts = []
        commands = []

        def setProgressText(self, text):  # noqa: N802
            self.texts.append(text)
            super().setProgressText(text)

        def pushCommandInfo(self, text):  # noqa: N802
            self.commands.append(text)
            super().pushCommandInfo(text)

    environment.set_configured_python(fake_python(str(tmp_path)))
    src = write_geotiff(str(tmp_path / "grey.tif"), np.zeros((20, 30), np.uint8))
    model = tmp_path / "fake.pt"
    model.write_bytes(b"")
    progress, feedback = [], Feedback()
    feedback.progressChanged.connect(progress.append)
    processing.run("aerocolor:colorize", {"INPUT": src, "MODEL": str(model), "OUTPUT": str(tmp_path / "c.tif"),
                                          "COG": cog}, feedback=feedback)
    assert progress == sorted(progress) and progress[-1] == pytest.approx(100.0)
    assert (pytest.approx(95.0) in progress) == cog
    assert ("Writing the Cloud Optimized GeoTIFF…" in feedback.texts) == cog
    assert (" --cog " in " ".join(feedback.commands) + " ") == cog


# -- qgis_process: a real shell command, with the plugin found through QGIS_PLUGINPATH ------
def qgis_process_env(tmp_path) -> dict:
    """qgis_process loads Processing plugins that its profile enables: a throw-away profile says so.

    QGIS_CUSTOM_CONFIG_PATH=DIR makes DIR/profiles/default the profile (without it,
    ~/.local/share/QGIS/QGIS3/profiles/default); its QGIS/QGIS3.ini must have
    [PythonPlugins] aerocolor_plugin=true. QGIS_PLUGINPATH points at the folder that holds the
    plugin, and AEROCOLOR_PYTHON names the backend interpreter (the plugin's detection reads it).
    """
    config = tmp_path / "qgis-config"
    profile = config / "profiles" / "default" / "QGIS"
    profile.mkdir(parents=True)
    (profile / "QGIS3.ini").write_text("[PythonPlugins]\naerocolor_plugin=true\n")
    return dict(os.environ, QGIS_CUSTOM_CONFIG_PATH=str(config), QT_QPA_PLATFORM="offscreen",
                QGIS_PLUGINPATH=plugin_folder(tmp_path), AEROCOLOR_PYTHON=sys.executable,
                XDG_RUNTIME_DIR=str(tmp_path))


def qgis_process() -> str:
    """Debian's qgis_process wrapper adds QGIS_OPTS from /etc/default/qgis (--noversioncheck), which
    qgis_process 3.22 rejects ("Command --noversioncheck not known!"): call the binary beside it."""
    import shutil

    return shutil.which("qgis_process.bin") or "qgis_process"


def plugin_folder(tmp_path) -> str:
    """A plugins folder holding the plugin as built by scripts/build_plugin."""
    import zipfile

    target = tmp_path / "plugins"
    if not target.exists():
        dist = tmp_path / "dist"
        subprocess.run(["bash", os.path.join(REPO, "scripts", "build_plugin"), "--out", str(dist)], check=True,
                       capture_output=True, text=True, timeout=300)
        (zip_path,) = [p for p in dist.iterdir() if p.suffix == ".zip"]
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(target)
    return str(target)


def test_qgis_process_runs_the_mosaic_algorithm(qgis_app, tmp_path):
    env = qgis_process_env(tmp_path)
    listing = subprocess.run([qgis_process(), "list"], env=env, capture_output=True, text=True, timeout=300)
    assert "aerocolor:mosaic" in listing.stdout, listing.stdout[-2000:] + listing.stderr[-2000:]
    # Without [PythonPlugins] aerocolor_plugin=true the same plugin folder is skipped silently.
    (tmp_path / "bare-config").mkdir()
    bare = subprocess.run([qgis_process(), "list"], env=dict(env, QGIS_CUSTOM_CONFIG_PATH=str(tmp_path / "bare-config")),
                          capture_output=True, text=True, timeout=300)
    assert bare.returncode == 0 and "aerocolor:" not in bare.stdout
    pieces = _tiles(tmp_path)
    out = str(tmp_path / "shell_mosaic.tif")
    proc = subprocess.run([qgis_process(), "--json", "run", "aerocolor:mosaic", "--",
                           *[f"INPUTS={p}" for p in pieces], f"OUTPUT={out}"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    result = json.loads(proc.stdout[proc.stdout.index("{"):])
    assert result["results"]["OUTPUT"] == out and os.path.isfile(out)


def test_qgis_process_runs_train_with_the_backend(qgis_app, tmp_path, synthetic_pairs):
    env = qgis_process_env(tmp_path)
    run = str(tmp_path / "run")
    proc = subprocess.run([qgis_process(), "--json", "run", "aerocolor:train", "--", f"DATA={synthetic_pairs}",
                           "EPOCHS=1", "DECAY_EPOCHS=0", "BATCH=2", "TILE=64", "NGF=8", "NDF=8",
                           "STEPS_PER_EPOCH=1", "DEVICE=1", f"RUN={run}"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    result = json.loads(proc.stdout[proc.stdout.index("{"):])
    assert os.path.isfile(result["results"]["CHECKPOINT"])


def test_processing_exports_onnx_and_colorizes_with_it(provider, tmp_path, tiny_checkpoint):
    """Export model as ONNX through Processing, then Colorize raster with the .onnx: onnxruntime runs the
    generator, and the pixels are those of the checkpoint's own run."""
    import processing
    from conftest import write_geotiff
    from osgeo import gdal

    onnx = str(tmp_path / "tiny")                          # no extension: .onnx is added
    got = processing.run("aerocolor:export_onnx", {"MODEL": tiny_checkpoint, "OUTPUT": onnx})
    assert got["ONNX"] == onnx + ".onnx" and os.path.getsize(got["ONNX"]) > 0
    src = write_geotiff(str(tmp_path / "grey.tif"), (np.random.default_rng(3).random((80, 96)) * 255).astype(np.uint8))
    outs = {}
    for name, model in (("onnx", got["ONNX"]), ("pt", tiny_checkpoint)):
        outs[name] = str(tmp_path / f"{name}.tif")
        processing.run("aerocolor:colorize", {"INPUT": src, "MODEL": model, "DEVICE": 1, "OUTPUT": outs[name]})
    a = gdal.Open(outs["onnx"]).ReadAsArray().astype(int)
    b = gdal.Open(outs["pt"]).ReadAsArray().astype(int)
    assert a.shape == (4, 80, 96) and np.abs(a - b).mean() <= 1.0
