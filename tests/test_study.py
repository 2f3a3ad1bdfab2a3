"""The study runner: a two-variant tiny study runs, a rerun skips what is finished, the report
has a row per variant, a family that is not there is skipped with the reason; seed-six parses."""
from __future__ import annotations

import json
import os

import pytest

from aerocolor.config import TrainConfig
from aerocolor.errors import BadInput
from aerocolor.study.runner import StudyOptions, run_study
from aerocolor.study.spec import load_spec
from conftest import REPO, run_cli
from test_metrics import _register_tiny

SPEC = """
[study]
name = "tiny"
title = "Tiny study"
[data]
path = "{data}"
[evaluate]
max_tiles = 4
sample_tiles = 2
kid_subsets = 10
feature_extractor = "{tiny}"
[base]
family = "pix2pix"
tile = 64
batch = 2
epochs = 1
decay_epochs = 1
steps_per_epoch = 2
threads = 2
val_max = 2
save_every = 0
[base.model.net]
ngf = 8
ndf = 8
[[question]]
id = "q3"
title = "RGB or Lab"
variants = ["lab", "rgb", "later"]
[variants.lab]
label = "Lab target"
color_mode = "lab"
[variants.rgb]
label = "RGB target"
color_mode = "rgb"
[variants.later]
label = "a family still to come"
family = "pix3pix"
"""


@pytest.fixture(scope="module")
def study_spec(tmp_path_factory):
    root = tmp_path_factory.mktemp("study")
    data = str(root / "data")
    proc = run_cli("dataset", "--synthetic", "12", "--out", data, "--tile", "64", "--seed", "2")
    assert proc.returncode == 0, proc.stderr
    spec = root / "tiny.toml"
    spec.write_text(SPEC.format(data=data, tiny=_register_tiny()))
    return str(spec), str(root / "out")


def test_tiny_study_runs_resumes_and_reports(study_spec):
    spec, out = study_spec
    said = []
    first = run_study(StudyOptions(spec=spec, out=out, device="cpu"), say=said.append)
    assert first["status"] == {"lab": "done", "rgb": "done", "later": "skipped"}
    res = {}
    for name in ("lab", "rgb"):
        with open(os.path.join(out, "variants", name, "result.json")) as fh:
            res[name] = json.load(fh)
        m = res[name]["metrics"]
        assert m["fid"]["images"] == [m["pred"]["images"], m["ref"]["images"]] and m["fid"]["value"] > 0
        assert res[name]["train_seconds"] > 0 and len(res[name]["history"]) == 2
        assert 0.0 <= res[name]["d_near_zero"] <= 1.0
        assert len(os.listdir(os.path.join(out, "variants", name, "pred"))) == m["pred"]["images"]
    assert res["lab"]["metrics"]["fid"]["value"] != res["rgb"]["metrics"]["fid"]["value"]

    # A second run trains nothing: the checkpoints and events stay as they were.
    ckpt = os.path.join(out, "variants", "lab", "run", "checkpoints", "latest.pt")
    stamp = os.path.getmtime(ckpt)
    events = open(os.path.join(out, "variants", "lab", "run", "events.jsonl")).read()
    second = run_study(StudyOptions(spec=spec, out=out, device="cpu"), say=said.append)
    assert second["status"] == first["status"]
    assert os.path.getmtime(ckpt) == stamp
    assert open(os.path.join(out, "variants", "lab", "run", "events.jsonl")).read() == events
    assert not any("training" in line for line in said[len(said) // 2:])

    md = open(second["report_md"], encoding="utf-8").read()
    table = [line for line in md.splitlines() if line.startswith("| ")]
    for name in ("lab", "rgb", "later"):
        assert sum(line.startswith(f"| {name} |") for line in table) == 2  # all-variants and question tables
    assert "not available in this AeroColor yet" in md
    n = res["lab"]["metrics"]["pred"]["images"]
    assert f"scored on the same {n} test tiles" in md and f"FID rests on {n} and {n} images" in md
    # Colourfulness is judged against the truth's, and KID comes with its spread.
    assert f"colourfulness is {res['lab']['metrics']['colourfulness']['ref']['mean']:.1f}" in md
    # Two test tiles: each KID subset is the whole set, so a spread of 0 would mislead and is not shown.
    kid = res["lab"]["metrics"]["kid"]
    assert kid["subset_size"] == min(kid["images"]) and "spread is 0" in kid["note"]
    assert f"| {100 * kid['mean']:.2f} |" in md and "±" not in md
    report_dir = os.path.dirname(second["report_md"])
    for png in ("losses_q3.png", "samples_q3.png"):
        assert os.path.getsize(os.path.join(report_dir, png)) > 1000
    html = open(second["report_html"], encoding="utf-8").read()
    assert html.count("<table>") == 2 and 'src="samples_q3.png"' in html


def test_changed_settings_are_not_mixed_with_old_results(study_spec, tmp_path):
    spec, _ = study_spec
    out = str(tmp_path / "out")       # its own study folder: the test stands alone
    assert run_study(StudyOptions(spec=spec, out=out, device="cpu", only=["lab"]))["status"]["lab"] == "done"
    changed = tmp_path / "changed.toml"
    changed.write_text(open(spec).read().replace("steps_per_epoch = 2", "steps_per_epoch = 3"))
    res = run_study(StudyOptions(spec=str(changed), out=out, device="cpu", only=["lab"]))
    assert res["status"]["lab"] == "failed"
    with open(os.path.join(out, "variants", "lab", "result.json")) as fh:
        assert json.load(fh)["status"] == "done"  # the old result is kept, not overwritten


def test_cli_study_report_only_and_bad_spec(study_spec, tmp_path):
    spec, out = study_spec
    proc = run_cli("study", spec, "--out", out, "--report-only")
    assert proc.returncode == 0, proc.stderr
    assert os.path.isfile(os.path.join(out, "report", "report.html"))
    bad = tmp_path / "bad.toml"
    bad.write_text("[variants.a]\nfamily = 'pix2pix'\n[[question]]\nid = 'q'\nvariants = ['b']\n")
    proc = run_cli("study", str(bad), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "no [variants.b] table" in proc.stderr


@pytest.mark.parametrize("full", [False, True])
def test_seed_six_names_six_questions_of_valid_variants(full):
    spec = load_spec(os.path.join(REPO, "studies", "seed-six.toml"), full)
    assert [q["id"] for q in spec["questions"]] == ["q1", "q2", "q3", "q4", "q5", "q6"]
    families = set()
    for name, v in spec["variants"].items():
        cfg = TrainConfig.from_dict({**v["config"], "data": "d", "run": "r"})  # unknown options would raise
        families.add(cfg.family)
        assert cfg.tile == (256 if full else 128)
    assert families == {"pix2pix", "cut", "fastcut", "bicyclegan"}
    with pytest.raises(BadInput):
        load_spec(os.path.join(REPO, "studies", "missing.toml"))


def test_kid_spread_is_shown_only_when_subsets_differ():
    from aerocolor.study.report import COLUMNS

    kid_cell = dict(COLUMNS)["KID x100"]
    some = {"mean": 0.0123, "std": 0.0045, "images": [40, 40], "subset_size": 20}
    assert kid_cell({"metrics": {"kid": some}}) == "1.23 ± 0.45"
    assert kid_cell({"metrics": {"kid": {**some, "subset_size": 40, "std": 0.0}}}) == "1.23"
