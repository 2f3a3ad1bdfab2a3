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

import json
import os
import time
import traceback
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional

import numpy as np
import torch

from aerocolor.config import TrainConfig
from aerocolor.errors import AeroColorError, BadInput, Cancelled
from aerocolor.protocol import EventSink, read_events
from aerocolor.study.report import write_report
from aerocolor.study.spec import (STATUS_DONE, STATUS_FAILED, STATUS_PENDING, STATUS_SKIPPED, _abs, config_hash,
                                  load_spec)

RESULT = "result.json"


@dataclass
class StudyOptions:
    spec: str
    out: Optional[str] = None
    full: bool = False
    data: Optional[str] = None
    only: Optional[List[str]] = None
    device: Optional[str] = None
    report_only: bool = False


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
    from aerocolor.data import tone

    import torch.nn.functional as F

    from aerocolor.colorize import compose
    from aerocolor.models.checkpoint import load_generator
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
        from aerocolor.models.checkpoint import card_of
        from aerocolor.data.imageio import save_png
        from aerocolor.metrics import EvalConfig, evaluate
        from aerocolor.runtime import resolve_device
        from aerocolor.training.trainer import train

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
