"""Many rasters, one job (issue 19, item 1): `aerocolor colorize --out-dir DIR INPUT...` through the real command."""
import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

from aerocolor.colorize.batch import read_ledger
from aerocolor.protocol import EXIT_BAD_INPUT
from conftest import REPO, run_cli, write_geotiff


def _rasters(folder, n=5, scale=1):
    os.makedirs(folder, exist_ok=True)
    paths = []
    for i in range(n):
        h, w = (60 + 17 * i) * scale, (90 + 23 * i) * scale
        arr = ((np.arange(h * w).reshape(h, w) * (i + 3)) % 251).astype(np.uint8)
        paths.append(write_geotiff(os.path.join(folder, f"frame_{i}.tif"), arr))
    return paths


def _pixels(path):
    from osgeo import gdal

    ds = gdal.Open(path)
    return ds.ReadAsArray()


def _batch(model, out_dir, *inputs, extra=(), **kw):
    return run_cli("colorize", "--model", model, "--no-overviews", "--out-dir", out_dir, *extra, *inputs,
                   timeout=300, **kw)


def _ledger(out_dir):
    with open(os.path.join(out_dir, "aerocolor-ledger.jsonl"), encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_a_batch_equals_single_runs_pixel_for_pixel(tmp_path, tiny_checkpoint):
    from aerocolor.colorize.engine import colorize

    inputs = _rasters(str(tmp_path / "in"))
    singles = []
    for p in inputs:
        singles.append(str(tmp_path / (os.path.basename(p) + ".single.tif")))
        colorize(tiny_checkpoint, p, singles[-1], overviews=False)
    out = str(tmp_path / "out")
    os.makedirs(out)
    res = _batch(tiny_checkpoint, out, str(tmp_path / "in"))
    assert res.returncode == 0, res.stderr[-2000:]
    for p, single in zip(inputs, singles):
        made = os.path.join(out, os.path.splitext(os.path.basename(p))[0] + "_colorized.tif")
        np.testing.assert_array_equal(_pixels(made), _pixels(single))
    assert [e["status"] for e in _ledger(out)] == ["done"] * 5
    assert "5 done, 0 skipped, 0 failed" in res.stderr


def test_a_killed_batch_resumes_and_skips_what_was_finished(tmp_path, tiny_checkpoint):
    """kill -9 after the first file: the rerun skips it (not written again) and does the rest."""
    inputs = _rasters(str(tmp_path / "in"), 4)
    out = str(tmp_path / "out")
    os.makedirs(out)
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "backend"))
    proc = subprocess.Popen([sys.executable, "-m", "aerocolor", "--events", "jsonl", "colorize", "--model",
                             tiny_checkpoint, "--no-overviews", "--out-dir", out, *inputs],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    first = None
    try:
        for line in proc.stdout:
            ev = json.loads(line)
            if ev["type"] == "file":
                first = ev
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        proc.kill()
        proc.wait(timeout=60)
    assert first is not None and first["status"] == "done"
    kept = os.path.getmtime(first["output"])
    res = run_cli("--events", "jsonl", "colorize", "--model", tiny_checkpoint, "--no-overviews", "--out-dir", out,
                  *inputs, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    files = [json.loads(x) for x in res.stdout.splitlines() if '"type":"file"' in x]
    assert [f["status"] for f in files] == ["skipped", "done", "done", "done"]
    assert files[0]["reason"] == "already done with this model" and os.path.getmtime(first["output"]) == kept
    assert "Resuming: 1 of 4 rasters were finished by an earlier run" in res.stderr
    assert not [f for f in os.listdir(out) if ".part" in f or f.endswith(".lock")]


def test_a_bad_file_in_the_batch_is_reported_and_the_rest_finish(tmp_path, tiny_checkpoint):
    folder = str(tmp_path / "in")
    inputs = _rasters(folder, 3)
    with open(os.path.join(folder, "frame_1b.tif"), "w") as fh:
        fh.write("a scan that did not finish copying")
    with open(os.path.join(folder, "notes.txt"), "w") as fh:
        fh.write("field notes")
    out = str(tmp_path / "out")
    os.makedirs(out)
    res = _batch(tiny_checkpoint, out, folder)
    assert res.returncode == EXIT_BAD_INPUT, res.stderr[-2000:]
    assert "3 done, 0 skipped, 1 failed" in res.stderr
    assert "failed" in res.stderr and "frame_1b.tif is not a raster" in res.stderr
    assert "not rasters are left out: notes.txt" in res.stderr
    for p in inputs:
        assert os.path.isfile(os.path.join(out, os.path.splitext(os.path.basename(p))[0] + "_colorized.tif"))
    assert not os.path.exists(os.path.join(out, "frame_1b_colorized.tif"))


def test_outputs_of_another_model_are_kept_unless_overwrite(tmp_path, tiny_checkpoint, bicycle_checkpoint):
    inputs = _rasters(str(tmp_path / "in"), 2)
    out = str(tmp_path / "out")
    os.makedirs(out)
    assert _batch(tiny_checkpoint, out, *inputs).returncode == 0
    before = [_pixels(os.path.join(out, f"frame_{i}_colorized.tif")) for i in range(2)]
    res = _batch(bicycle_checkpoint, out, *inputs)
    assert res.returncode == 0 and "0 done, 2 skipped" in res.stderr
    assert "exists (made by another model); --overwrite replaces it" in res.stderr
    for i in range(2):
        np.testing.assert_array_equal(_pixels(os.path.join(out, f"frame_{i}_colorized.tif")), before[i])
    res = _batch(bicycle_checkpoint, out, *inputs, extra=("--overwrite",))
    assert res.returncode == 0 and "2 done" in res.stderr
    assert not np.array_equal(_pixels(os.path.join(out, "frame_0_colorized.tif")), before[0])
    again = _batch(bicycle_checkpoint, out, *inputs).stderr
    assert "0 done, 2 skipped" in again and "[1/2] skipped: frame_0.tif (already done with this model)" in again


def test_a_list_file_a_pattern_and_a_mosaic(tmp_path, tiny_checkpoint):
    from osgeo import gdal

    inputs = _rasters(str(tmp_path / "in"), 3)
    listing = tmp_path / "frames.txt"
    listing.write_text("# the survey of 1975\n" + "\n".join(inputs[:2]) + "\n\n")
    out = str(tmp_path / "out")
    os.makedirs(out)
    res = _batch(tiny_checkpoint, out, extra=("--list", str(listing), "--pattern", "{stem}_1975.tif",
                                               "--mosaic", os.path.join(out, "all.vrt")))
    assert res.returncode == 0, res.stderr[-2000:]
    assert sorted(f for f in os.listdir(out) if f.endswith(".tif")) == ["frame_0_1975.tif", "frame_1_1975.tif"]
    ds = gdal.Open(os.path.join(out, "all.vrt"))
    assert ds.RasterCount == 4 and ds.GetProjection()


@pytest.mark.parametrize("case", ["same_name", "slash_pattern", "missing_list", "no_out_dir", "three_paths"])
def test_a_batch_that_cannot_be_done_is_refused_in_one_sentence(tmp_path, tiny_checkpoint, case):
    a = _rasters(str(tmp_path / "a"), 1)[0]
    b = _rasters(str(tmp_path / "b"), 1)[0]
    out = str(tmp_path / "out")
    os.makedirs(out)
    args = {"same_name": ["--out-dir", out, a, b],
            "slash_pattern": ["--out-dir", out, "--pattern", "x/{stem}.tif", a],
            "missing_list": ["--out-dir", out, "--list", str(tmp_path / "nope.txt")],
            "no_out_dir": ["--list", str(tmp_path / "nope.txt")],
            "three_paths": [a, b, str(tmp_path / "c.tif")]}[case]
    res = run_cli("colorize", "--model", tiny_checkpoint, *args, timeout=120)
    assert res.returncode == EXIT_BAD_INPUT, res.stderr[-2000:]
    last = res.stderr.strip().splitlines()[-1]
    assert last.startswith("aerocolor ") and "Traceback" not in res.stderr
    assert {"same_name": "{parent}", "slash_pattern": "not a file name", "missing_list": "Could not read the list",
            "no_out_dir": "--out-dir", "three_paths": "INPUT OUTPUT"}[case] in last
    assert os.listdir(out) == []


def _torchrun(*args, wait=True):
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "backend"), OMP_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           "-m", "aerocolor", "--", *args]
    if not wait:
        return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)


def _kill_tree(pid: int) -> None:
    """kill -9 of a process and all its descendants (torchrun's workers are not in its process group)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    todo, tree = [pid], []
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += children.get(p, [])
    for p in tree:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_largest_first_shares_balance_the_ranks():
    from aerocolor.colorize.batch import share

    pixels = {"a": 9, "b": 5, "c": 4, "d": 3, "e": 1}
    parts = share(list(pixels), pixels, 2)
    assert parts == [["a", "d"], ["b", "c", "e"]]          # 12 and 10 pixels; every file once
    assert share(list(pixels), pixels, 1) == [list(pixels)]


def test_two_gloo_ranks_give_the_outputs_of_one_process_and_one_ledger(tmp_path, tiny_checkpoint):
    inputs = _rasters(str(tmp_path / "in"), 5)
    one, two = str(tmp_path / "one"), str(tmp_path / "two")
    os.makedirs(one)
    os.makedirs(two)
    assert _batch(tiny_checkpoint, one, *inputs, extra=("--threads", "1")).returncode == 0
    res = _torchrun("colorize", "--model", tiny_checkpoint, "--no-overviews", "--threads", "1", "--device", "cpu",
                    "--out-dir", two, *inputs)
    assert res.returncode == 0, res.stderr[-3000:]
    for p in inputs:
        name = os.path.splitext(os.path.basename(p))[0] + "_colorized.tif"
        np.testing.assert_array_equal(_pixels(os.path.join(two, name)), _pixels(os.path.join(one, name)))
    assert sorted(e["input"] for e in _ledger(two)) == sorted(inputs)       # rank 1's files folded in
    assert not [f for f in os.listdir(two) if "rank" in f]
    assert res.stderr.count("5 done, 0 skipped, 0 failed") == 1             # one summary, of both ranks


def test_a_torchrun_batch_killed_midway_resumes_with_each_ranks_finished_files(tmp_path, tiny_checkpoint):
    """Both ranks are killed once rank 0 has finished a file: the rerun (one process here) skips every
    file either rank finished, from the ledger and rank 1's own ledger."""
    inputs = _rasters(str(tmp_path / "in"), 6, scale=4)     # large enough that the kill comes midway
    out = str(tmp_path / "out")
    os.makedirs(out)
    proc = _torchrun("--events", "jsonl", "colorize", "--model", tiny_checkpoint, "--no-overviews", "--threads", "1",
                     "--device", "cpu", "--batch", "1", "--out-dir", out, *inputs, wait=False)
    try:
        for line in proc.stdout:
            if '"type":"file"' in line:
                break
    finally:
        _kill_tree(proc.pid)
        proc.wait(timeout=60)
    finished = {e["input"] for e in read_ledger(out).values() if e["status"] == "done"}
    assert finished and len(finished) < len(inputs), sorted(os.listdir(out))     # killed midway
    res = run_cli("--events", "jsonl", "colorize", "--model", tiny_checkpoint, "--no-overviews", "--out-dir", out,
                  *inputs, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    files = {json.loads(x)["input"]: json.loads(x) for x in res.stdout.splitlines() if '"type":"file"' in x}
    assert {p for p, f in files.items() if f["status"] == "skipped"} == finished
    assert all(files[p]["status"] == "done" for p in inputs if p not in finished)
