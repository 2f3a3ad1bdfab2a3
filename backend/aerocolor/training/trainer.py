"""One Trainer for every model family.

The Trainer owns the data order, the schedule, the run folder, events, checkpoints and
resume; the family (models/) owns its networks and its optimisation step.

Run folder: config.json, events.jsonl, checkpoints/latest.pt (+ epoch_NNN.pt every
save_every epochs), samples/epoch_NNN.png, loss.png.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import json
import math
import os
import time
import warnings
from typing import Dict, List, Optional

import torch
from torch.utils.data import DataLoader

from aerocolor import __version__, notices
from aerocolor.models import checkpoint
from aerocolor.training.distributed import World, from_env
from aerocolor.training import finetune
from aerocolor.data import tone
from aerocolor.config import TrainConfig, save_json, to_dict
from aerocolor.data import color
from aerocolor.data.build import read_manifest
from aerocolor.data.datasets import Augment, detect_layout, open_dataset
from aerocolor.data.imageio import unreadable
from aerocolor.errors import BadInput, Cancelled
from aerocolor.models import family_class
from aerocolor.models.base import generator_multiple
from aerocolor.nets.unet import unet_depth_for
from aerocolor.training.plots import loss_plot, sample_grid
from aerocolor.protocol import EventSink
from aerocolor.runtime import CancelFlag, native_bf16, no_cancel, resolve_device, set_threads

# A discriminator loss below this counts as "collapsed" (D wins outright; the study's failure mode).
D_NEAR_ZERO = 0.05


def training_grey_quantiles(cfg: TrainConfig) -> list:
    """The clean training greys' quantiles (no film degradation), spread over the whole split."""
    plain = open_dataset(cfg.data, "train", cfg.tile, False, None, cfg.seed, cfg.stretch)
    step = max(1, len(plain.a_files) // 64)
    return tone.tiles_quantiles(plain[i]["A"].numpy() for i in range(0, len(plain.a_files), step))


def lr_factor(epoch: int, epochs: int, decay_epochs: int) -> float:
    """Full rate for `epochs`, then linear decay towards zero over `decay_epochs` (study: 100 + 100)."""
    return 1.0 - max(0, epoch + 1 - epochs) / float(decay_epochs + 1)


# Under torchrun, how often the ranks agree on a stop or a timed save (each agreement is a collective).
STOP_CHECK_STEPS = 4


def _to_cpu(obj):
    """Tensors inside dicts and lists moved to the CPU (to be gathered and saved)."""
    if isinstance(obj, torch.Tensor):
        return obj.detach().cpu()
    if isinstance(obj, dict):
        return {k: _to_cpu(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_cpu(v) for v in obj)
    return obj


def _stamp(path: str) -> list:
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns]


def _read_decoded(path: str) -> dict:
    """{file: [size, mtime_ns]} of the files that decoded whole at an earlier start of this run."""
    try:
        with open(path, encoding="utf-8") as fh:
            got = json.load(fh)
        return got if isinstance(got, dict) else {}
    except (OSError, ValueError):   # none yet, or damaged: every file is read again
        return {}


def _write_decoded(path: str, decoded: dict) -> None:
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(decoded, fh)
    os.replace(tmp, path)


class Trainer:
    def __init__(self, cfg: TrainConfig, events: Optional[EventSink] = None,
                 cancel: Optional[CancelFlag] = None, resume: bool = False, world: Optional[World] = None):
        self.cfg = cfg
        self.cancel = cancel or no_cancel()
        self.world = world or World()
        self.rank = self.world.rank
        self.is_main = self.world.main
        # Every rank's own random states and family state (CycleGAN's pools) at the last save, in rank order.
        self._rank_states: Optional[List[dict]] = None
        self.events = events or EventSink()
        self.resume = resume
        self.history: List[Dict] = []
        self.lineage: List[Dict] = []  # the models this run was fine-tuned from, nearest first
        self.grey_quantiles: Optional[list] = None  # of the clean training greys, read at the first save
        self.epoch = 0          # epochs completed
        self.step_in_epoch = 0  # batches done in the current epoch (non-zero only after a cancel)
        self.global_step = 0
        self.train_seconds = 0.0
        # Loss sums of the epoch in progress: saved with a mid-epoch checkpoint so that a
        # resumed epoch reports the same means as an uninterrupted one.
        self.acc = {"sums": {}, "d_low": 0, "n": 0}

    # -- set-up ---------------------------------------------------------------------------
    def _paths(self) -> Dict[str, str]:
        run = self.cfg.run
        return {"config": os.path.join(run, "config.json"), "events": os.path.join(run, "events.jsonl"),
                "latest": os.path.join(run, "checkpoints", "latest.pt"),
                "samples": os.path.join(run, "samples"), "loss": os.path.join(run, "loss.png"),
                "decoded": os.path.join(run, "decoded.json")}

    def _check_files_decode(self) -> None:
        """A damaged tile among good ones is found now, not at the step that meets it an hour in. Files
        that decoded before (the run folder's list, by size and modification time) are not read again,
        so a resume starts at once."""
        files = []
        for ds in (self.train_set, self.val_set):
            if ds is not None:
                files += ds.a_files + ds.b_files
        files = list(dict.fromkeys(files))
        stamps = {f: _stamp(f) for f in files}
        known = _read_decoded(self._paths()["decoded"])
        started = time.monotonic()
        bad = unreadable([f for f in files if known.get(f) != stamps[f]])
        took = time.monotonic() - started
        self._decoded = {f: stamps[f] for f in files if f not in bad}
        if bad:
            others = f", nor are {len(bad) - 1} other files ({', '.join(bad[1:4])}{', ...' if len(bad) > 4 else ''})" \
                if len(bad) > 1 else ""
            them = "them with their A/B partners" if len(bad) > 1 else "it with its A/B partner"
            raise BadInput(f"{bad[0]} is not an image that can be read whole (damaged or cut short){others}; "
                           f"remove {them}, or make the dataset again (nothing was trained).",
                           "\n".join(bad))
        if took > 5:
            notices.emit(self.events, "images_checked", "info", count=len(files), data=self.cfg.data,
                         seconds=f"{took:.0f}")

    def setup(self) -> None:
        cfg = self.cfg
        if not cfg.run:
            raise BadInput("Give a run folder with --run; checkpoints, samples and logs go there.")
        p = self._paths()
        if self.resume:
            if not os.path.isfile(p["latest"]):
                raise BadInput(f"{cfg.run} has no checkpoint to resume from; start a new run without --resume.")
        elif os.path.isfile(p["latest"]):
            raise BadInput(f"{cfg.run} already holds a run; add --resume to continue it, or choose "
                           f"another --run folder (nothing was overwritten).")
        if cfg.color_mode not in color.COLOR_MODES:
            raise BadInput(f"Unknown colour mode {cfg.color_mode!r}; choose lab or rgb.")
        if cfg.precision not in ("auto", "fp32", "bf16"):
            raise BadInput(f"Unknown precision {cfg.precision!r}; choose auto, fp32 or bf16.")
        if cfg.batch < 1 or cfg.total_epochs < 1 or cfg.repeat < 1:
            raise BadInput("Batch size, the number of epochs and --repeat must be at least 1.")
        # torchrun on one machine: share the cores between the local processes unless told.
        self.threads = set_threads(cfg.threads or max(1, (os.cpu_count() or 1) // self.world.local_size))
        self.device = resolve_device(cfg.device)
        if cfg.precision == "auto":
            # bf16 autocast: 1.5-1.7x the steps per second on CPUs with native bf16, validation L1 +1.5 %
            # (standard error 1.0 %) over 16 seeds (scripts/bench_train.py --quality --decay-share 0.5);
            # on the GPUs we measured it gained nothing for these small networks. Resolved once and
            # saved, so a resumed run keeps it.
            cfg.precision = "bf16" if self.device.type == "cpu" and native_bf16(self.device) else "fp32"
        self.device = self.world.device(self.device)
        torch.manual_seed(cfg.seed + self.rank)
        fam_cls = family_class(cfg.family)
        if not isinstance(cfg.model, fam_cls.config_cls):
            raise BadInput(f"The options given are not {cfg.family}'s options.")
        mult = generator_multiple(cfg.model.net, cfg.tile) if hasattr(cfg.model, "net") else 4
        if cfg.tile % mult:
            raise BadInput(f"The tile size {cfg.tile} must be a multiple of {mult} for this generator.")
        self.train_set = open_dataset(cfg.data, "train", cfg.tile, fam_cls.paired, Augment(), cfg.seed, cfg.stretch,
                                      cfg.film)
        # Validation needs true pairs: every family gets it when the data are paired (an unpaired
        # family trains on them as two unrelated sets but is still scored against the truth).
        self.val_set = open_dataset(cfg.data, "val", cfg.tile, True, None, cfg.seed, cfg.stretch) \
            if detect_layout(cfg.data) != "unpaired" else None
        self._check_files_decode()
        # Read one sample now so a bad file or a too-large tile fails before any training.
        self.train_set[0]
        self.family = fam_cls(cfg, self.device)
        self.manifest = read_manifest(cfg.data)
        if cfg.from_model and not self.resume:  # a resumed run takes its weights from latest.pt below
            self.lineage = finetune.start_from(cfg.from_model, self.family.nets, self.family.generator_name,
                                               finetune.data_range(self.manifest))
        self.schedulers = {
            name: torch.optim.lr_scheduler.LambdaLR(
                opt, lambda e: lr_factor(e, cfg.epochs, cfg.decay_epochs))
            for name, opt in self.family.optimizers.items()}
        if self.resume:
            self._load(p["latest"])
        self.world.broadcast_nets(self.family.nets.values())
        for opt in self.family.optimizers.values():
            self.world.average_gradients_before_step(opt)
        if self.resume and self.rank:
            self._restore_rank_state()
        if self.is_main:
            os.makedirs(os.path.join(cfg.run, "checkpoints"), exist_ok=True)
            save_json(p["config"], cfg)
            _write_decoded(p["decoded"], self._decoded)
            self.events.open_log(p["events"])
        self.steps_per_epoch = self._steps_per_epoch()
        self._fixed = self._fixed_batch()

    def _steps_per_epoch(self) -> int:
        n = math.ceil(len(self.train_set) * self.cfg.repeat / (self.cfg.batch * self.world.size))
        return min(n, self.cfg.steps_per_epoch) if self.cfg.steps_per_epoch else n

    def _fixed_batch(self) -> dict:
        """The same few tiles every epoch for the sample grid: validation tiles if any."""
        src = self.val_set if self.val_set is not None else self.train_set
        aug, src.augment = src.augment, None
        items = [src[i] for i in range(min(4, len(src)))]
        src.augment = aug
        return {k: torch.stack([it[k] for it in items]) for k in ("A", "B")}

    # -- checkpoints ----------------------------------------------------------------------
    def card(self) -> dict:
        cfg, man = self.cfg, self.manifest or {}
        net = getattr(cfg.model, "net", None)
        extent = None
        bounds = [t["bounds"] for t in man.get("tiles", []) if t.get("bounds") and t.get("split") == "train"]
        if bounds:
            crs = next((s.get("crs_authid") or s.get("crs") for s in man.get("sources", []) if s.get("crs")), None)
            extent = {"xmin": min(b[0] for b in bounds), "ymin": min(b[1] for b in bounds),
                      "xmax": max(b[2] for b in bounds), "ymax": max(b[3] for b in bounds), "crs": crs}
        gsd_units = next((s.get("gsd_units") for s in man.get("sources", []) if s.get("gsd_units")), None)
        rng = finetune.data_range(man)
        last = self.history[-1] if self.history else {}
        card = {
            "family": cfg.family,
            "color_mode": cfg.color_mode,
            "tile": cfg.tile,
            "in_channels": 1,
            "out_channels": color.output_channels(cfg.color_mode),
            "multiple": generator_multiple(net, cfg.tile) if net else 4,
            "unet_depth": (net.unet_depth or unet_depth_for(cfg.tile)) if net and net.netG == "unet" else None,
            "gsd": man.get("gsd"),
            "gsd_range": list(rng) if rng and rng[0] != rng[1] else None,  # a multi-scale training set
            "gsd_units": gsd_units or ("metre" if man.get("gsd") or rng else None),
            "grey_formula": man.get("grey_formula", color.GREY_FORMULA),
            "grey_quantiles": self._grey_quantiles(),  # for colorize's tone match (tone.py)
            "stretch": cfg.stretch.to_dict(),
            "data": {"path": os.path.abspath(cfg.data), "layout": self.train_set.layout,
                     "train_images": len(self.train_set), "val_images": len(self.val_set or []),
                     "kind": man.get("kind"), "extent": extent},
            "epoch": self.epoch,
            "total_epochs": cfg.total_epochs,
            "train_seconds": round(self.train_seconds, 1),
            "metrics": {"losses": last.get("losses", {}), "val": last.get("val", {})},
            "lineage": self.lineage,
            "train": to_dict(cfg),
            "aerocolor": __version__,
            "torch": str(torch.__version__),
            "device": str(self.device),
            # Under torchrun each rank normalises by its own batch; the running averages kept for
            # inference are averaged across ranks at every save (not SyncBatchNorm).
            **self.world.card(),
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        }
        card.update(self.family.card_extra())  # e.g. BicycleGAN's nz, so colorize can call net(x, z)
        return card

    def _grey_quantiles(self) -> list:
        """Read once, at the first checkpoint (by the rank that writes it), not at start-up."""
        if self.grey_quantiles is None:
            self.grey_quantiles = training_grey_quantiles(self.cfg)
        return self.grey_quantiles

    def _state(self) -> dict:
        several = self._rank_states if self._rank_states and len(self._rank_states) > 1 else None
        return {
            "card": self.card(),
            "generator": self.family.generator_name,
            "nets": {k: v.state_dict() for k, v in self.family.nets.items()},
            "training": {
                "optimizers": {k: v.state_dict() for k, v in self.family.optimizers.items()},
                "schedulers": {k: v.state_dict() for k, v in self.schedulers.items()},
                "epoch": self.epoch, "step_in_epoch": self.step_in_epoch,
                "global_step": self.global_step, "train_seconds": self.train_seconds,
                "rng_cpu": torch.get_rng_state(),
                "rank_states": several,   # every rank's, when several
                "rng_cpu_ranks": [s["rng_cpu"] for s in several] if several else None,
                "rng_cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
                "history": self.history,
                "epoch_acc": self.acc,
                "family_state": self.family.extra_state(),
            },
        }

    def save(self) -> str:
        p = self._paths()
        if not self.is_main:
            return p["latest"]
        state = self._state()
        checkpoint.save(p["latest"], state)
        if self.step_in_epoch == 0 and self.cfg.save_every and self.epoch % self.cfg.save_every == 0:
            checkpoint.save(os.path.join(self.cfg.run, "checkpoints", f"epoch_{self.epoch:03d}.pt"), state)
        self.events.emit("checkpoint", epoch=self.epoch, step=self.global_step, path=p["latest"])
        return p["latest"]

    def _gather_for_save(self) -> None:
        """Before a save: the batch-norm averages made equal across ranks, and every rank's random states
        and family state gathered (rank 0 writes them)."""
        self.world.average_buffers(self.family.nets.values())
        mine = {"rng_cpu": torch.get_rng_state(),
                "rng_cuda": [t.cpu() for t in torch.cuda.get_rng_state_all()] if self.device.type == "cuda" else [],
                "family_state": _to_cpu(self.family.extra_state())}
        self._rank_states = self.world.gather(mine)

    def _restore_rank_state(self) -> None:
        """A resumed rank other than 0 takes back its own random states and family state; from a
        checkpoint saved by another number of processes it gets a seed derived from its rank and step
        instead (and rank 0's family state, loaded with the nets)."""
        states = self._rank_states
        if states and len(states) == self.world.size:
            mine = states[self.rank]
            torch.set_rng_state(mine["rng_cpu"].cpu())
            if mine.get("rng_cuda") and self.device.type == "cuda":
                torch.cuda.set_rng_state_all([t.cpu() for t in mine["rng_cuda"]])
            self.family.load_extra_state(mine.get("family_state") or {})
        else:
            torch.manual_seed(self.cfg.seed * 1000003 + self.rank * 7919 + self.global_step)

    def _load(self, path: str) -> None:
        obj = checkpoint.load(path, map_location=self.device)
        if obj["card"].get("family") != self.cfg.family:
            raise BadInput(f"{path} holds a {obj['card'].get('family')} model, not {self.cfg.family}.")
        for k, net in self.family.nets.items():
            net.load_state_dict(obj["nets"][k])
        tr = obj.get("training")
        if not tr:
            raise BadInput(f"{path} is an exported model without training state; it cannot be resumed.")
        for k, opt in self.family.optimizers.items():
            opt.load_state_dict(tr["optimizers"][k])
        for k, sch in self.schedulers.items():
            sch.load_state_dict(tr["schedulers"][k])
        self.epoch, self.step_in_epoch = tr["epoch"], tr["step_in_epoch"]
        self.global_step, self.train_seconds = tr["global_step"], tr["train_seconds"]
        self.history = list(tr.get("history", []))
        self.lineage = list(obj["card"].get("lineage") or [])
        self.acc = tr.get("epoch_acc") or {"sums": {}, "d_low": 0, "n": 0}
        self.family.load_extra_state(tr.get("family_state") or {})
        torch.set_rng_state(tr["rng_cpu"].cpu())
        # Older checkpoints kept only each rank's CPU random state.
        self._rank_states = tr.get("rank_states") or (
            [{"rng_cpu": s} for s in tr["rng_cpu_ranks"]] if tr.get("rng_cpu_ranks") else None)
        if tr.get("rng_cuda") and torch.cuda.is_available():
            torch.cuda.set_rng_state_all([t.cpu() for t in tr["rng_cuda"]])

    # -- the loop -------------------------------------------------------------------------
    def _autocast(self):
        if self.cfg.precision == "bf16":
            return torch.autocast(self.device.type, dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def _order(self, epoch: int) -> List[int]:
        g = torch.Generator().manual_seed(self.cfg.seed * 1000003 + epoch)
        n = len(self.train_set)
        # With repeat > 1 an epoch passes over the data several times; each pass is its own
        # permutation, and pass r uses indices r*n.. so every crop gets its own augmentation.
        order = [r * n + i for r in range(self.cfg.repeat) for i in torch.randperm(n, generator=g).tolist()]
        order = self.world.share(order)
        if self.cfg.steps_per_epoch:
            order = order[: self.cfg.steps_per_epoch * self.cfg.batch]
        return order[self.step_in_epoch * self.cfg.batch:]

    def _loader(self, epoch: int) -> DataLoader:
        self.train_set.epoch = epoch
        # Its own generator: the loader must not draw from the global RNG the models use.
        return DataLoader(self.train_set, batch_size=self.cfg.batch, sampler=self._order(epoch),
                          num_workers=self.cfg.workers, generator=torch.Generator().manual_seed(0),
                          pin_memory=self.device.type == "cuda", persistent_workers=False)

    def validate(self) -> Dict[str, float]:
        """Mean absolute error of the colorized RGB against the truth, in [0, 1] units."""
        if self.val_set is None:
            return {}
        fam = self.family
        fam.train_mode(False)
        total, count = 0.0, 0
        n = min(len(self.val_set), self.cfg.val_max)
        loader = DataLoader(torch.utils.data.Subset(self.val_set, range(n)), batch_size=max(1, self.cfg.batch))
        with torch.no_grad(), self._autocast():
            for batch in loader:
                fam.set_input(batch)
                _, out, _ = fam.visuals()
                target = batch["B"].to(out.device).float()
                total += float((out - target).abs().mean()) * out.size(0)
                count += out.size(0)
        fam.train_mode(True)
        return {"L1": total / max(count, 1)}

    def run(self) -> str:
        """Train to the end (or until cancelled); returns the path of latest.pt."""
        cfg, fam = self.cfg, self.family
        total_steps = cfg.total_epochs * self.steps_per_epoch
        self.events.emit("hello", tool="train", version=__version__, torch=str(torch.__version__),
                         device=str(self.device), run=os.path.abspath(cfg.run), threads=self.threads,
                         family=cfg.family, resumed=self.resume, epoch=self.epoch)
        fam.train_mode(True)
        last_report = 0.0
        last_save = time.monotonic()
        while self.epoch < cfg.total_epochs:
            epoch = self.epoch
            acc = self.acc
            sums: Dict[str, float] = acc["sums"]
            t_epoch = time.perf_counter()
            for batch in self._loader(epoch):
                t0 = time.perf_counter()
                fam.set_input(batch)
                with self._autocast():
                    losses = fam.optimize()
                self.train_seconds += time.perf_counter() - t0
                self.step_in_epoch += 1
                self.global_step += 1
                acc["n"] += 1
                for k, v in losses.items():
                    sums[k] = sums.get(k, 0.0) + v
                d_terms = [v for k, v in losses.items() if k.startswith("D") and k.endswith(("_real", "_fake"))]
                if d_terms and cfg.model is not None and getattr(cfg.model, "gan_mode", "") != "wgangp" \
                        and sum(d_terms) / len(d_terms) < D_NEAR_ZERO:
                    acc["d_low"] += 1
                now = time.perf_counter()
                if now - last_report >= 1.0 or self.step_in_epoch == self.steps_per_epoch:
                    last_report = now
                    done = epoch * self.steps_per_epoch + self.step_in_epoch
                    rate = self.train_seconds / max(self.global_step, 1)
                    self.events.emit("progress", stage="train", epoch=epoch + 1, epochs=cfg.total_epochs,
                                     step=self.step_in_epoch, steps=self.steps_per_epoch,
                                     fraction=round(done / total_steps, 5),
                                     eta_s=round(rate * (total_steps - done)), losses=losses)
                cancelled = self.cancel.is_set()
                due = bool(cfg.save_minutes) and time.monotonic() - last_save >= cfg.save_minutes * 60 \
                    and self.step_in_epoch < self.steps_per_epoch  # an epoch's end saves anyway
                # Decided by all ranks together, every few steps and at the epoch's end.
                cancelled, due = self.world.agree(
                    (cancelled, due),
                    now=self.global_step % STOP_CHECK_STEPS == 0 or self.step_in_epoch == self.steps_per_epoch)
                if due and not cancelled:  # within the epoch, as a stop does: a resume continues from here
                    self._gather_for_save()
                    self.save()
                    last_save = time.monotonic()
                if cancelled:
                    self._gather_for_save()
                    self.save()
                    raise Cancelled(f"Training stopped at epoch {epoch + 1}, step {self.step_in_epoch}; "
                                    f"resume with --resume --run {cfg.run}.")
            with warnings.catch_warnings():
                # A net left out of training (pix2pix's D at --lambda-gan 0) never steps its optimiser.
                warnings.filterwarnings("ignore", message="Detected call of `lr_scheduler.step()`")
                for sch in self.schedulers.values():
                    sch.step()
            self.epoch += 1
            self.step_in_epoch = 0
            self.acc = {"sums": {}, "d_low": 0, "n": 0}
            sums = self.world.mean(sums)
            self._gather_for_save()
            val = self.validate() if self.is_main else {}
            n_steps = max(acc["n"], 1)
            record = {"epoch": self.epoch, "losses": {k: v / n_steps for k, v in sums.items()},
                      "val": val, "d_near_zero": acc["d_low"] / n_steps,
                      "seconds": round(time.perf_counter() - t_epoch, 2),
                      "lr": {k: s.get_last_lr()[0] for k, s in self.schedulers.items()}}
            self.history.append(record)
            if self.is_main:
                self.events.emit("metrics", epoch=self.epoch, step=self.global_step, losses=record["losses"],
                                 val=val, d_near_zero=record["d_near_zero"], lr=record["lr"])
                self._pictures()
                self.save()
            last_save = time.monotonic()
        self.world.barrier()
        return self._paths()["latest"]

    def _pictures(self) -> None:
        p = self._paths()
        fam = self.family
        fam.train_mode(False)
        with torch.no_grad(), self._autocast():
            fam.set_input(self._fixed)
            grey, out, target = fam.visuals()
        if self.val_set is not None:  # the fixed tiles are true pairs: show the truth for every family
            target = self._fixed["B"].float()
        fam.train_mode(True)
        path = sample_grid(os.path.join(p["samples"], f"epoch_{self.epoch:03d}.png"), grey, out, target)
        self.events.emit("sample", epoch=self.epoch, path=path)
        loss_plot(p["loss"], self.history)


def train(cfg: TrainConfig, events: Optional[EventSink] = None, cancel: Optional[CancelFlag] = None,
          resume: bool = False) -> str:
    """Train a model as configured; returns the path of the final checkpoint."""
    if resume:
        saved = os.path.join(cfg.run, "config.json")
        if os.path.isfile(saved):
            with open(saved, encoding="utf-8") as fh:
                stored = TrainConfig.from_dict(json.load(fh))
            # The run's own settings win; only where and how fast it runs may change.
            stored.device, stored.threads, stored.workers = cfg.device, cfg.threads, cfg.workers
            cfg = stored
    world = from_env()
    world.start(cfg.device)
    if not world.main:
        events = EventSink()  # only rank 0 reports and writes the run folder
    try:
        trainer = Trainer(cfg, events, cancel, resume, world=world)
        trainer.setup()
        return trainer.run()
    finally:
        world.stop()
