"""BackendProcess and run_backend: the real backend, and a scripted fake for the bad cases."""
from __future__ import annotations

import os
import sys

import numpy as np

from plugin_support import REPO, clear_project, fake_python, wait_until  # noqa: F401  (puts REPO on sys.path)


def _process(python: str, **kw):
    from aerocolor_plugin.bridge.process import BackendProcess

    proc = BackendProcess(python=python, **kw)
    seen, logs, done = [], [], []
    proc.received.connect(seen.append)
    proc.log.connect(logs.append)
    proc.finished.connect(lambda code, msg: done.append((code, msg)))
    return proc, seen, logs, done


# -- the fake backend: every way a run can end ---------------------------------------------
def test_fake_ok_buffers_partial_lines_and_skips_garbage(qgis_app, tmp_path):
    log = str(tmp_path / "logs" / "run.log")
    proc, seen, logs, done = _process(fake_python(str(tmp_path)), log_path=log)
    assert proc.start(["ok"])
    assert wait_until(lambda: done, 30)
    assert done == [(0, "")]
    assert [e["type"] for e in seen] == ["hello", "progress", "progress", "progress", "metrics", "result"]
    assert seen[4]["losses"] == {"G": 1.5}          # the torn line arrived whole
    assert proc.result["outputs"] == {"raster": "out.tif"}
    assert proc.garbage == ["this line is not JSON", '{"v": 99, "type": "progress"}']
    text = open(log, encoding="utf-8").read()
    assert "a log line on stderr" in text and "not JSON" in text and "-m aerocolor --events jsonl ok" in text


def test_fake_error_event_message_reaches_the_user(qgis_app, tmp_path):
    proc, seen, logs, done = _process(fake_python(str(tmp_path)))
    proc.start(["error"])
    assert wait_until(lambda: done, 30)
    assert done == [(2, "The raster has no CRS; assign one and try again.")]
    assert proc.error["code"] == "bad_input"


def test_fake_exit_without_event_is_mapped(qgis_app, tmp_path):
    proc, seen, logs, done = _process(fake_python(str(tmp_path)), log_path=str(tmp_path / "x.log"))
    proc.start(["exit1"])
    assert wait_until(lambda: done, 30)
    code, msg = done[0]
    assert code == 1 and "exit code 1" in msg and str(tmp_path / "x.log") in msg
    assert any("boom" in line for line in logs)


def test_fake_crash_is_reported_as_crash(qgis_app, tmp_path):
    proc, seen, logs, done = _process(fake_python(str(tmp_path)))
    proc.start(["crash"])
    assert wait_until(lambda: done, 30)
    code, msg = done[0]
    assert code == -1 and "stopped unexpectedly" in msg
    assert seen[-1]["type"] == "progress"


def test_fake_cancel_through_stdin(qgis_app, tmp_path):
    proc, seen, logs, done = _process(fake_python(str(tmp_path)))
    proc.start(["wait_cancel"])
    assert wait_until(lambda: any(e["type"] == "progress" for e in seen), 30)
    proc.cancel()
    assert wait_until(lambda: done, 30)
    assert done == [(3, "Cancelled at step 0; earlier results are kept.")]


def test_fake_deaf_backend_is_terminated_then_killed(qgis_app, tmp_path):
    proc, seen, logs, done = _process(fake_python(str(tmp_path)), grace_ms=300)
    proc.start(["deaf"])
    assert wait_until(lambda: any(e["type"] == "progress" for e in seen), 30)
    proc.cancel()
    assert wait_until(lambda: done, 30)
    assert done[0][0] == 3
    assert any("killing" in line for line in logs)


def test_shutdown_waits_then_terminates_and_kills_a_deaf_backend(qgis_app, tmp_path):
    # QGIS closing: no event loop will run the timers cancel relies on, so shutdown escalates itself.
    proc, seen, logs, done = _process(fake_python(str(tmp_path)), grace_ms=300)
    proc.start(["deaf"])
    assert wait_until(lambda: any(e["type"] == "progress" for e in seen), 30)
    proc.shutdown(wait_ms=300)
    assert not proc.is_running()
    assert any("terminating" in line for line in logs) and any("killing" in line for line in logs)


def test_missing_interpreter_says_what_to_do(qgis_app, tmp_path):
    proc, seen, logs, done = _process(str(tmp_path / "no-such-python"))
    proc.start(["info"])
    assert wait_until(lambda: done, 30)
    assert done[0][0] == -1 and "Could not start the backend interpreter" in done[0][1]


def test_run_backend_thread_runner_covers_the_same_cases(qgis_app, tmp_path):
    from aerocolor_plugin.bridge.run import run_backend

    py = fake_python(str(tmp_path))
    ok = run_backend(["ok"], python=py)
    assert ok.ok and ok.result["outputs"]["raster"] == "out.tif" and len(ok.garbage) == 2
    assert [e["type"] for e in ok.events][-2:] == ["metrics", "result"]
    bad = run_backend(["error"], python=py)
    assert bad.code == 2 and bad.message.startswith("The raster has no CRS")
    crash = run_backend(["crash"], python=py)
    assert crash.code == -1 and "stopped unexpectedly" in crash.message
    seen = []
    cancelled = run_backend(["wait_cancel"], python=py, on_event=seen.append, is_cancelled=lambda: bool(seen))
    assert cancelled.code == 3
    deaf = run_backend(["deaf"], python=py, on_event=seen.append, is_cancelled=lambda: True, grace_s=0.3)
    assert deaf.code == 3


# -- the real backend ----------------------------------------------------------------------
def test_real_backend_trains_and_a_follower_reattaches(qgis_app, tmp_path, synthetic_pairs):
    from aerocolor_plugin.bridge.process import RunFollower

    run = str(tmp_path / "run")
    proc, seen, logs, done = _process(sys.executable, log_path=str(tmp_path / "train.log"))
    proc.start(["train", "--data", synthetic_pairs, "--run", run, "--tile", "64", "--batch", "2",
                "--epochs", "1", "--decay-epochs", "0", "--steps-per-epoch", "2", "--ngf", "8", "--ndf", "8",
                "--threads", "1", "--device", "cpu"])
    assert wait_until(lambda: done, 180), logs[-20:]
    assert done == [(0, "")], logs[-20:]
    types = [e["type"] for e in seen]
    for t in ("hello", "progress", "metrics", "sample", "checkpoint", "result"):
        assert t in types
    ckpt = proc.result["outputs"]["checkpoint"]
    assert os.path.isfile(ckpt)

    # After a restart the plugin has only the run folder: the follower replays it to the end.
    replay, ended = [], []
    follower = RunFollower(run)
    follower.received.connect(replay.append)
    follower.ended.connect(ended.append)
    follower.start()
    assert ended and ended[0]["type"] == "result"
    assert [e["type"] for e in replay] == types


def test_real_backend_cancel_keeps_a_checkpoint(qgis_app, tmp_path, synthetic_pairs):
    run = str(tmp_path / "run")
    proc, seen, logs, done = _process(sys.executable)
    proc.start(["train", "--data", synthetic_pairs, "--run", run, "--tile", "64", "--batch", "2",
                "--epochs", "500", "--decay-epochs", "0", "--ngf", "8", "--ndf", "8", "--threads", "1"])
    assert wait_until(lambda: any(e["type"] == "progress" for e in seen), 120), logs[-20:]
    proc.cancel()
    assert wait_until(lambda: done, 60)
    code, msg = done[0]
    assert code == 3 and "resume" in msg.lower()
    assert os.path.isfile(os.path.join(run, "checkpoints", "latest.pt"))


def test_real_backend_colorizes_and_the_layer_keeps_extent_and_crs(qgis_app, tmp_path, tiny_checkpoint):
    from conftest import write_geotiff
    from qgis.core import QgsProject, QgsRasterLayer

    from aerocolor_plugin.layers import add_result_layer

    rng = np.random.default_rng(0)
    grey = (rng.random((96, 80)) * 255).astype(np.uint8)
    src_path = write_geotiff(str(tmp_path / "grey.tif"), grey)
    source = QgsRasterLayer(src_path, "grey 1975")
    QgsProject.instance().addMapLayer(source)
    out = str(tmp_path / "colour.tif")
    try:
        proc, seen, logs, done = _process(sys.executable)
        proc.start(["colorize", "--model", tiny_checkpoint, "--device", "cpu", src_path, out])
        assert wait_until(lambda: done, 180), logs[-20:]
        assert done == [(0, "")], logs[-20:]
        assert proc.result["outputs"]["raster"] == out and os.path.isfile(out)
        assert any(e["type"] == "progress" for e in seen)
        layer = add_result_layer(out, source, "grey 1975 (colour)")
        assert layer.isValid() and layer.bandCount() >= 3
        assert layer.crs() == source.crs()
        assert layer.extent() == source.extent()
        order = [n.layer() for n in QgsProject.instance().layerTreeRoot().findLayers()]
        assert order.index(layer) == order.index(source) - 1   # directly above its source
    finally:
        clear_project()


def test_run_backend_log_is_translated(qgis_app, tmp_path):
    from qgis.PyQt.QtCore import QCoreApplication

    from aerocolor_plugin.bridge.run import run_backend
    from aerocolor_plugin.i18n_util import install_translator

    translator = install_translator("zh_TW")
    try:
        logs = []
        assert run_backend(["ok"], python=fake_python(str(tmp_path)), on_log=logs.append).ok
    finally:
        QCoreApplication.removeTranslator(translator)
    assert "（非事件）this line is not JSON" in logs


def test_backend_notices_are_shown_in_the_users_language(qgis_app, tmp_path, tiny_checkpoint):
    """A notice from a real colorize (an RGB input turned grey) reads in zh_TW from its key and fields; a
    notice this plugin has no template for still shows the backend's English sentence."""
    import numpy as np
    from qgis.PyQt.QtCore import QCoreApplication

    from aerocolor.colorize.engine import colorize
    from aerocolor.protocol import EventSink
    from aerocolor_plugin.bridge.events import notice_text
    from aerocolor_plugin.i18n_util import install_translator
    from conftest import write_geotiff

    seen = []

    class Sink(EventSink):
        def emit(self, type_, **fields):
            seen.append({"type": type_, **fields})
            return super().emit(type_, **fields)

    rgb = write_geotiff(str(tmp_path / "rgb.tif"), np.full((3, 40, 40), 90, np.uint8))
    colorize(tiny_checkpoint, rgb, str(tmp_path / "out.tif"), events=Sink(), overviews=False)
    notice = next(e for e in seen if e["type"] == "notice" and e.get("key") == "colour_bands")
    assert notice_text(notice) == notice["message"]            # no translator: the English sentence
    translator = install_translator("zh_TW")
    try:
        chinese = notice_text(notice)
        unknown = notice_text({"type": "notice", "key": "from_a_newer_backend", "fields": {}, "message": "As is."})
    finally:
        QCoreApplication.removeTranslator(translator)
    assert "彩色波段" in chinese and rgb in chinese
    assert unknown == "As is."
