#!/usr/bin/env python3
"""Colorize speed and memory: the bare generator's forward against colorize end to end.

One U-Net 256 (ngf 64, random weights: speed does not depend on training) is timed
  1. bare forward passes on the same tiles in several set-ups (precision, memory layout,
     batch, threads), in megapixels of tile per second, with ratios to fp32 batch 1;
  2. colorize end to end on a generated, compressed 4-megapixel GeoTIFF (read, tiles,
     blend, Lab join, write, overviews), against the forward at the same set-up corrected
     for overlap, ((tile - overlap) / tile)^2, timed in the same process right after it on as
     many batches (forwards timed in separate processes a few seconds apart differed by up
     to 20 % on the shared test machine, more than what is being compared); in a fresh
     process, as the CLI runs, and after a first colorize in the same process, which has
     oneDNN's kernels generated and its memory mapped (50-200 ms of a fresh 4 MP run);
  3. peak memory (max RSS of a child process) for 4 MP and, with --big, 100 MP.
--check-bf16 colorizes with a trained model in fp32 and bf16 and reports how far apart the
8-bit outputs are (the default precision may be bf16 only if the mean is below 1/255).
--onnx colorizes one raster with the same U-Net through torch (fp32, and bf16 where native) and
through its ONNX export in onnxruntime (fp32), each in fresh processes taken in turn, and reports
their speed and how far the ONNX output is from torch's fp32 one.

  .venv/bin/python scripts/bench_colorize.py                 # forward table + 4 MP end to end
  .venv/bin/python scripts/bench_colorize.py --big           # + 100 MP memory (a few minutes)
  .venv/bin/python scripts/bench_colorize.py --big --ngf 16 --setups "fp32 b1,bf16 cl b8"   # quicker
  .venv/bin/python scripts/bench_colorize.py --check-bf16 runs/x/checkpoints/latest.pt
  .venv/bin/python scripts/bench_colorize.py --onnx --side 1024 --repeats 2   # torch against onnxruntime
  .venv/bin/python scripts/bench_colorize.py --forward-only --device cuda
  python3 scripts/bench_colorize.py --in-memory 8192 --device cuda --batch 32   # no GDAL needed
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "backend"))

TILE, OVERLAP = 256, 32
UNET_GFLOP = 12.1          # one forward of the U-Net 256 (ngf 64) on a 256x256 tile
# Upper bound on the issue's CPU (2 cores, AMX-BF16): 979 GFLOP/s measured for bf16 3x3
# convolutions. Machines of "this kind" differ (AMD EPYC with AVX512-BF16 but no AMX has been
# one), so the table also measures this machine's own bf16 3x3 peak in the same run.
ISSUE_CEILING_MPS = 979.0 / UNET_GFLOP * TILE * TILE / 1e6

# (label, precision, channels_last, batch, threads: 0 = all)
FORWARD_SETUPS = [
    ("fp32 b1", "fp32", False, 1, 0),
    ("fp32 cl b8", "fp32", True, 8, 0),
    ("bf16 b8", "bf16", False, 8, 0),
    ("bf16 cl b1", "bf16", True, 1, 0),
    ("bf16 cl b4", "bf16", True, 4, 0),
    ("bf16 cl b8", "bf16", True, 8, 0),
    ("bf16 cl b16", "bf16", True, 16, 0),
    ("bf16 cl b8 1 thread", "bf16", True, 8, 1),
]



def hello_clock():
    """An event sink that notes the wall and CPU time of colorize's hello: the model is read, the
    raster not yet (so the model read is timed apart)."""
    from aerocolor.protocol import EventSink

    class Clock(EventSink):
        def emit(self, type_, **fields):
            if type_ == "hello":
                self.hello = (time.perf_counter(), time.process_time())
            return super().emit(type_, **fields)

    return Clock()

def make_model(path: str, ngf: int = 64, tile: int = TILE) -> str:
    """A pix2pix Lab U-Net checkpoint with random weights and a complete card."""
    import torch

    from aerocolor.models import checkpoint
    from aerocolor.config import NetConfig, TrainConfig
    from aerocolor.models import family_class
    from aerocolor.models.base import generator_multiple
    from aerocolor.models.pix2pix import Pix2PixConfig
    from aerocolor.nets.layers import init_weights

    cfg = TrainConfig(family="pix2pix", tile=tile, color_mode="lab", model=Pix2PixConfig(net=NetConfig(ngf=ngf)))
    card = {"family": "pix2pix", "color_mode": "lab", "tile": tile, "in_channels": 1, "out_channels": 2,
            "multiple": generator_multiple(cfg.model.net, tile), "gsd": None, "stretch": cfg.stretch.to_dict(),
            "train": cfg.to_dict(), "epoch": 0, "total_epochs": 0}
    torch.manual_seed(0)
    net = init_weights(family_class("pix2pix").build_generator_from(card), "normal", 0.02)
    checkpoint.save(path, {"card": card, "generator": "G", "nets": {"G": net.state_dict()}})
    return path


def make_raster(path: str, side: int) -> str:
    """A side x side grey GeoTIFF (DEFLATE, tiled) of shifted copies of a blurred-noise texture, in strips."""
    import numpy as np
    from osgeo import gdal, osr

    gdal.UseExceptions()
    rng = np.random.default_rng(0)
    base = rng.standard_normal((1024, 1024)).astype(np.float32)
    k = np.ones(9, np.float32) / 9
    for ax in (0, 1):
        base = np.apply_along_axis(lambda v: np.convolve(np.concatenate([v[-4:], v, v[:4]]), k, "valid"), ax, base)
    base = np.clip(128 + 40 * base / base.std(), 0, 255).astype(np.uint8)
    ds = gdal.GetDriverByName("GTiff").Create(path, side, side, 1, gdal.GDT_Byte,
                                              ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2", "BIGTIFF=IF_SAFER"])
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32617)
    ds.SetProjection(srs.ExportToWkt())
    ds.SetGeoTransform((500000.0, 0.3, 0.0, 3300000.0, 0.0, -0.3))
    band = ds.GetRasterBand(1)
    for y in range(0, side, 1024):
        rows = min(1024, side - y)
        shift = rng.integers(0, 1024, 2)
        strip = np.roll(base, tuple(shift), axis=(0, 1))[:rows]
        band.WriteArray(np.tile(strip, (1, side // 1024 + 1))[:, :side], 0, y)
    ds = None
    return path


# -- child processes (each set-up's memory is its own) ------------------------------------
def child_forward(spec: dict, loaded=None) -> dict:
    import torch

    from aerocolor.models.checkpoint import load_generator
    from aerocolor.colorize.inference import TileModel
    from aerocolor.runtime import resolve_device, set_threads

    threads = set_threads(spec["threads"])
    device = resolve_device(spec["device"])
    card, net = loaded or load_generator(spec["model"], device)
    tm = TileModel(card, net, device, spec["precision"], spec["channels_last"])
    x = torch.rand(spec["batch"], 1, TILE, TILE, device=device) * 2 - 1
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    tm.forward_model(x)
    sync()
    n, t0, c0 = 0, time.perf_counter(), time.process_time()
    while n < spec["min_batches"] or time.perf_counter() - t0 < spec["seconds"]:
        tm.forward_model(x)
        n += 1
    sync()
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    mp = n * spec["batch"] * TILE * TILE / 1e6
    return {"mps": mp / dt, "mp_per_cpu_s": mp / cpu, "mp": mp, "threads": threads, "device": str(device)}


def child_colorize(spec: dict) -> dict:
    """colorize end to end as the CLI runs it, timed from its "hello" event (the checkpoint read, which
    is once per run); then, in the same process, the bare forward on as many batches as colorize ran
    (or spec["fwd_batches"]), so that both see the same process and the same minute of a shared machine."""
    import resource

    from aerocolor.models.checkpoint import load_generator
    from aerocolor.colorize.engine import colorize
    from aerocolor.runtime import resolve_device

    options = dict(tile=TILE, overlap=OVERLAP, batch=spec["batch"], precision=spec["precision"],
                   device=spec["device"], threads=spec["threads"], overviews=spec["overviews"])
    if spec.get("warm"):
        # The run after a first one, as a script colorizing many rasters in one process sees it:
        # oneDNN's kernels are generated and the allocator's memory is mapped already.
        colorize(spec["model"], spec["input"], spec["output"], **options)
    # The checkpoint path, as the CLI passes it: colorize then owns the weights it read and lets the
    # fp32 copy go once it has made its bf16 one.
    clock = hello_clock()
    r = colorize(spec["model"], spec["input"], spec["output"], events=clock, **options)
    wall, cpu = time.perf_counter() - clock.hello[0], time.process_time() - clock.hello[1]
    mp = r.width * r.height / 1e6
    out = {"seconds": wall, "mps": mp / wall, "mp_per_cpu_s": mp / cpu, "tiles": r.tiles, "megapixels": mp,
           "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}
    batches = spec.get("fwd_batches") or max(3, r.tiles // spec["batch"])
    fwd = child_forward({**spec, "seconds": 0, "min_batches": batches},
                        load_generator(spec["model"], resolve_device(spec["device"])))
    out.update(fwd_mps=fwd["mps"], fwd_mp_per_cpu_s=fwd["mp_per_cpu_s"], fwd_mp=fwd["mp"])
    return out


def child_ceiling(spec: dict) -> dict:
    """This CPU's bf16 3x3 convolution peak in GFLOP/s: the best of a few large layers."""
    import torch
    import torch.nn.functional as F

    from aerocolor.runtime import set_threads

    set_threads(spec["threads"])
    best = 0.0
    for c, side, n in ((256, 64, 8), (128, 128, 8), (512, 32, 16)):
        x = torch.randn(n, c, side, side).to(torch.bfloat16).contiguous(memory_format=torch.channels_last)
        w = torch.randn(c, c, 3, 3).to(torch.bfloat16).contiguous(memory_format=torch.channels_last)
        F.conv2d(x, w, padding=1)
        reps, t0 = 0, time.perf_counter()
        while reps < 3 or time.perf_counter() - t0 < spec["seconds"] / 3:
            F.conv2d(x, w, padding=1)
            reps += 1
        flop = 2.0 * n * side * side * c * c * 9 * reps
        best = max(best, flop / (time.perf_counter() - t0) / 1e9)
    return {"gflops": best}


def run_child(kind: str, spec: dict) -> dict:
    """Run a child; returns its JSON result, which includes its own peak RSS in MiB."""
    # As `aerocolor colorize` runs: OpenMP threads sleep rather than spin at barriers (see cli.py).
    env = dict(os.environ, OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "PASSIVE"))
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--child", kind, json.dumps(spec)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"child {kind} failed:\n{err}")
    return json.loads(out.strip().splitlines()[-1])


def _child_main(kind: str, spec_json: str) -> None:
    import resource

    from aerocolor.allocator import keep_freed_memory

    keep_freed_memory()  # as `aerocolor` does at its start
    spec = json.loads(spec_json)
    result = {"forward": child_forward, "colorize": child_colorize, "ceiling": child_ceiling,
              "colorize_only": child_colorize_only, "onnx_export": child_onnx_export}[kind](spec)
    result.setdefault("peak_mib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
    print(json.dumps(result))


# -- the tile engine without GDAL (for machines without it, e.g. a GPU box) -------------------
class ArraySource:
    """GreySource's interface over an in-memory texture."""

    def __init__(self, grey):
        from types import SimpleNamespace

        import numpy as np

        self.grey = grey
        self.info = SimpleNamespace(width=grey.shape[1], height=grey.shape[0])
        self.valid = np.ones(grey.shape, bool)

    def read(self, y0: int, y1: int):
        return self.grey[y0:y1], self.valid[y0:y1]


class ArraySink:
    def __init__(self, height: int, width: int):
        import numpy as np

        self.rgba = np.zeros((4, height, width), np.uint8)

    def write(self, y0: int, rgba) -> None:
        self.rgba[:, y0:y0 + rgba.shape[1]] = rgba


def in_memory(model: str, device: str, side: int, batch: int, precision: str, join_threads=(1,)) -> dict:
    """run_tiles (blending, Lab join, reader and writer threads) on an array, timed against the bare
    forward on the same device; and the CUDA output against the CPU's on a small crop."""
    import numpy as np
    import torch

    from aerocolor.models.checkpoint import load_generator
    from aerocolor.colorize.engine import ColorizeConfig, make_plan, run_tiles
    from aerocolor.colorize.inference import TileModel
    from aerocolor.runtime import no_cancel, resolve_device

    dev = resolve_device(device)
    rng = np.random.default_rng(0)
    base = rng.random((side, side), dtype=np.float32)
    k = np.ones(9, np.float32) / 9
    grey = np.clip(0.5 + 2.0 * (np.apply_along_axis(lambda v: np.convolve(v, k, "same"), 1, base) - 0.5), 0, 1)
    card, net = load_generator(model, dev)

    def colorize_array(g, tm, join=1):
        src, sink = ArraySource(g), ArraySink(*g.shape)
        plan = make_plan(card, src.info, ColorizeConfig(tile=TILE, overlap=OVERLAP), 1.0)
        sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
        sync()
        t0 = time.perf_counter()
        run_tiles(src, sink, tm, plan, batch, no_cancel(), lambda *_: None, join)
        sync()
        return sink.rgba, time.perf_counter() - t0, plan.count

    tm = TileModel(card, net, dev, precision, True)
    colorize_array(grey[:512, :512], tm)                      # warm-up
    by_join = {}
    for join in join_threads:
        out, seconds, tiles = colorize_array(grey, tm, join)
        by_join[join] = side * side / 1e6 / seconds
        if len(by_join) == 1:
            first = out
        elif not (out == first).all():
            raise SystemExit(f"join threads {join} changed the output")
    x = torch.rand(batch, 1, TILE, TILE, device=dev) * 2 - 1
    tm.forward_model(x)
    n, t0 = 0, time.perf_counter()
    while n < max(3, tiles // batch):
        tm.forward_model(x)
        n += 1
    if dev.type == "cuda":
        torch.cuda.synchronize()
    fwd = n * batch * TILE * TILE / 1e6 / (time.perf_counter() - t0)
    result = {"device": str(dev), "side": side, "precision": precision, "batch": batch,
              "pipeline_mps": by_join[join_threads[0]], "forward_mps": fwd,
              "pipeline_mps_by_join_threads": by_join}
    if dev.type == "cuda":
        crop = grey[:1024, :1024]
        gpu32, _, _ = colorize_array(crop, TileModel(card, net, dev, "fp32", True))
        cpu_card, cpu_net = load_generator(model, torch.device("cpu"))
        cpu_tm = TileModel(cpu_card, cpu_net, torch.device("cpu"), "fp32", True)
        src, sink = ArraySource(crop), ArraySink(*crop.shape)
        plan = make_plan(card, src.info, ColorizeConfig(tile=TILE, overlap=OVERLAP), 1.0)
        run_tiles(src, sink, cpu_tm, plan, batch, no_cancel(), lambda *_: None)
        d = np.abs(gpu32.astype(np.int16) - sink.rgba.astype(np.int16))
        result.update(cuda_vs_cpu_mean=float(d.mean()), cuda_vs_cpu_max=int(d.max()))
    return result


# -- bf16 check ---------------------------------------------------------------------------
def check_bf16(model: str, work: str) -> dict:
    """Mean and max change of the 8-bit RGB output from fp32 to bf16 with a trained model."""
    import numpy as np
    from osgeo import gdal

    from aerocolor.colorize.engine import colorize
    from aerocolor.data.synthetic import scene
    from aerocolor.data.imageio import to_grey

    gdal.UseExceptions()
    grey = (to_grey(scene(768, 1024, seed=11))[..., 0] * 255).round().astype(np.uint8)
    src = os.path.join(work, "bf16_in.tif")
    ds = gdal.GetDriverByName("GTiff").Create(src, 1024, 768, 1, gdal.GDT_Byte)
    ds.GetRasterBand(1).WriteArray(grey)
    ds = None
    outs = {}
    for p in ("fp32", "bf16"):
        out = os.path.join(work, f"bf16_{p}.tif")
        colorize(model, src, out, precision=p, overviews=False)
        outs[p] = gdal.Open(out).ReadAsArray()[:3].astype(np.int16)
    d = np.abs(outs["bf16"] - outs["fp32"])
    return {"mean": float(d.mean()), "max": int(d.max()), "share_over_1": float((d > 1).mean())}


# -- torch against onnxruntime -----------------------------------------------------------------
def onnx_against_torch(args, work: str) -> None:
    """The same colorize of one raster through torch and through the ONNX export, each run in a fresh
    process as the CLI runs it, the set-ups taken in turn `repeats` times (the shared machine drifts)."""
    import numpy as np
    from osgeo import gdal

    from aerocolor.runtime import native_bf16, resolve_device

    model = make_model(os.path.join(work, f"unet256_ngf{args.ngf}.pt"), ngf=args.ngf)
    # Exported in a child: a child's peak memory starts from its parent's (Linux keeps it across exec),
    # and the export's copies of the weights would then show in every colorize's figure.
    r = run_child("onnx_export", {"model": model, "output": model[:-3] + ".onnx"})
    print(f"U-Net 256, ngf {args.ngf}, random weights; ONNX export took {r['seconds']:.1f} s")
    src = make_raster(os.path.join(work, f"grey_{args.side}.tif"), args.side)
    setups = [("torch fp32", model, "fp32"), ("onnxruntime fp32", model[:-3] + ".onnx", "fp32")]
    if native_bf16(resolve_device(args.device)):
        setups.insert(1, ("torch bf16", model, "bf16"))
    runs = {label: [] for label, _, _ in setups}
    for _ in range(args.repeats):
        for label, path, prec in setups:
            out = os.path.join(work, f"colour_{label.replace(' ', '_')}.tif")
            spec = {"model": path, "input": src, "output": out, "batch": 16, "precision": prec,
                    "device": args.device, "threads": 0, "overviews": False}
            runs[label].append(run_child("colorize_only", spec))
    reference = gdal.Open(os.path.join(work, "colour_torch_fp32.tif")).ReadAsArray().astype(np.int16)
    print(f"colorize of a {args.side}x{args.side} GeoTIFF, tile {TILE}, overlap {OVERLAP}, batch 16, no overviews, "
          f"device {args.device}; median of {args.repeats} fresh processes, timed after the model is read "
          f"(its own column)")
    print(f"{'set-up':18s} {'read s':>7s} {'seconds':>8s} {'MP/s':>7s} {'x torch fp32':>13s} {'MP/cpu-s':>9s} "
          f"{'peak MiB':>9s} {'mean |d| vs torch fp32':>23s}")
    base = None
    for label, _, _ in setups:
        r = sorted(runs[label], key=lambda x: x["mps"])[len(runs[label]) // 2]
        base = base or r
        out = gdal.Open(os.path.join(work, f"colour_{label.replace(' ', '_')}.tif")).ReadAsArray().astype(np.int16)
        d = np.abs(out[:3] - reference[:3])
        print(f"{label:18s} {r['load_s']:7.2f} {r['seconds']:8.2f} {r['mps']:7.3f} {r['mps'] / base['mps']:13.2f} "
              f"{r['mp_per_cpu_s']:9.3f} {r['peak_mib']:9.0f} {d.mean():16.4f} (max {d.max()})", flush=True)


def child_onnx_export(spec: dict) -> dict:
    from aerocolor.colorize import onnx_model

    t0 = time.perf_counter()
    onnx_model.export(spec["model"], spec["output"])
    return {"seconds": time.perf_counter() - t0}


def child_colorize_only(spec: dict) -> dict:
    """colorize as the CLI runs it, timed from its "hello" event (the model is read: a checkpoint
    unpickled, an ONNX session built) to its return; the model read is timed apart."""
    import resource

    from aerocolor.colorize.engine import colorize
    options = dict(tile=TILE, overlap=OVERLAP, batch=spec["batch"], precision=spec["precision"],
                   device=spec["device"], threads=spec["threads"], overviews=spec["overviews"])
    clock, t0 = hello_clock(), time.perf_counter()
    r = colorize(spec["model"], spec["input"], spec["output"], events=clock, **options)
    wall, cpu = time.perf_counter() - clock.hello[0], time.process_time() - clock.hello[1]
    mp = r.width * r.height / 1e6
    return {"seconds": wall, "load_s": clock.hello[0] - t0, "mps": mp / wall, "mp_per_cpu_s": mp / cpu,
            "tiles": r.tiles, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}


def train_short(work: str, steps: int) -> str:
    """A short pix2pix Lab training on synthetic scenes (ngf 8, 64 px): a model with learned colour."""
    from aerocolor.config import NetConfig, TrainConfig
    from aerocolor.data.build import DatasetConfig, build_synthetic
    from aerocolor.models.pix2pix import Pix2PixConfig
    from aerocolor.training.trainer import train

    data = os.path.join(work, "pairs")
    build_synthetic(16, DatasetConfig(out=data, tile=64, layout="pairs", seed=1))
    per_epoch = 7
    cfg = TrainConfig(family="pix2pix", data=data, run=os.path.join(work, "run"), tile=64, batch=2,
                      epochs=max(1, steps // per_epoch), decay_epochs=0, steps_per_epoch=per_epoch, save_every=0,
                      color_mode="lab", model=Pix2PixConfig(net=NetConfig(ngf=8, ndf=8)))
    return train(cfg)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--seconds", type=float, default=4.0, help="time per forward set-up")
    ap.add_argument("--forward-only", action="store_true")
    ap.add_argument("--ngf", type=int, default=64, help="generator width (64: the reference U-Net 256)")
    ap.add_argument("--setups", help="comma-separated forward set-ups to time (default: all)")
    ap.add_argument("--big", action="store_true", help="also the 100-megapixel memory run")
    ap.add_argument("--repeats", type=int, default=3, help="end-to-end runs of the small raster per setting")
    ap.add_argument("--side", type=int, default=2048, help="side of the small raster (2048: 4.2 MP)")
    ap.add_argument("--big-side", type=int, default=10240, help="side of the big raster (10240: 105 MP)")
    ap.add_argument("--check-bf16", nargs="?", const="train", metavar="CKPT",
                    help="compare fp32 and bf16 outputs of a trained model (default: train a short one)")
    ap.add_argument("--train-steps", type=int, default=105)
    ap.add_argument("--onnx", action="store_true", help="colorize --side through torch and through the ONNX "
                    "export in onnxruntime, and compare (--repeats runs of each)")
    ap.add_argument("--work", help="folder for the generated files, kept (default: a temporary one, removed)")
    ap.add_argument("--in-memory", type=int, metavar="SIDE",
                    help="time the tile engine on a SIDE x SIDE array (no GDAL, no disk) against the forward")
    ap.add_argument("--batch", type=int, default=16, help="batch for --in-memory")
    ap.add_argument("--precision", default="bf16", help="precision for --in-memory")
    ap.add_argument("--join-threads", default="1", help="for --in-memory: comma list of colour-join thread "
                                                        "counts to time (the first one is the ratio's)")
    args = ap.parse_args()
    if args.child:
        _child_main(*args.child)
        return
    if args.work:
        os.makedirs(args.work, exist_ok=True)
        bench(args, args.work)
        return
    # The generated models and rasters (over a GB with --big) go with the run unless --work keeps them.
    with tempfile.TemporaryDirectory(prefix="bench_colorize_") as work:
        bench(args, work)


def bench(args, work: str) -> None:
    if args.in_memory:
        model = make_model(os.path.join(work, f"unet256_ngf{args.ngf}.pt"), ngf=args.ngf)
        r = in_memory(model, args.device, args.in_memory, args.batch, args.precision,
                      tuple(int(n) for n in args.join_threads.split(",")))
        factor = ((TILE - OVERLAP) / TILE) ** 2
        print(json.dumps(r))
        print(f"tile engine on {r['device']}, {args.in_memory}^2 px, {args.precision}, batch {args.batch}: "
              f"{r['pipeline_mps']:.1f} MP/s; forward {r['forward_mps']:.1f} MP/s x overlap factor {factor:.3f} = "
              f"{r['forward_mps'] * factor:.1f}; ratio {r['pipeline_mps'] / (r['forward_mps'] * factor):.2f}")
        if len(r["pipeline_mps_by_join_threads"]) > 1:
            print("  by colour-join threads: " + ", ".join(f"{n}: {v:.1f} MP/s"
                                                          for n, v in r["pipeline_mps_by_join_threads"].items()))
        return

    if args.onnx:
        onnx_against_torch(args, work)
        return

    if args.check_bf16:
        model = train_short(work, args.train_steps) if args.check_bf16 == "train" else args.check_bf16
        r = check_bf16(model, work)
        print(f"bf16 vs fp32 on a trained model ({model}):")
        print(f"  mean |change| {r['mean']:.4f} of 255 (limit 1.0), max {r['max']}, "
              f"share of values changed by more than 1: {100 * r['share_over_1']:.3f} %")
        return

    model = make_model(os.path.join(work, f"unet256_ngf{args.ngf}.pt"), ngf=args.ngf)
    print(f"U-Net 256, ngf {args.ngf}, random weights; device {args.device}; work folder {work}")
    ceiling_mps = ISSUE_CEILING_MPS
    if args.device == "cpu":
        peak = run_child("ceiling", {"threads": 0, "seconds": args.seconds})["gflops"]
        ceiling_mps = peak / UNET_GFLOP * TILE * TILE / 1e6
        print(f"ceiling on this CPU: bf16 3x3 convolutions ran {peak:.0f} GFLOP/s, so at most "
              f"{ceiling_mps:.2f} MP/s for this U-Net (the issue's AMX CPU: 979 GFLOP/s, {ISSUE_CEILING_MPS:.2f} MP/s)\n")
    else:
        print(f"ceiling: the issue's AMX CPU figure, {ISSUE_CEILING_MPS:.2f} MP/s (not measured on {args.device})\n")
    print("MP/s: wall clock; MP/cpu-s: per second of process CPU time (steadier on a shared machine)")
    print(f"{'forward set-up':24s} {'MP/s':>7s} {'x fp32 b1':>10s} {'of ceiling':>11s} {'MP/cpu-s':>9s} "
          f"{'x fp32 b1':>10s} {'peak MiB':>9s}")
    forward = {}
    base = None
    setups = [s for s in FORWARD_SETUPS if not args.setups or s[0] in args.setups.split(",")]
    for label, prec, cl, batch, threads in setups:
        r = run_child("forward", {"model": model, "device": args.device, "precision": prec, "channels_last": cl,
                                  "batch": batch, "threads": threads, "seconds": args.seconds, "min_batches": 3})
        forward[label] = r
        base = base or r
        print(f"{label:24s} {r['mps']:7.2f} {r['mps'] / base['mps']:10.2f} {r['mps'] / ceiling_mps:10.0%} "
              f"{r['mp_per_cpu_s']:9.3f} {r['mp_per_cpu_s'] / base['mp_per_cpu_s']:10.2f} {r['peak_mib']:9.0f}",
              flush=True)
    if args.forward_only:
        return

    best_label = max((k for k in forward if "1 thread" not in k), key=lambda k: forward[k]["mps"])
    _, prec, cl, batch, threads = next(s for s in FORWARD_SETUPS if s[0] == best_label)
    overlap_factor = ((TILE - OVERLAP) / TILE) ** 2
    sizes = [args.side] + ([args.big_side] if args.big else [])
    print(f"\nend to end with the fastest forward set-up ({best_label}), tile {TILE}, overlap {OVERLAP} "
          f"(overlap factor {overlap_factor:.3f}); each colorize runs in a fresh process, as the CLI and the "
          f"plugin run it (process 'fresh'), or after a first colorize in that process ('warm'), followed in "
          f"that process by the bare forward on as many batches; {args.repeats} times for the small raster. "
          f"The big raster's colorize runs between two halves of those batches ('between': the first in a "
          f"process of its own just before), since the machine's speed drifts over its minutes")
    print(f"{'raster':>16s} {'process':>7s} {'overviews':>9s} {'seconds':>8s} {'MP/s':>7s} {'fwd MP/s':>9s} "
          f"{'x factor':>9s} {'ratio':>6s} {'MP/cpu-s':>9s} {'x factor':>9s} {'ratio':>6s} {'peak MiB':>9s}")
    from aerocolor.colorize.tiling import positions

    peaks = {}
    for side in sizes:
        src = make_raster(os.path.join(work, f"grey_{side}.tif"), side)
        small = side == args.side
        for warm, overviews in (((False, True), (False, False), (True, True)) if small else ((False, True),)):
            ratios = []
            for _ in range(args.repeats if small else 1):
                out = os.path.join(work, f"colour_{side}.tif")
                spec = {"model": model, "input": src, "output": out, "batch": batch, "precision": prec,
                        "channels_last": cl, "device": args.device, "threads": threads, "overviews": overviews,
                        "warm": warm}
                before = None
                if not small:
                    # Half the forward batches in a process just before colorize's and half in colorize's
                    # after it: the machine's drift over the minutes weighs on both alike, and colorize's
                    # peak memory is its own.
                    n = len(positions(side, TILE, OVERLAP)) ** 2 // batch
                    before = run_child("forward", {**spec, "seconds": 0, "min_batches": n // 2})
                    spec["fwd_batches"] = n - n // 2
                r = run_child("colorize", spec)
                r["fwd_mps_after"], r["fwd_mps_before"] = r["fwd_mps"], before["mps"] if before else None
                if before:
                    # Rates over both halves: their megapixels over their seconds (and CPU seconds).
                    parts = [before, {"mp": r["fwd_mp"], "mps": r["fwd_mps"], "mp_per_cpu_s": r["fwd_mp_per_cpu_s"]}]
                    total = sum(f["mp"] for f in parts)
                    r["fwd_mps"] = total / sum(f["mp"] / f["mps"] for f in parts)
                    r["fwd_mp_per_cpu_s"] = total / sum(f["mp"] / f["mp_per_cpu_s"] for f in parts)
                target, target_cpu = r["fwd_mps"] * overlap_factor, r["fwd_mp_per_cpu_s"] * overlap_factor
                ratios.append(r["mps"] / target)
                process = "between" if not small else "warm" if warm else "fresh"
                print(f"{side}x{side} {r['megapixels']:5.1f}MP {process:>7s} "
                      f"{str(overviews):>9s} {r['seconds']:8.1f} "
                      f"{r['mps']:7.2f} {r['fwd_mps']:9.2f} {target:9.2f} {r['mps'] / target:6.2f} "
                      f"{r['mp_per_cpu_s']:9.3f} {target_cpu:9.3f} {r['mp_per_cpu_s'] / target_cpu:6.2f} "
                      f"{r['peak_mib']:9.0f}", flush=True)
                if r["fwd_mps_before"]:
                    print(f"{'':16s} {'':7s} {'':9s} forward before colorize {r['fwd_mps_before']:.2f} MP/s, "
                          f"after {r['fwd_mps_after']:.2f}", flush=True)
                if not warm and overviews:
                    peaks.setdefault(side, []).append(r["peak_mib"])
                os.remove(out)
            if len(ratios) > 1:
                ratios.sort()
                print(f"{'':16s} {'':7s} {'':9s} median ratio {ratios[len(ratios) // 2]:.2f} "
                      f"(min {ratios[0]:.2f}, max {ratios[-1]:.2f}; target at least 0.9)", flush=True)
    if len(peaks) == 2:
        # Identical small runs peaked up to 250 MiB apart (threads' allocator arenas fill differently), so
        # the small raster's figure is the median of its fresh runs with overviews.
        small, big = sorted(peaks[args.side])[len(peaks[args.side]) // 2], peaks[args.big_side][0]
        print(f"\npeak memory {args.big_side}^2 / {args.side}^2: {big:.0f} / {small:.0f} MiB = {big / small:.2f} "
              f"(target at most 1.2; the small raster's fresh runs peaked {min(peaks[args.side]):.0f}-"
              f"{max(peaks[args.side]):.0f} MiB)")


if __name__ == "__main__":
    main()
