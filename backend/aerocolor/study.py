"""`aerocolor study SPEC.toml`: train a grid of variants, score each on the same test tiles,
and write a report (Markdown and HTML with PNGs).

A spec (TOML) holds:
  [study]      name, title, description
  [data]       path = an existing dataset, or sources = rasters/folders to tile, or synthetic = K
               (+ tile, stride, block, val, test, seed); paths are relative to the spec file
  [evaluate]   max_tiles, sample_tiles, kid_subset_size, is_splits, batch, weights, is_classifier
  [base]       TrainConfig overrides every variant starts from (family options under base.model)
  [full]       with --full (the study's own scale): overrides that win over [base] and the variants
  [[question]] id, title, ask, variants = [names]
  [variants.NAME]  overrides of one variant on [base] (+ label, and a [variants.NAME.full] table
               applied last with --full)

Study folder: study.json, data/ (when built), eval/inputs + eval/reference (the test tiles),
variants/NAME/{variant.json, run/, pred/, result.json}, report/{report.md, report.html, *.png}.
A variant with a result.json whose settings match is finished and skipped; one with a
checkpoint but no result resumes training. A variant whose family is not in this AeroColor is
skipped with the reason; one that fails is recorded and the study goes on.
"""
from __future__ import annotations

import copy
import hashlib
import html
import json
import math
import os
import time
import traceback
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional

import numpy as np
import torch

from aerocolor.config import TrainConfig
from aerocolor.errors import AeroColorError, BadInput, Cancelled
from aerocolor.plots import save_figure
from aerocolor.protocol import EventSink, read_events

RESULT = "result.json"
STATUS_DONE, STATUS_SKIPPED, STATUS_FAILED, STATUS_PENDING = "done", "skipped", "failed", "pending"
# Keys of a variant table that describe it rather than configure training.
VARIANT_META = ("label", "full")


@dataclass
class StudyOptions:
    spec: str
    out: Optional[str] = None
    full: bool = False
    data: Optional[str] = None
    only: Optional[List[str]] = None
    device: Optional[str] = None
    report_only: bool = False


# -- the spec ------------------------------------------------------------------------------
def deep_merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else copy.deepcopy(v)
    return out


def load_spec(path: str, full: bool = False) -> dict:
    """Read and check a study spec; each variant gets its resolved training overrides."""
    import tomllib

    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise BadInput(f"The study file {path} does not exist; see studies/seed-six.toml for an example.") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path} is not valid TOML ({exc}); fix the line it names.") from None
    known = {"study", "data", "evaluate", "base", "full", "question", "variants"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise BadInput(f"{path} has an unknown section [{unknown[0]}]; known: {', '.join(sorted(known))}.")
    variants = raw.get("variants") or {}
    if not variants:
        raise BadInput(f"{path} names no variants; add [variants.NAME] tables.")
    questions = raw.get("question") or [{"id": "all", "title": "All variants", "variants": list(variants)}]
    for q in questions:
        for name in q.get("variants", []):
            if name not in variants:
                raise BadInput(f"{path}: question {q.get('id')!r} names the variant {name!r}, which has no "
                               f"[variants.{name}] table.")
    base = raw.get("base") or {}
    full_over = raw.get("full") or {}
    full_train = {k: v for k, v in full_over.items() if k not in ("data", "evaluate")}
    resolved = {}
    for name, table in variants.items():
        # base, then the variant; with --full the study's scale wins over both, and the
        # variant's own [variants.NAME.full] table has the last word.
        cfg = deep_merge(base, {k: v for k, v in table.items() if k not in VARIANT_META})
        if full:
            cfg = deep_merge(deep_merge(cfg, full_train), table.get("full") or {})
        resolved[name] = {"label": table.get("label", name), "config": cfg}
    spec_dir = os.path.dirname(os.path.abspath(path))
    data = deep_merge(raw.get("data") or {}, (full_over.get("data") or {}) if full else {})
    evaluate = deep_merge(raw.get("evaluate") or {}, (full_over.get("evaluate") or {}) if full else {})
    study = raw.get("study") or {}
    return {"name": study.get("name") or os.path.splitext(os.path.basename(path))[0],
            "title": study.get("title", ""), "description": study.get("description", ""),
            "scale": "full" if full else "cpu", "spec_path": os.path.abspath(path), "spec_dir": spec_dir,
            "data": data, "evaluate": evaluate, "questions": questions, "variants": resolved}


def _abs(spec: dict, p: str) -> str:
    return p if os.path.isabs(p) else os.path.normpath(os.path.join(spec["spec_dir"], p))


def config_hash(cfg: dict) -> str:
    """What makes a variant's results what they are (not where or how fast it ran)."""
    keep = {k: v for k, v in cfg.items() if k not in ("device", "threads", "workers", "run")}
    return hashlib.sha256(json.dumps(keep, sort_keys=True, default=str).encode()).hexdigest()[:16]


# -- data ----------------------------------------------------------------------------------
def prepare_data(spec: dict, out: str, override: Optional[str], say: Callable[[str], None]) -> str:
    """The dataset folder every variant trains on: given, or built once into OUT/data."""
    from aerocolor.data.build import DatasetConfig, build_dataset, build_synthetic, read_manifest

    d = spec["data"]
    if override:
        return override
    if d.get("path"):
        return _abs(spec, d["path"])
    target = os.path.join(out, "data")
    if read_manifest(target):
        return target
    cfg = DatasetConfig(out=target, tile=int(d.get("tile", 256)), stride=d.get("stride"),
                        layout=d.get("layout", "pairs"), val_fraction=float(d.get("val", 0.1)),
                        test_fraction=float(d.get("test", 0.1)), block=int(d.get("block", 4)),
                        seed=int(d.get("seed", 0)))
    if os.path.isdir(target) and not os.listdir(target):
        os.rmdir(target)
    if d.get("synthetic"):
        say(f"study: making {d['synthetic']} synthetic scenes in {target}")
        build_synthetic(int(d["synthetic"]), cfg)
    elif d.get("sources"):
        sources = [_abs(spec, s) for s in d["sources"]]
        missing = [s for s in sources if not os.path.exists(s)]
        if missing:
            hint = d.get("fetch", "")
            raise BadInput(f"The study's data {missing[0]} does not exist; " +
                           (f"fetch it with {hint} first." if hint else "give a dataset with --data."))
        say(f"study: cutting {', '.join(sources)} into tiles in {target}")
        build_dataset(sources, cfg)
    else:
        raise BadInput("The study's [data] needs path, sources or synthetic; or give --data.")
    return target


def test_tiles(data: str, max_tiles: int) -> tuple:
    """(names, grey arrays, colour arrays or None, split used): evenly spaced test tiles."""
    from aerocolor.data.datasets import detect_layout, split_files
    from aerocolor.data.imageio import read_image, to_grey

    layout = detect_layout(data)
    for split in ("test", "val"):
        a_files, b_files = split_files(data, layout, split)
        if a_files:
            break
    else:
        raise BadInput(f"{data} has no test or validation tiles to score the variants on; make the "
                       f"dataset with --test above 0.")
    idx = np.unique(np.linspace(0, len(a_files) - 1, min(max_tiles, len(a_files))).round().astype(int))
    names, greys, colours = [], [], []
    for i in idx:
        if layout == "aligned":
            img, _ = read_image(a_files[i])
            w = img.shape[1] // 2
            grey, colour = to_grey(img[:, :w]), img[:, w:]
        else:
            grey = to_grey(read_image(a_files[i])[0])
            colour = read_image(b_files[i])[0] if layout == "pairs" else None
        names.append(os.path.splitext(os.path.basename(a_files[i]))[0])
        greys.append(grey)
        colours.append(colour)
    if layout == "unpaired":  # no ground truth per tile: the colour set stands as the reference
        colours = None
    return names, greys, colours, split


# -- one variant ---------------------------------------------------------------------------
def colorize_tiles(checkpoint: str, greys: List[np.ndarray], device: torch.device,
                   batch: int = 4, seed: int = 0, tone_match: bool = False) -> List[np.ndarray]:
    """Colorize grey tiles (H, W, 1) in [0, 1] with a checkpoint; RGB (H, W, 3) in [0, 1] back.

    Sides are mirror-padded to the generator's multiple and cropped back. A generator that
    takes a latent code gets a fixed random one per tile (seeded), so reruns agree. With
    tone_match each tile is a photo of its own: the model sees its greys mapped to the card's.
    """
    from aerocolor import tone

    import torch.nn.functional as F

    from aerocolor import compose
    from aerocolor.checkpoint import load_generator
    from aerocolor.data import color

    card, net = load_generator(checkpoint, device)
    mode, mult = card["color_mode"], int(card.get("multiple") or 1)
    trained = tone.model_quantiles(card) if tone_match else None
    nz = int(getattr(net, "nz", 0) or 0)
    gen = torch.Generator().manual_seed(seed)
    outs = []
    with torch.no_grad():
        i = 0
        while i < len(greys):
            h, w = greys[i].shape[:2]
            j = i + 1  # a batch of consecutive tiles of one size
            while j < len(greys) and j - i < batch and greys[j].shape[:2] == (h, w):
                j += 1
            chunk, i = greys[i:j], j
            grey = torch.from_numpy(np.stack([g.transpose(2, 0, 1) for g in chunk])).float().to(device)
            seen = grey if trained is None else torch.from_numpy(np.stack([
                tone.apply(g, tone.tone_map(tone.grey_quantiles(g), trained)).transpose(2, 0, 1)
                for g in chunk])).float().to(device)
            x = color.model_input(seen, mode)
            ph, pw = (-h) % mult, (-w) % mult
            if ph or pw:
                x = F.pad(x, (0, pw, 0, ph), mode="reflect" if max(ph, pw) < min(h, w) else "replicate")
            if nz:
                out = net(x, torch.randn(x.size(0), nz, generator=gen).to(device))
            else:
                out = net(x)
            out = out[:, :, :h, :w]
            rgb = compose.model_output_to_rgb(out, grey, mode)
            outs += [t.permute(1, 2, 0).cpu().numpy() for t in rgb]
    return outs


def _history(run: str) -> List[dict]:
    """Per-epoch records from the run's metrics events (a resumed epoch counts once)."""
    by_epoch = {}
    for ev in read_events(os.path.join(run, "events.jsonl")):
        if ev.get("type") == "metrics" and ev.get("epoch") is not None:
            by_epoch[ev["epoch"]] = ev
    return [by_epoch[k] for k in sorted(by_epoch)]


def _d_near_zero(history: List[dict], gan_mode: Optional[str]) -> Optional[float]:
    if gan_mode == "wgangp":
        return None  # a critic's loss has no floor at zero; the share means nothing there
    vals = [h["d_near_zero"] for h in history if h.get("d_near_zero") is not None]
    return float(np.mean(vals)) if vals else None


class StudyRunner:
    def __init__(self, opts: StudyOptions, events: Optional[EventSink] = None, cancel=None,
                 say: Callable[[str], None] = lambda m: None):
        from aerocolor.runtime import no_cancel

        self.opts = opts
        self.spec = load_spec(opts.spec, opts.full)
        self.out = opts.out or os.path.join("runs", f"study-{self.spec['name']}" + ("-full" if opts.full else ""))
        self.events = events or EventSink()
        self.cancel = cancel or no_cancel()
        self.say = say
        self.status: Dict[str, dict] = {}

    def names(self) -> List[str]:
        names = list(self.spec["variants"])
        if self.opts.only:
            unknown = [n for n in self.opts.only if n not in names]
            if unknown:
                raise BadInput(f"The study has no variant {unknown[0]!r}; it has {', '.join(names)}.")
            names = [n for n in names if n in self.opts.only]
        return names

    def _vdir(self, name: str) -> str:
        return os.path.join(self.out, "variants", name)

    def _write_json(self, path: str, obj) -> None:
        tmp = path + ".part"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, indent=2, default=str)
        os.replace(tmp, path)

    def run(self) -> dict:
        os.makedirs(self.out, exist_ok=True)
        names = self.names()
        self._write_json(os.path.join(self.out, "study.json"), {k: v for k, v in self.spec.items()})
        self.data = None
        if not self.opts.report_only:
            self.data = prepare_data(self.spec, self.out, self.opts.data, self.say)
            self._prepare_eval()
        try:
            for i, name in enumerate(names):
                self.events.emit("progress", stage="study", step=i, steps=len(names), fraction=round(i / len(names), 4),
                                 variant=name)
                self.status[name] = self._variant(name) if not self.opts.report_only else self._read_result(name)
                self.say(f"study: [{i + 1}/{len(names)}] {name}: {self.status[name]['status']}"
                         + (f" ({self.status[name]['reason']})" if self.status[name].get("reason") else ""))
        finally:
            for name in names:
                self.status.setdefault(name, self._read_result(name))
            paths = write_report(self.out, self.spec, names, self.status)
        self.events.emit("progress", stage="study", step=len(names), steps=len(names), fraction=1.0)
        return {"report_md": paths[0], "report_html": paths[1], "status": {k: v["status"] for k, v in self.status.items()}}

    # -- evaluation set, shared by all variants ----------------------------------------------
    def _prepare_eval(self) -> None:
        from aerocolor.data.imageio import save_png

        ev = self.spec["evaluate"]
        names, greys, colours, split = test_tiles(self.data, int(ev.get("max_tiles", 32)))
        self.eval_split = split
        self.eval_names, self.eval_greys = names, greys
        self.inputs_dir = os.path.join(self.out, "eval", "inputs")
        self.ref_dir = os.path.join(self.out, "eval", "reference")
        for d in (self.inputs_dir, self.ref_dir):
            os.makedirs(d, exist_ok=True)
        for n, g in zip(names, greys):
            save_png(os.path.join(self.inputs_dir, n + ".png"), g)
        if colours is not None:
            for n, c in zip(names, colours):
                save_png(os.path.join(self.ref_dir, n + ".png"), c)
        else:
            from aerocolor.data.datasets import split_files
            from aerocolor.data.imageio import read_image

            for p in split_files(self.data, "unpaired", split)[1]:
                save_png(os.path.join(self.ref_dir, os.path.basename(os.path.splitext(p)[0]) + ".png"),
                         read_image(p)[0])

    # -- one variant --------------------------------------------------------------------------
    def _read_result(self, name: str) -> dict:
        path = os.path.join(self._vdir(name), RESULT)
        try:
            with open(path, encoding="utf-8") as fh:
                return json.load(fh)
        except (FileNotFoundError, ValueError):
            return {"status": STATUS_PENDING, "reason": "not run yet"}

    def _variant(self, name: str) -> dict:
        from aerocolor.models import FAMILIES

        v = self.spec["variants"][name]
        cfg_dict = dict(v["config"])
        family = cfg_dict.get("family", "pix2pix")
        vdir = self._vdir(name)
        if family not in FAMILIES:
            return {"status": STATUS_SKIPPED, "family": family, "label": v["label"],
                    "reason": f"the family {family!r} is not available in this AeroColor yet "
                              f"(available: {', '.join(FAMILIES)})"}
        run = os.path.join(vdir, "run")
        cfg_dict.update(data=self.data, run=run, family=family)
        if self.opts.device:
            cfg_dict["device"] = self.opts.device
        digest = config_hash({**cfg_dict, "data": os.path.abspath(self.data)})
        prev = self._read_result(name)
        if prev.get("status") == STATUS_DONE:
            if prev.get("config_hash") == digest:
                prev["skipped_rerun"] = True
                return prev
            return {"status": STATUS_FAILED, "family": family, "label": v["label"],
                    "reason": f"its settings changed since it ran; delete {vdir} to run it again "
                              f"or choose another --out"}
        os.makedirs(vdir, exist_ok=True)
        try:
            cfg = TrainConfig.from_dict(cfg_dict)
            result = self._train_and_score(name, v, cfg, digest)
        except Cancelled:
            raise Cancelled(f"The study stopped during {name}; run the same command again to resume "
                            f"(finished variants are kept).") from None
        except AeroColorError as exc:
            result = {"status": STATUS_FAILED, "family": family, "label": v["label"], "reason": exc.message}
        except Exception as exc:  # noqa: BLE001 - one broken variant must not end an hour-long study
            with open(os.path.join(vdir, "error.txt"), "w", encoding="utf-8") as fh:
                fh.write(traceback.format_exc())
            result = {"status": STATUS_FAILED, "family": family, "label": v["label"],
                      "reason": f"{type(exc).__name__}: {exc} (traceback in {vdir}/error.txt)"}
        if result["status"] == STATUS_DONE:
            self._write_json(os.path.join(vdir, RESULT), result)
        return result

    def _train_and_score(self, name: str, v: dict, cfg: TrainConfig, digest: str) -> dict:
        from aerocolor.checkpoint import card_of
        from aerocolor.data.imageio import save_png
        from aerocolor.metrics import EvalConfig, evaluate
        from aerocolor.runtime import resolve_device
        from aerocolor.train import train

        vdir = self._vdir(name)
        marker = os.path.join(vdir, "variant.json")
        latest = os.path.join(cfg.run, "checkpoints", "latest.pt")
        if os.path.isfile(latest):
            try:
                with open(marker, encoding="utf-8") as fh:
                    started = json.load(fh).get("config_hash")
            except (FileNotFoundError, ValueError):
                started = None
            if started != digest:
                raise BadInput(f"{cfg.run} holds a run with other settings; delete {vdir} to run it again.")
        else:
            self._write_json(marker, {"config_hash": digest, "config": cfg.to_dict()})
        # A variant's own events go to its run folder (and to stdout, for a watching plugin).
        sink = EventSink(self.events.stream)
        try:
            t0 = time.perf_counter()
            if os.path.isfile(latest):
                card = card_of(latest)
                if card.get("epoch", 0) < cfg.total_epochs:
                    self.say(f"study: {name}: resuming at epoch {card.get('epoch')}")
                    train(cfg, sink, self.cancel, resume=True)
            else:
                self.say(f"study: {name}: training {cfg.family} ({cfg.total_epochs} epochs)")
                train(cfg, sink, self.cancel)
            wall = time.perf_counter() - t0
        finally:
            sink.close()
        card = card_of(latest)
        ev = self.spec["evaluate"]
        device = resolve_device(cfg.device)
        preds = colorize_tiles(latest, self.eval_greys, device, seed=cfg.seed)
        pred_dir = os.path.join(vdir, "pred")
        os.makedirs(pred_dir, exist_ok=True)
        for n, img in zip(self.eval_names, preds):
            save_png(os.path.join(pred_dir, n + ".png"), img)
        self.say(f"study: {name}: scoring {len(preds)} tiles")
        report = evaluate(EvalConfig(
            pred=pred_dir, ref=self.ref_dir, device=cfg.device,
            weights=_abs(self.spec, ev["weights"]) if ev.get("weights") else None,
            is_classifier=_abs(self.spec, ev["is_classifier"]) if ev.get("is_classifier") else None,
            feature_extractor=ev.get("feature_extractor"),
            kid_subset_size=int(ev.get("kid_subset_size", 1000)), kid_subsets=int(ev.get("kid_subsets", 100)),
            is_splits=int(ev.get("is_splits", 10)),
            batch=int(ev.get("batch", 16))))
        history = _history(cfg.run)
        gan_mode = getattr(cfg.model, "gan_mode", None)
        steps = card.get("train", {}).get("steps_per_epoch")
        return {
            "status": STATUS_DONE, "family": cfg.family, "label": v["label"], "config_hash": digest,
            "config": cfg.to_dict(), "checkpoint": latest, "pred_dir": pred_dir,
            "eval_split": self.eval_split, "metrics": report,
            "train_seconds": card.get("train_seconds"), "wall_seconds": round(wall, 1),
            "epochs": card.get("epoch"), "steps_per_epoch": steps,
            "gan_mode": gan_mode, "d_near_zero": _d_near_zero(history, gan_mode),
            "history": [{"epoch": h["epoch"], "losses": h.get("losses", {}), "val": h.get("val") or {},
                         "d_near_zero": h.get("d_near_zero")} for h in history],
            "final_losses": (card.get("metrics") or {}).get("losses", {}),
            "val": (card.get("metrics") or {}).get("val", {}),
        }


def run_study(opts: StudyOptions, events: Optional[EventSink] = None, cancel=None,
              say: Callable[[str], None] = lambda m: None) -> dict:
    """Run (or resume) a study and write its report; returns the report paths and statuses."""
    return StudyRunner(opts, events, cancel, say).run()


# -- the report ----------------------------------------------------------------------------
def _fmt(x, nd=3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:.{nd}f}"


def _kid_spread_means_something(kid: dict) -> bool:
    """KID's spread over subsets; when a subset is the whole smaller set, every subset is alike and it is 0."""
    images = kid.get("images") or [0]
    return kid.get("std") is not None and kid.get("subset_size", 0) < min(images)


COLUMNS = [  # (header, function of a done result -> text)
    ("FID", lambda r: _fmt(r["metrics"].get("fid", {}).get("value"), 1)),
    ("KID x100", lambda r: (f"{_fmt(100 * r['metrics']['kid']['mean'], 2)} ± {_fmt(100 * r['metrics']['kid']['std'], 2)}"
                            if _kid_spread_means_something(r["metrics"]["kid"]) else
                            _fmt(100 * r["metrics"]["kid"]["mean"], 2)) if "kid" in r["metrics"] else "n/a"),
    ("IS", lambda r: _fmt(r["metrics"]["is"].get("mean"), 2) if r["metrics"].get("is", {}).get("available") else "n/a"),
    ("PSNR dB", lambda r: _fmt(r["metrics"].get("paired", {}).get("psnr"), 2)),
    ("SSIM", lambda r: _fmt(r["metrics"].get("paired", {}).get("ssim"), 3)),
    ("CIEDE2000", lambda r: _fmt(r["metrics"].get("paired", {}).get("ciede2000"), 2)),
    ("colourfulness", lambda r: _fmt(r["metrics"]["colourfulness"]["pred"]["mean"], 1)),
    ("val L1", lambda r: _fmt((r.get("val") or {}).get("L1"), 4)),
    ("D near 0", lambda r: "n/a (critic)" if r.get("gan_mode") == "wgangp" else
     (f"{100 * r['d_near_zero']:.0f} %" if r.get("d_near_zero") is not None else "n/a")),
    ("train s", lambda r: _fmt(r.get("train_seconds"), 0)),
]


def _table_rows(names: List[str], status: Dict[str, dict]) -> List[List[str]]:
    rows = []
    for n in names:
        r = status[n]
        base = [n, r.get("label", n), r.get("family", "")]
        if r.get("status") == STATUS_DONE:
            rows.append(base + [fn(r) for _, fn in COLUMNS])
        else:
            rows.append(base + [f"{r.get('status')}: {r.get('reason', '')}"] + [""] * (len(COLUMNS) - 1))
    return rows


def _loss_figure(path: str, names: List[str], status: Dict[str, dict]) -> Optional[str]:
    """Generator (top) and discriminator (bottom) losses per epoch, one column per variant."""
    done = [n for n in names if status[n].get("status") == STATUS_DONE and status[n].get("history")]
    if not done:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, len(done), figsize=(3.6 * len(done), 5.4), squeeze=False)
    for j, n in enumerate(done):
        hist = status[n]["history"]
        epochs = [h["epoch"] for h in hist]
        keys = sorted({k for h in hist for k in h["losses"]})
        for row, keep in ((0, lambda k: not k.startswith("D")), (1, lambda k: k.startswith("D"))):
            ax = axes[row][j]
            for k in filter(keep, keys):
                ax.plot(epochs, [h["losses"].get(k, np.nan) for h in hist], marker=".", label=k)
            ax.set_title(f"{n}: {'G' if row == 0 else 'D'}", fontsize=9)
            ax.set_xlabel("epoch", fontsize=8)
            ax.tick_params(labelsize=7)
            if ax.lines:
                ax.legend(fontsize=7)
    return save_figure(fig, path, dpi=80)


def _sample_figure(path: str, out: str, names: List[str], status: Dict[str, dict], count: int) -> Optional[str]:
    """The same input tiles (rows) through each variant (columns), between input and truth."""
    from aerocolor.data.imageio import list_images, read_image, save_png

    done = [n for n in names if status[n].get("status") == STATUS_DONE]
    inputs = list_images(os.path.join(out, "eval", "inputs"))
    if not done or not inputs:
        return None
    picks = [inputs[i] for i in np.unique(np.linspace(0, len(inputs) - 1, min(count, len(inputs))).astype(int))]
    thumb = 128
    rows = []
    for p in picks:
        stem = os.path.splitext(os.path.basename(p))[0]
        cells = [p] + [os.path.join(status[n]["pred_dir"], stem + ".png") for n in done] + \
                [os.path.join(out, "eval", "reference", stem + ".png")]
        row = []
        for c in cells:
            img = read_image(c)[0] if os.path.isfile(c) else np.ones((thumb, thumb, 3), np.float32)
            img = np.repeat(img, 3, 2) if img.shape[2] == 1 else img
            t = torch.from_numpy(img.transpose(2, 0, 1))[None]
            t = torch.nn.functional.interpolate(t, size=(thumb, thumb), mode="area")[0]
            row += [t.permute(1, 2, 0).numpy(), np.ones((thumb, 3, 3), np.float32)]
        rows += [np.concatenate(row[:-1], 1), np.ones((3, (thumb + 3) * len(cells) - 3, 3), np.float32)]
    save_png(path, np.concatenate(rows[:-1], 0))
    return path


def _findings(names: List[str], status: Dict[str, dict]) -> List[str]:
    """One line per measure: which variant of the question did best, on how many images."""
    done = [n for n in names if status[n].get("status") == STATUS_DONE]
    if len(done) < 2:
        return []
    lines = []
    for title, get, better in (
            ("FID", lambda r: r["metrics"].get("fid", {}).get("value"), min),
            ("KID", lambda r: r["metrics"].get("kid", {}).get("mean"), min),
            ("CIEDE2000", lambda r: r["metrics"].get("paired", {}).get("ciede2000"), min),
            ("SSIM", lambda r: r["metrics"].get("paired", {}).get("ssim"), max)):
        vals = {n: get(status[n]) for n in done if get(status[n]) is not None}
        if len(vals) >= 2:
            best = better(vals, key=vals.get)
            n_img = status[best]["metrics"]["pred"]["images"]
            lines.append(f"{title}: best {best} ({vals[best]:.4g}; others "
                         + ", ".join(f"{k} {v:.4g}" for k, v in vals.items() if k != best) + f"; {n_img} tiles)")
    collapsed = [n for n in done if (status[n].get("d_near_zero") or 0) > 0.2]
    if collapsed:
        lines.append("discriminator loss near zero in over 20 % of steps (the study's collapse): " + ", ".join(collapsed))
    return lines


def write_report(out: str, spec: dict, names: List[str], status: Dict[str, dict]) -> tuple:
    """report.md and report.html (with PNGs) in OUT/report; returns their paths."""
    rdir = os.path.join(out, "report")
    os.makedirs(rdir, exist_ok=True)
    ev = spec["evaluate"]
    done = [n for n in names if status[n].get("status") == STATUS_DONE]
    first = status[done[0]]["metrics"] if done else None
    headers = ["variant", "what", "family"] + [h for h, _ in COLUMNS]
    md: List[str] = [f"# Study: {spec['title'] or spec['name']}", ""]
    if spec.get("description"):
        md += [spec["description"].strip(), ""]
    md += [f"Scale: **{spec['scale']}** ({'the study’s own settings' if spec['scale'] == 'full' else 'reduced to run on a CPU'}). "
           f"Variants: {len(done)} done, {sum(status[n]['status'] == STATUS_SKIPPED for n in names)} skipped, "
           f"{sum(status[n]['status'] == STATUS_FAILED for n in names)} failed, "
           f"{sum(status[n]['status'] == STATUS_PENDING for n in names)} not run."]
    if first:
        net = first.get("feature_network") or {}
        n_pred, n_ref = first["pred"]["images"], first["ref"]["images"]
        is_note = (f"IS with {first['is']['classifier']['description']}, {first['is'].get('splits')} splits"
                   if first.get("is", {}).get("available") else f"IS unavailable: {first.get('is', {}).get('reason')}")
        md += ["", f"Every variant is scored on the same {n_pred} test tiles against their {n_ref} ground-truth "
                   f"colour tiles (split: {status[done[0]].get('eval_split')}). FID and KID use "
                   f"{net.get('description', 'the feature network')} [{net.get('source', '')}]. {is_note}.",
               "", "Warnings on the figures' reliability:", ""]
        md += [f"- {w}" for w in first.get("warnings", [])] or ["- none"]
        ref_c = (first.get("colourfulness") or {}).get("ref", {}).get("mean")
        if ref_c is not None:
            md += ["", f"The ground-truth tiles' colourfulness is {ref_c:.1f}: a variant's colourfulness is best "
                       f"near it, not at its highest."]
    md += ["", "## All variants", "", "Each figure rests on the test tiles above; KID is shown x100 (with its "
           "spread over subsets when the subsets are smaller than the set); 'D near 0' is the "
           "share of training steps whose discriminator loss was below 0.05; 'train s' is the time spent in "
           "optimisation steps.", ""]

    def md_table(ns: List[str]) -> List[str]:
        rows = _table_rows(ns, status)
        return ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)] + \
            ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in rows]

    md += md_table(names)
    figures: List[tuple] = []
    for q in spec["questions"]:
        qn = [n for n in q.get("variants", []) if n in names]
        if not qn:
            continue
        qid = str(q.get("id", "q"))
        md += ["", f"## {qid}: {q.get('title', '')}", ""]
        if q.get("ask"):
            md += [q["ask"].strip(), ""]
        md += md_table(qn)
        found = _findings(qn, status)
        if found:
            md += [""] + [f"- {line}" for line in found]
        loss = _loss_figure(os.path.join(rdir, f"losses_{qid}.png"), qn, status)
        if loss:
            md += ["", f"Loss curves per epoch (generator above, discriminator below):", "",
                   f"![losses {qid}]({os.path.basename(loss)})"]
        grid = _sample_figure(os.path.join(rdir, f"samples_{qid}.png"), out, qn, status, int(ev.get("sample_tiles", 4)))
        if grid:
            cols = ", ".join(["grey input"] + [n for n in qn if status[n].get("status") == STATUS_DONE] + ["ground truth"])
            md += ["", f"The same test tiles through each variant (columns: {cols}):", "",
                   f"![samples {qid}]({os.path.basename(grid)})"]
        figures.append((qid, loss, grid))
    md += ["", f"Made by `aerocolor study {os.path.relpath(spec['spec_path'])}`"
               f"{' --full' if spec['scale'] == 'full' else ''}; per-variant runs and scores are in `variants/`."]
    md_path = os.path.join(rdir, "report.md")
    _atomic_text(md_path, "\n".join(md) + "\n")
    html_path = os.path.join(rdir, "report.html")
    _atomic_text(html_path, _markdown_to_html(md, spec))
    return md_path, html_path


def _atomic_text(path: str, text: str) -> None:
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _inline(text: str) -> str:
    import re

    t = html.escape(text)
    t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", t)


def _markdown_to_html(lines: List[str], spec: dict) -> str:
    """The small subset of Markdown the report uses: headings, lists, tables, images, text."""
    body, i = [], 0
    while i < len(lines):
        ln = lines[i]
        if ln.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                if not lines[i].startswith("|---"):
                    rows.append([c.strip() for c in lines[i].strip("|").split(" | ")])
                i += 1
            body.append("<table><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in rows[0]) + "</tr>" +
                        "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in rows[1:]) +
                        "</table>")
            continue
        if ln.startswith("- "):
            items = []
            while i < len(lines) and lines[i].startswith("- "):
                items.append(f"<li>{_inline(lines[i][2:])}</li>")
                i += 1
            body.append("<ul>" + "".join(items) + "</ul>")
            continue
        if ln.startswith("!["):
            alt, src = ln[2:].split("](")
            body.append(f'<p><img src="{html.escape(src.rstrip(")"))}" alt="{html.escape(alt)}"></p>')
        elif ln.startswith("## "):
            body.append(f"<h2>{_inline(ln[3:])}</h2>")
        elif ln.startswith("# "):
            body.append(f"<h1>{_inline(ln[2:])}</h1>")
        elif ln.strip():
            body.append(f"<p>{_inline(ln)}</p>")
        i += 1
    style = ("body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}"
             "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #bbb;padding:3px 6px}"
             "th{background:#eee}img{max-width:100%}")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(spec['title'] or spec['name'])}"
            f"</title><style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
