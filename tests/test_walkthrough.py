"""A person's walk through the plugin in the real QGIS desktop under Xvfb (scripts/walkthrough --quick).

The suite runs one language, Traditional Chinese (QGIS set to zh-Hant, the plugin in zh_TW): both
languages take about twice this test's time budget on two cores. AEROCOLOR_WALK_LANG=both (or en)
runs others. Each step drives the docks, the mosaic dialog or a Processing dialog and checks its
result inside QGIS; this test asserts on the report and checks the rasters again from outside.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from plugin_support import REPO

STEPS = ["start", "capture", "train_start", "train_stop", "train_resume", "colorize", "swipe", "mosaic",
         "proc_capture", "proc_train", "proc_colorize", "proc_colorize_many", "proc_mosaic"]
LANG = os.environ.get("AEROCOLOR_WALK_LANG", "zh_TW")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def _grid(path: str):
    from osgeo import gdal, osr

    ds = gdal.Open(path)
    assert ds is not None, path
    return (tuple(round(v, 9) for v in ds.GetGeoTransform()), (ds.RasterXSize, ds.RasterYSize),
            osr.SpatialReference(wkt=ds.GetProjection()), ds.RasterCount)


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    missing = [tool for tool in ("xvfb-run", "qgis") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed: the walk-through needs the QGIS desktop under Xvfb")
    base = tmp_path_factory.mktemp("walk")
    out, work = base / "out", base / "work"
    proc = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "walkthrough"), "--quick", "--lang", LANG,
                           "--out", str(out), "--work", str(work)], capture_output=True, text=True, timeout=580)
    langs = ["en", "zh_TW"] if LANG == "both" else [LANG]
    reports = {}
    for lang in langs:
        path = out / lang / "report.json"
        assert path.is_file(), proc.stdout[-3000:] + proc.stderr[-3000:]
        reports[lang] = json.loads(path.read_text(encoding="utf-8"))
    return proc, out, reports


def test_every_step_passes(walk):
    proc, _out, reports = walk
    for lang, report in reports.items():
        failed = [f"{s['name']}: {s['reason']}" for s in report["steps"] if not s["ok"]]
        assert not failed and not report.get("error"), f"{lang}: {failed or report.get('error')}\n{proc.stdout}"
        assert [s["name"] for s in report["steps"]] == STEPS
        assert report["ok"]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_qgis_and_the_plugin_speak_the_language(walk):
    _proc, _out, reports = walk
    for lang, report in reports.items():
        cjk = any("\u4e00" <= ch <= "\u9fff" for ch in report["qgis_menus"][0])
        assert cjk == (lang == "zh_TW"), report["qgis_menus"]
        assert ("訓練模型" if lang == "zh_TW" else "Train model") in report["plugin_actions"]


def test_results_lie_on_the_grey_samples_grid(walk):
    """Checked again here, outside QGIS: the colorized rasters and mosaics keep the grey photo's
    CRS, geotransform and size, and have colour bands."""
    _proc, _out, reports = walk
    for lang, report in reports.items():
        gt, size, srs, _bands = _grid(report["grey_sample"])
        outputs = report["outputs"]
        for key in ("colorized", "mosaic", "proc_colorized", "proc_mosaic"):
            out_gt, out_size, out_srs, bands = _grid(outputs[key])
            assert (out_gt, out_size) == (gt, size), f"{lang} {key}: {out_gt} {out_size} vs {gt} {size}"
            assert out_srs.IsSame(srs), f"{lang} {key}: another CRS"
            assert bands >= 3, f"{lang} {key}: {bands} bands"
        for key in ("checkpoint", "proc_checkpoint"):
            assert os.path.getsize(outputs[key]) > 0


def test_each_step_left_a_screenshot(walk):
    _proc, out, reports = walk
    for lang, report in reports.items():
        for step in report["steps"]:
            assert step["screenshots"], f"{lang} {step['name']}: no screenshot"
            for name in step["screenshots"]:
                path = out / lang / name
                assert name.startswith(f"{step['n']:02d}_") and path.is_file(), path
                with open(path, "rb") as fh:
                    assert fh.read(8) == b"\x89PNG\r\n\x1a\n", path
                assert path.stat().st_size > 5000, f"{path} is nearly empty"
