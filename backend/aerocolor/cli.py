"""The `aerocolor` command: one subcommand per capability, each a thin layer over a function.

Every subcommand ends with exit code 0 (done), 1 (internal error), 2 (bad input) or
3 (cancelled). With --events jsonl, events go to stdout as JSON lines (protocol.py);
human messages always go to stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from typing import Callable, List, Optional

from aerocolor import __version__
from aerocolor.errors import AeroColorError, BadInput
from aerocolor.protocol import EXIT_INTERNAL, EXIT_OK, EventSink, stdout_sink


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _progress_printer(events: EventSink, label: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        events.emit("progress", stage=label, step=done, steps=total, fraction=round(done / max(total, 1), 4))
        if events.stream is None and (done == total or done % max(1, total // 10) == 0):
            _say(f"{label}: {done}/{total}")
    return report


# -- dataset ----------------------------------------------------------------------------
def _add_dataset(sub) -> None:
    p = sub.add_parser("dataset", help="cut colour rasters, image folders or scanned survey frames into a "
                                       "training set")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--from", dest="sources", nargs="+", metavar="SRC", help="colour rasters or folders")
    src.add_argument("--synthetic", type=int, metavar="K", help="make K synthetic aerial scenes instead")
    src.add_argument("--frames", nargs="+", metavar="FRAME",
                     help="scanned colour survey frames without georeferencing: the picture is found inside "
                          "the border, marks and data strips, and cut into pairs at --scales")
    src.add_argument("--merge", nargs="+", metavar="DATASET",
                     help="join datasets already made (several places, frames beside orthophotos) into one; "
                          "every tile keeps its split")
    p.add_argument("--repeats", metavar="K,K", help="with --merge: how many times each dataset's training "
                   "tiles are listed, e.g. 1,8 so a small set is not drowned by a large one")
    p.add_argument("--out", required=True, help="new, empty folder for the dataset")
    p.add_argument("--tile", type=int, default=256, help="tile side in pixels (default 256)")
    p.add_argument("--stride", type=int, help="step between tiles (default: the tile size)")
    p.add_argument("--layout", choices=("aligned", "pairs", "unpaired"), default="pairs",
                   help="pairs: grey and colour tiles in A/ and B/ (default); aligned: one A|B image per tile; "
                   "unpaired: the two sides as unrelated sets (CycleGAN, CUT)")
    p.add_argument("--val", type=float, default=0.1, help="share of spatial blocks for validation")
    p.add_argument("--test", type=float, default=0.1, help="share of spatial blocks for testing")
    p.add_argument("--block", type=int, help="tiles per side of a split block (default 4; for frames 2, "
                   "counted at the coarsest scale)")
    p.add_argument("--seed", type=int, default=0, help="seed of the split of blocks into train, val and test")
    p.add_argument("--gsd", type=float, metavar="M",
                   help="ground resolution in m/px of sources that carry no georeferencing")
    f = p.add_argument_group("survey frames (--frames, --historical, --frame-table)")
    f.add_argument("--historical", nargs="+", metavar="FRAME",
                   help="grey frames tiled into historical/ for looking at and distribution metrics, "
                        "never for training")
    f.add_argument("--frame-table", metavar="CSV", help="per-frame columns file,gsd[,crop][,group]; without "
                   "--frames or --historical, its colour frames make pairs and its grey ones historical tiles")
    f.add_argument("--scales", metavar="M,M", help="ground resolutions to tile at, in m/px, e.g. 0.5,1,2 "
                   "(default: each frame at its own); scales finer than a frame's own are skipped")
    f.add_argument("--upsample", action="store_true", default=None,
                   help="also cut scales finer than a frame's own m/px")
    f.add_argument("--split-by", choices=("block", "frame", "group"),
                   help="block (default): blocks of ground within each frame; frame or group: whole frames")
    f.add_argument("--val-frames", nargs="+", metavar="NAME", help="frames (file or stem) or groups that go "
                   "whole to val")
    f.add_argument("--test-frames", nargs="+", metavar="NAME", help="frames or groups that go whole to test")
    f.add_argument("--block-m", type=float, metavar="M", help="side of a split block in metres (default: "
                   "--block tiles at the coarsest scale)")
    f.add_argument("--crop", metavar="X0,Y0,X1,Y1", help="picture box in frame pixels, for every frame the "
                   "frame table gives none, instead of finding it")
    f.add_argument("--margin", type=float, help="share of a found picture's size taken off each side "
                   "(default 0.02)")
    p.set_defaults(handler=_run_dataset)


def _run_merge(args, events: EventSink, report) -> int:
    from aerocolor.data.merge import merge_datasets

    given = [k for k in _FRAME_FLAGS + ("historical", "stride", "block", "gsd") if getattr(args, k) is not None]
    if given:
        raise BadInput(f"--{given[0].replace('_', '-')} does not apply to --merge: the tiles are taken as "
                       f"their datasets cut them.")
    try:
        repeats = [int(r) for r in args.repeats.split(",")] if args.repeats else None
    except ValueError:
        raise BadInput(f"--repeats {args.repeats} is not a list of whole numbers such as 1,8.") from None
    man = merge_datasets(args.merge, args.out, repeats, report)
    counts = man["counts"]
    scales = f" at {', '.join(f'{s:g}' for s in man['scales'])} m/px" if man.get("scales") else ""
    _say(f"dataset: {args.out}: train {counts['train']}, val {counts['val']}, test {counts['test']} tiles "
         f"from {len(args.merge)} datasets{scales}")
    events.emit("result", ok=True, outputs={"dataset": args.out, "counts": counts})
    return EXIT_OK


_FRAME_FLAGS = ("scales", "upsample", "split_by", "val_frames", "test_frames", "block_m", "crop", "margin",
                "frame_table")  # FramesConfig fields, named as their flags


def _run_dataset(args, events: EventSink) -> int:
    from aerocolor.data.build import DatasetConfig, build_dataset, build_synthetic

    common = dict(out=args.out, tile=args.tile, stride=args.stride, layout=args.layout,
                  val_fraction=args.val, test_fraction=args.test, block=args.block, seed=args.seed,
                  gsd=args.gsd)
    common = {k: v for k, v in common.items() if v is not None}  # the config dataclasses hold the defaults
    report = _progress_printer(events, "dataset")
    if args.merge:
        return _run_merge(args, events, report)
    if args.repeats:
        raise BadInput("--repeats goes with --merge.")
    framed = args.frames or args.historical or args.frame_table
    given = [k for k in _FRAME_FLAGS + ("historical",) if getattr(args, k) is not None]
    if args.sources is None and args.synthetic is None and not framed:
        raise BadInput("Give the sources: --from rasters or folders, --synthetic K, or survey frames with "
                       "--frames, --historical or --frame-table.")
    if framed and (args.sources is not None or args.synthetic is not None):
        raise BadInput("--historical and --frame-table go with --frames, not with --from or --synthetic.")
    if not framed and given:
        raise BadInput(f"--{given[0].replace('_', '-')} applies to survey frames only (--frames, --historical "
                       f"or --frame-table).")
    if framed:
        from aerocolor.data.frames import FramesConfig, build_frames, parse_box, parse_scales

        opts = {k: getattr(args, k) for k in _FRAME_FLAGS if getattr(args, k) is not None}
        if "scales" in opts:
            opts["scales"] = parse_scales(opts["scales"])
        if "crop" in opts:
            opts["crop"] = list(parse_box(opts["crop"]))
        man = build_frames(args.frames or [], args.historical or [], FramesConfig(**common, **opts), report)
    elif args.synthetic is not None:
        man = build_synthetic(args.synthetic, DatasetConfig(**common), report)
    else:
        man = build_dataset(args.sources, DatasetConfig(**common), report)
    counts = man["counts"]
    hist = f", historical {counts['historical']}" if counts.get("historical") else ""
    scales = f" at {', '.join(f'{s:g}' for s in man['scales'])} m/px" if man.get("scales") else ""
    _say(f"dataset: {args.out}: train {counts['train']}, val {counts['val']}, test {counts['test']}{hist} tiles "
         f"({args.layout}){scales}; skipped {man['skipped'] or 'none'}")
    events.emit("result", ok=True, outputs={"dataset": args.out, "counts": counts})
    return EXIT_OK


# -- train ------------------------------------------------------------------------------
def _add_train(sub) -> None:
    from aerocolor.models import FAMILIES

    p = sub.add_parser("train", help="train a colorization model")
    config_flags: List[str] = []  # flags that set a TrainConfig field of the same name, as given

    def field(*names, **kw) -> None:
        config_flags.append(p.add_argument(*names, **kw).dest)

    p.add_argument("--family", choices=sorted(FAMILIES), help="model family (default: pix2pix, or the "
                   "--from-model checkpoint's)")
    field("--data", help="dataset folder (from 'aerocolor dataset' or your own)")
    field("--run", required=True, help="run folder: config, checkpoints, samples, logs")
    p.add_argument("--resume", action="store_true", help="continue the run in --run from its last checkpoint")
    p.add_argument("--config", help="JSON file of a TrainConfig (flags given here override it)")
    p.add_argument("--from-model", metavar="CKPT", help="fine-tune: start from this checkpoint's weights and "
                   "architecture ('default': the bundled default model); give your own --data and schedule")
    field("--color-mode", choices=("lab", "rgb"), help="lab (default): the model predicts a*b* from L "
                   "and the output keeps the photo's own L; rgb: it predicts all three channels")
    field("--epochs", type=int, help="epochs at the full learning rate")
    field("--decay-epochs", type=int, help="then epochs of linear decay of the learning rate to zero")
    field("--steps-per-epoch", type=int, help="cap batches per epoch (quick trials)")
    field("--repeat", type=int, help="passes over the data per epoch (few large tiles: more random crops)")
    field("--tile", type=int, help="side in pixels of the training crops (the model's tile)")
    field("--batch", type=int, help="tiles per training step")
    field("--lr-g", type=float, help="Adam learning rate of the generator (and encoder or MLP)")
    field("--lr-d", type=float, help="Adam learning rate of the discriminators")
    field("--seed", type=int, help="seed of the weights, crops and augmentation")
    field("--device", help="auto (default), cpu, cuda or cuda:N")
    field("--threads", type=int, help="CPU threads (default: all cores)")
    field("--precision", choices=("auto", "fp32", "bf16"),
                   help="auto (default): bf16 autocast on CPUs with native bf16 (AVX512-BF16 or AMX), else fp32")
    field("--channels-last", action="store_true", default=None,
                   help="channels-last memory layout (faster convolutions on some CPUs and GPUs)")
    field("--workers", type=int, help="data loading processes (default 0: in the training process)")
    field("--save-every", type=int, help="keep a numbered checkpoint every N epochs")
    field("--save-minutes", type=float, metavar="M", help="also write latest.pt within an epoch every M "
                   "minutes (default 10; 0: at epoch ends only), so a crash loses minutes, not an epoch")
    p.add_argument("--film", action=argparse.BooleanOptionalAction, default=None,
                   help="degrade the grey inputs like historical film scans while training (default: on "
                        "for new runs; tune with --set film.p_grain=0.8 and the like)")
    _add_model_flags(p).add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE",
        help="any other family option, e.g. --set lambda_nce=2, or a film option, e.g. "
             "--set film.grain_max=0.08 (JSON values)")
    p.set_defaults(handler=_run_train, config_flags=tuple(config_flags))


def _comma_list(value: str) -> List[str]:
    return value.split(",")


def _add_model_flags(p):
    """The network and family options, generated from their dataclasses in family_options.py, which
    hold each option's help, choices and defaults; returns the family options' group."""
    from aerocolor.family_options import train_options

    groups = {True: p.add_argument_group("network options (families that use them)"),
              False: p.add_argument_group("family options")}
    for o in train_options():
        kw: dict = {"dest": o.name, "default": None, "help": _option_help(o)}
        if o.kind is bool:
            kw["action"] = "store_false" if o.flag.startswith("--no-") else argparse.BooleanOptionalAction
        else:
            kw["type"] = _comma_list if o.kind is tuple else o.kind
            if o.kind is tuple:
                kw["metavar"] = "NAME,NAME"
            if o.choices:
                kw["choices"] = o.choices
        groups[o.net].add_argument(o.flag, **kw)
    return groups[False]


def _option_help(o) -> str:
    """The option's line, led by the families that declare it unless all do, and ended by its defaults."""
    from aerocolor.family_options import FAMILIES, TITLES

    def shown(v) -> str:
        return ("on" if v else "off") if isinstance(v, bool) else f"{v:g}" if isinstance(v, float) else str(v)

    by_value: dict = {}
    for family, v in o.defaults.items():
        if v is not None:
            by_value.setdefault(shown(v), []).append(TITLES[family])
    if len(by_value) == 1:
        note = f" (default {next(iter(by_value))})"
    elif by_value:
        note = " (default " + ", ".join(f"{v} for {'/'.join(fams)}" for v, fams in by_value.items()) + ")"
    else:
        note = ""
    scope = "" if set(o.families) == set(FAMILIES) else "/".join(TITLES[f] for f in o.families) + ": "
    return (scope + o.help + note).replace("%", "%%")    # argparse reads % in help as a format


def train_config_from_args(args) -> "TrainConfig":
    """Defaults, then a --config file, then the flags: later wins, and all of it is saved."""
    from aerocolor.config import TrainConfig
    from aerocolor.family_options import train_options
    from aerocolor.models import family_class

    base: dict = {}
    if args.config:
        try:
            with open(args.config, encoding="utf-8") as fh:
                base = json.load(fh)
        except (OSError, ValueError) as exc:
            raise BadInput(f"Could not read the config {args.config}: {exc}; give a JSON TrainConfig.") from None
    if args.family:
        base["family"] = args.family
    if args.color_mode:
        base["color_mode"] = args.color_mode
    if args.from_model and not args.resume:  # a resumed run keeps what it began with
        from aerocolor.assets import default_model
        from aerocolor.training.finetune import base_config

        base = base_config(default_model() if args.from_model == "default" else args.from_model, base)
    base.setdefault("family", "pix2pix")
    model = dict(base.pop("model", None) or {})
    for k in args.config_flags:
        v = getattr(args, k, None)
        if v is not None:
            base[k] = v
    # A new run trains on film-like inputs unless told not to. Fill the key in here: from_dict
    # reads a config without one as a run from before film augmentation, and keeps it off.
    film = dict(base.get("film") or {})
    if args.film is not None:
        film["enabled"] = args.film
    family_class(base["family"])  # an unknown family is refused here, before its flags are checked
    net = dict(model.get("net") or {})
    for o in train_options():
        v = getattr(args, o.name, None)
        if v is not None:
            if base["family"] not in o.families:
                raise BadInput(f"{o.flag} does not apply to {base['family']}.")
            (net if o.net else model)[o.name] = v
    if net:
        model["net"] = net
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise BadInput(f"--set {item}: write KEY=VALUE, e.g. --set lambda_nce=2.")
        target = model
        if key.startswith("film."):
            target, key = film, key[len("film."):]
        try:
            target[key] = json.loads(value)
        except ValueError:
            target[key] = value
    base["model"] = model
    base["film"] = film
    cfg = TrainConfig.from_dict(base)
    if not args.resume and not cfg.data:
        raise BadInput("Give the dataset folder with --data (make one with 'aerocolor dataset').")
    return cfg


def _run_train(args, events: EventSink) -> int:
    from aerocolor.runtime import CancelFlag
    from aerocolor.training.trainer import train

    cfg = train_config_from_args(args)
    bar = None
    if events.stream is None:
        bar = _TqdmEvents()
        events = _Tee(events, bar)
    with CancelFlag(watch_stdin=True) as cancel:
        try:
            path = train(cfg, events, cancel, resume=args.resume)
        finally:
            if bar:
                bar.close()
    if os.environ.get("RANK", "0") == "0":  # under torchrun, rank 0 speaks for all
        _say(f"train: done; model in {path}")
        events.emit("result", ok=True, outputs={"checkpoint": path, "run": cfg.run})
    return EXIT_OK


class _TqdmEvents:
    """Shows training events as a progress bar for people at a terminal."""

    def __init__(self):
        self.bar = None

    def emit(self, type_: str, **fields) -> None:
        if type_ == "progress" and fields.get("stage") == "train":
            from tqdm import tqdm

            total = fields["epochs"] * fields["steps"]
            if self.bar is None:
                self.bar = tqdm(total=total, unit="step", file=sys.stderr, dynamic_ncols=True)
            self.bar.n = int(round(fields["fraction"] * total))
            self.bar.set_description(f"epoch {fields['epoch']}/{fields['epochs']}")
            self.bar.set_postfix({k: f"{v:.3g}" for k, v in (fields.get("losses") or {}).items()}, refresh=False)
            self.bar.refresh()
        elif type_ == "metrics" and self.bar is not None:
            self.bar.write(f"epoch {fields['epoch']}: " + ", ".join(
                f"{k} {v:.4g}" for k, v in {**fields.get("losses", {}), **(fields.get("val") or {})}.items()
                if v is not None))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class _Tee:
    """An EventSink that also feeds a second listener (the progress bar)."""

    def __init__(self, sink: EventSink, other):
        self.sink, self.other = sink, other
        self.stream = sink.stream

    def emit(self, type_: str, **fields):
        self.other.emit(type_, **fields)
        return self.sink.emit(type_, **fields)

    def open_log(self, path: str) -> None:
        self.sink.open_log(path)

    def close(self) -> None:
        self.sink.close()


# -- info -------------------------------------------------------------------------------
def _add_info(sub) -> None:
    p = sub.add_parser("info", help="show a checkpoint's card, or the installation")
    p.add_argument("checkpoint", nargs="?", help="a checkpoint (.pt) or ONNX export (.onnx); without one, this "
                   "installation's versions, whether CUDA is there, and the thread count")
    p.add_argument("--json", action="store_true", help="print it as JSON")
    p.set_defaults(handler=_run_info)


def _run_info(args, events: EventSink) -> int:
    if args.checkpoint is None:
        import torch

        info = {"aerocolor": __version__, "torch": torch.__version__,
                "cuda": torch.cuda.is_available(), "threads": torch.get_num_threads()}
        print(json.dumps(info, indent=2) if args.json else "\n".join(f"{k:10s} {v}" for k, v in info.items()))
        return EXIT_OK
    from aerocolor.colorize import onnx_model
    from aerocolor.models.checkpoint import format_card, load

    if onnx_model.is_onnx(args.checkpoint):
        card = onnx_model.read_card(args.checkpoint)
        print(json.dumps(card, indent=2) if args.json else format_card(card))
        return EXIT_OK
    obj = load(args.checkpoint)
    card = obj["card"]
    print(json.dumps(card, indent=2) if args.json else format_card(card, list(obj["nets"])))
    return EXIT_OK


# -- evaluate ---------------------------------------------------------------------------
def _add_evaluate(sub) -> None:
    p = sub.add_parser("evaluate", help="score colorized images: FID, KID, IS, PSNR, SSIM, CIEDE2000")
    p.add_argument("--pred", required=True, help="colorized images: a folder or a raster (cut into tiles)")
    p.add_argument("--ref", required=True, help="ground-truth colour images: a folder or a raster")
    p.add_argument("--tile", type=int, default=256, help="tile size for rasters")
    p.add_argument("--weights", help="FID feature network file (default: found offline, see the docs)")
    p.add_argument("--is-classifier", help="classifier for IS: Inception-v3 weights or a TorchScript file")
    p.add_argument("--no-is", dest="inception_score", action="store_false", help="skip the Inception Score")
    p.add_argument("--no-paired", dest="paired", action="store_false", help="skip PSNR, SSIM and CIEDE2000")
    p.add_argument("--kid-subset-size", type=int, default=1000, help="images per KID subset (at most the smaller set)")
    p.add_argument("--is-splits", type=int, default=10, help="groups the Inception Score is averaged over")
    p.add_argument("--batch", type=int, default=16, help="images per pass of the feature network")
    p.add_argument("--device", default="auto", help="auto (default), cpu, cuda or cuda:N")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=_run_evaluate)


def _run_evaluate(args, events: EventSink) -> int:
    from aerocolor.metrics import EvalConfig, evaluate, format_report

    cfg = EvalConfig(pred=args.pred, ref=args.ref, tile=args.tile, weights=args.weights,
                     is_classifier=args.is_classifier, inception_score=args.inception_score, paired=args.paired,
                     kid_subset_size=args.kid_subset_size, is_splits=args.is_splits, batch=args.batch,
                     device=args.device)
    report = evaluate(cfg, _progress_printer(events, "evaluate"))
    if events.stream is None:
        print(json.dumps(report, indent=2) if args.json else format_report(report))
    events.emit("result", ok=True, outputs={"report": report})
    return EXIT_OK


# -- study ------------------------------------------------------------------------------
def _add_study(sub) -> None:
    p = sub.add_parser("study", help="train and score a grid of variants; write a Markdown/HTML report")
    p.add_argument("spec", help="study file (TOML), e.g. studies/seed-six.toml")
    p.add_argument("--out", help="study folder (default: runs/study-NAME); a second run resumes it")
    p.add_argument("--full", action="store_true", help="the study's full scale instead of the CPU scale")
    p.add_argument("--data", help="use this dataset folder instead of the one the spec builds")
    p.add_argument("--only", nargs="+", metavar="VARIANT", help="run only these variants")
    p.add_argument("--device", help="auto, cpu, cuda or cuda:N for every variant")
    p.add_argument("--report-only", action="store_true", help="write the report from finished variants")
    p.set_defaults(handler=_run_study)


def _run_study(args, events: EventSink) -> int:
    from aerocolor.runtime import CancelFlag
    from aerocolor.study.runner import StudyOptions, run_study

    opts = StudyOptions(spec=args.spec, out=args.out, full=args.full, data=args.data, only=args.only,
                        device=args.device, report_only=args.report_only)
    with CancelFlag(watch_stdin=True) as cancel:
        result = run_study(opts, events, cancel, say=_say)
    _say(f"study: report in {result['report_md']}")
    events.emit("result", ok=True, outputs={"report": result["report_md"], "html": result["report_html"],
                                             "variants": result["status"]})
    return EXIT_OK


def _add_export(sub) -> None:
    p = sub.add_parser("export", help="write an inference-only copy of a checkpoint (to share or bundle), or "
                                      "its generator as ONNX (--onnx)")
    p.add_argument("checkpoint", help="the checkpoint to export (a training run's latest.pt, for example)")
    p.add_argument("output", help="the inference-only checkpoint to write (.pt), or with --onnx the ONNX model (.onnx)")
    p.add_argument("--onnx", action="store_true", help="write the generator as ONNX (32-bit, the model's tile, any "
                   "batch, the card in its metadata), which 'aerocolor colorize --model OUT.onnx' runs through "
                   "onnxruntime; needs the onnx extra")
    p.add_argument("--fp32", action="store_true", help="keep 32-bit weights (default: 16-bit)")
    p.add_argument("--all-nets", action="store_true", help="keep every network, the discriminator too, so that "
                   "'aerocolor train --from-model' on the copy starts with a trained discriminator")
    p.set_defaults(handler=_run_export)


def _run_export(args, events: EventSink) -> int:
    import os

    from aerocolor.colorize import onnx_model

    if args.onnx:
        if args.all_nets:
            raise BadInput("--all-nets keeps networks for training, and an ONNX export holds the generator "
                           "alone; drop one of them.")
        onnx_model.export(args.checkpoint, args.output)
    else:
        if onnx_model.is_onnx(args.output):
            raise BadInput(f"{args.output} is named as an ONNX model; add --onnx to write one, or name a "
                           f"checkpoint with .pt.")
        from aerocolor.models.checkpoint import export

        export(args.checkpoint, args.output, half=not args.fp32, all_nets=args.all_nets)
    size = os.path.getsize(args.output) / 2 ** 20
    _say(f"export: {args.output} ({size:.1f} MiB)")
    events.emit("result", ok=True, outputs={"onnx" if args.onnx else "checkpoint": args.output})
    return EXIT_OK


def _add_calibrate(sub) -> None:
    p = sub.add_parser("calibrate", help="fit a Lab model's chroma calibration on its dataset, so that colour "
                       "falls back toward grey on scenes unlike its training")
    p.add_argument("checkpoint", help="a Lab model's checkpoint, not calibrated yet")
    p.add_argument("output", help="the calibrated checkpoint to write (the input is left as it is)")
    p.add_argument("--data", required=True, help="the dataset the model was trained on (train and val splits)")
    p.add_argument("--gain-data", metavar="DATASET", help="fit the chroma gain on every tile of this dataset "
                   "instead of --data's val split: frames of other years or places the model did not train on, "
                   "so the gain says how its colour holds away from its training")
    p.add_argument("--max-tiles", type=int, default=256, help="tiles of each split to read")
    p.add_argument("--max-gain", type=float, default=1.0, help="the largest chroma gain allowed (default 1: colour "
                   "only ever weakened). The gain is the least-squares one on the val tiles, so it passes 1 only "
                   "where the model's colour is too weak there as a whole")
    p.set_defaults(handler=_run_calibrate)


def _run_calibrate(args, events: EventSink) -> int:
    from aerocolor.training.calibrate import calibrate

    calib = calibrate(args.checkpoint, args.data, args.output, max_tiles=args.max_tiles, gain_data=args.gain_data,
                      max_gain=args.max_gain)
    _say(f"calibrate: {args.output} (chroma gain {calib['gain']:g})")
    events.emit("result", ok=True, outputs={"checkpoint": args.output}, gain=calib["gain"])
    return EXIT_OK


# -- colorize and mosaic ----------------------------------------------------------------
def _add_colorize(sub) -> None:
    p = sub.add_parser("colorize", help="colorize grey rasters (GeoTIFF, VRT, ...) into colour GeoTIFFs",
                       usage="%(prog)s [options] INPUT OUTPUT\n       %(prog)s [options] --out-dir DIR INPUT... "
                             "(or --list FILE)")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="INPUT OUTPUT: a grey raster (1 band of 8/16-bit or float, or 3 bands, turned grey) and the "
                        "colour GeoTIFF to write (--samples K writes OUTPUT_1.tif .. OUTPUT_K.tif); with --out-dir, "
                        "every PATH is an input: a raster, a folder of rasters or a quoted glob")
    many = p.add_argument_group(
        "many rasters, one job",
        "the model is read once; a ledger in the output folder records what was done with which model, so "
        "the same command run again after a crash or a cancel skips finished files; one bad file is "
        "reported and the others go on")
    many.add_argument("--out-dir", metavar="DIR", help="colorize every input into this folder")
    many.add_argument("--list", metavar="FILE", help="a text file of input paths, one a line (with --out-dir)")
    many.add_argument("--pattern", default="{stem}_colorized.tif",
                      help="output names from the input's {stem}, {name} or {parent} folder "
                           "(default {stem}_colorized.tif)")
    many.add_argument("--overwrite", action="store_true",
                      help="replace outputs this job did not make with this model (otherwise they are skipped)")
    many.add_argument("--mosaic", metavar="OUT.vrt",
                      help="then join the outputs into one mosaic (.vrt, or .tif to copy them)")
    p.add_argument("--model", help="checkpoint (.pt) of a trained model, or its ONNX export (.onnx, run through "
                                   "onnxruntime) (default: the bundled default model; see 'aerocolor info' of it)")
    p.add_argument("--tile", type=int, help="tile side in model pixels (default: the model's training tile)")
    p.add_argument("--overlap", type=int, help="pixels shared by neighbouring tiles (default: tile / 8)")
    p.add_argument("--batch", type=int, help="tiles per forward pass (default: 16)")
    p.add_argument("--device", default="auto", help="auto (default), cpu, cuda or cuda:N")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (default: all cores)")
    p.add_argument("--gsd", choices=("auto", "model", "native"), default="auto",
                   help="model: run at the model's m/px (auto does when both are known); native: the input's pixels")
    p.add_argument("--precision", choices=("auto", "fp32", "bf16"), default="auto",
                   help="auto: bf16 where the hardware runs it natively, else fp32")
    p.add_argument("--max-upsample", type=float, default=4.0, metavar="F",
                   help="with --gsd auto, enlarge an input for a finer model at most F times (default 4: 16 "
                        "times the work); --gsd model always matches the model")
    p.add_argument("--cog", action="store_true", help="write a Cloud Optimized GeoTIFF")
    p.add_argument("--compress", choices=("zstd", "deflate"), default="zstd",
                   help="zstd (fast, default) or deflate (for software without ZSTD)")
    p.add_argument("--no-overviews", dest="overviews", action="store_false",
                   help="write no overviews (faster; QGIS then draws a large raster slowly when zoomed out)")
    p.add_argument("--tone-match", action="store_true",
                   help="show the model the photo's greys mapped to the greys it was trained on (for scans "
                        "darker, flatter or harsher than its training photos); the output keeps the photo's tones")
    z = p.add_argument_group(
        "latent code (BicycleGAN models)",
        "the code z that picks one of the model's plausible colourings: random with a seed (the default), "
        "read from a reference colour image, or fixed; each output's AEROCOLOR_SETTINGS metadata records "
        "its code (z_values), which --z-fixed takes to make it again")
    z.add_argument("--samples", type=int, default=1, metavar="K",
                   help="K colourings with different random codes, written as OUTPUT_1.tif .. OUTPUT_K.tif "
                        "(not with --z-reference or --z-fixed, which give one code)")
    z.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the random codes (default 0)")
    z.add_argument("--z-reference", metavar="IMAGE",
                   help="take the code from this colour image (any raster or image GDAL reads): the model's "
                        "encoder reads it scaled so its shorter side is the model's tile and centre-cropped, "
                        "and its mean code colours every tile, so the output leans to that image's colours")
    z.add_argument("--z-fixed", metavar="zeros|V1,...,Vnz",
                   help="a fixed code: zeros (the prior's mean, the most likely code) or nz comma-separated "
                        "numbers ('aerocolor info' shows nz; write --z-fixed=-0.5,... when the first is negative)")
    p.set_defaults(handler=_run_colorize)


def _run_colorize(args, events: EventSink) -> int:
    import os

    # The reader and writer threads share the cores with torch's OpenMP team: spinning OpenMP threads
    # would fight them (twice the CPU time on two cores), sleeping ones do not. Must precede importing torch.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from aerocolor.colorize.engine import colorize
    from aerocolor.runtime import CancelFlag

    from aerocolor.assets import default_model

    if args.model is None:
        args.model = default_model()
        _say(f"colorize: no --model given; using the bundled default model {args.model}")
    options = {k: getattr(args, k) for k in ("tile", "overlap", "batch", "device", "threads", "gsd", "precision",
                                             "cog", "compress", "overviews", "samples", "seed", "z_reference",
                                             "z_fixed", "tone_match", "max_upsample")}
    if args.out_dir or args.list:
        return _run_colorize_many(args, events, options)
    if args.mosaic or args.overwrite:
        raise BadInput("--mosaic and --overwrite go with --out-dir (many rasters, one job).")
    if len(args.paths) != 2:
        raise BadInput(f"Give INPUT OUTPUT for one raster, or --out-dir DIR and the inputs for many "
                       f"({len(args.paths)} paths were given).")
    args.input, args.output = args.paths
    listener = _ProgressBar("colorize") if events.stream is None else None
    with CancelFlag(watch_stdin=True) as cancel:
        try:
            result = colorize(args.model, args.input, args.output, _Tee(events, listener) if listener else events,
                              cancel, **options)
        finally:
            if listener:
                listener.close()
    _say(f"colorize: wrote {', '.join(result.outputs)} ({result.width}x{result.height} px, "
         f"{result.megapixels_per_s:.2f} MP/s, {result.skipped} empty tiles skipped)")
    events.emit("result", ok=True, outputs={"raster": result.outputs[0], "rasters": result.outputs},
                tiles=result.tiles, skipped=result.skipped, seconds=round(result.seconds, 2))
    return EXIT_OK


def _run_colorize_many(args, events: EventSink, options: dict) -> int:
    from aerocolor.colorize.batch import LEDGER, colorize_many, expand_inputs
    from aerocolor.runtime import CancelFlag

    if not args.out_dir:
        raise BadInput("--list needs --out-dir DIR, the folder the outputs go to.")
    inputs, left_out = expand_inputs(args.paths, args.list)
    if int(os.environ.get("RANK", 0)):     # under torchrun only rank 0 reports
        with CancelFlag(watch_stdin=False) as cancel:
            return colorize_many(args.model, inputs, args.out_dir, args.pattern, EventSink(), cancel, args.overwrite,
                                 left_out, **options).exit_code
    if left_out:
        _say(f"colorize: {len(left_out)} files that are not rasters are left out: "
             + ", ".join(os.path.basename(p) for p in left_out[:5]) + (" ..." if len(left_out) > 5 else ""))
    listener = _ProgressBar("files", unit="px") if events.stream is None else None
    sink = _Tee(events, listener) if listener else events
    with CancelFlag(watch_stdin=True) as cancel:
        try:
            res = colorize_many(args.model, inputs, args.out_dir, args.pattern, sink, cancel, args.overwrite,
                                left_out, say=listener.write if listener else _say, **options)
        finally:
            if listener:
                listener.close()
    failed = res.of("failed")
    made = [f.output for f in res.files if f.status == "done" or f.reason == "already done with this model"]
    _say(f"colorize: {len(res.files)} rasters in {res.seconds:.0f} s: {len(res.of('done'))} done, "
         f"{len(res.of('skipped'))} skipped, {len(failed)} failed; the ledger is {os.path.join(args.out_dir, LEDGER)}")
    for f in res.of("skipped"):
        if f.reason != "already done with this model":
            _say(f"  skipped {f.input}: {f.reason}")
    for f in failed:
        _say(f"  failed {f.input}: {f.reason}")
    mosaic_path = None
    if args.mosaic and made:
        from aerocolor.colorize.mosaic import mosaic

        mosaic_path = mosaic(args.mosaic, made)
        _say(f"colorize: mosaic of {len(made)} outputs in {mosaic_path}")
    events.emit("result", ok=not failed, outputs={"rasters": made, "mosaic": mosaic_path},
                done=len(res.of("done")), skipped=len(res.of("skipped")),
                failed=[{"input": f.input, "reason": f.reason} for f in failed], not_rasters=left_out,
                seconds=round(res.seconds, 2))
    return res.exit_code


def _add_mosaic(sub) -> None:
    p = sub.add_parser("mosaic", help="join georeferenced rasters into one VRT or GeoTIFF (by the extension)")
    p.add_argument("output", help=".vrt (virtual, instant) or .tif (tiled, compressed, with overviews)")
    p.add_argument("inputs", nargs="+", help="rasters of one CRS and band layout; later ones win where they overlap")
    p.add_argument("--compress", choices=("deflate", "zstd"), default="deflate",
                   help="compression of a .tif mosaic (deflate, the default, opens everywhere)")
    p.set_defaults(handler=_run_mosaic)


def _run_mosaic(args, events: EventSink) -> int:
    from aerocolor.colorize.mosaic import mosaic
    from aerocolor.runtime import CancelFlag

    report = _progress_printer(events, "mosaic")
    with CancelFlag(watch_stdin=True) as cancel:
        out = mosaic(args.output, args.inputs, args.compress,
                     progress=lambda f: report(int(f * 1000), 1000) or not cancel.is_set())
    _say(f"mosaic: wrote {out} from {len(args.inputs)} rasters")
    events.emit("result", ok=True, outputs={"raster": out})
    return EXIT_OK


class _ProgressBar:
    """Shows a command's progress events as a bar and its notices as lines, for people at a terminal."""

    def __init__(self, stage: str, unit: str = "tile"):
        self.stage, self.unit, self.bar = stage, unit, None

    def emit(self, type_: str, **fields) -> None:
        from tqdm import tqdm

        if type_ == "progress" and fields.get("stage") == self.stage and fields.get("steps"):
            if self.bar is None:
                self.bar = tqdm(total=fields["steps"], unit=self.unit, unit_scale=self.unit == "px",
                                file=sys.stderr, dynamic_ncols=True, desc=self.stage)
            self.bar.n = fields["step"]
            self.bar.refresh()
        elif type_ == "notice":
            self.write(fields.get("message", ""))

    def write(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            _say(line)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# -- entry point ------------------------------------------------------------------------
COMMANDS = [_add_dataset, _add_train, _add_info, _add_export, _add_calibrate, _add_evaluate, _add_study, _add_colorize,
            _add_mosaic]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aerocolor", description="Colorize historical aerial photographs with GANs.")
    parser.add_argument("--version", action="version", version=f"aerocolor {__version__}")
    parser.add_argument("--events", choices=("text", "jsonl"), default="text",
                        help="jsonl: machine-readable events on stdout (for the QGIS plugin)")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub)
    for command in sub.choices.values():  # also after the command: aerocolor colorize ... --events jsonl
        command.add_argument("--events", choices=("text", "jsonl"), default=argparse.SUPPRESS,
                             help="jsonl: machine-readable events on stdout (as aerocolor --events)")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    from aerocolor.allocator import keep_freed_memory

    keep_freed_memory()  # before torch allocates anything (see allocator.py)
    code = _main(argv)
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        # A torchrun worker leaves without interpreter finalisation: gloo's C++ threads can abort
        # the process there (SIGABRT after a finished run, seen in 1 of 4 CI runs), which torchrun
        # would report as a failure. Everything is written and closed by now.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    events = stdout_sink(args.events == "jsonl")
    try:
        return args.handler(args, events)
    except AeroColorError as exc:
        events.emit("error", code=exc.code, message=exc.message, detail=exc.detail)
        _say(f"aerocolor {args.command}: {exc.message}")
        return exc.exit_code
    except MemoryError as exc:
        msg = "Out of memory; use a smaller --batch or --tile, or fewer --threads."
        events.emit("error", code="out_of_memory", message=msg, detail=repr(exc))
        _say(f"aerocolor {args.command}: {msg}")
        return EXIT_INTERNAL
    except Exception as exc:  # noqa: BLE001 - the last line of defence reports and exits 1
        detail = traceback.format_exc()
        if "out of memory" in str(exc).lower():
            msg = "The device ran out of memory; use a smaller --batch or --tile."
            code = "out_of_memory"
        else:
            msg = f"Internal error ({type(exc).__name__}: {exc}); please report it with the log."
            code = "internal"
        events.emit("error", code=code, message=msg, detail=detail)
        _say(detail)
        _say(f"aerocolor {args.command}: {msg}")
        return EXIT_INTERNAL
    finally:
        events.close()


if __name__ == "__main__":
    sys.exit(main())
