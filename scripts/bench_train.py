#!/usr/bin/env python3
"""Training speed: seconds per iteration and peak memory for named configurations.

Each configuration runs in its own child process (so peak memory is its own), on the
same fixed synthetic batch, after a few warm-up steps. Ratios are against the first
configuration measured in the same run, since machines are noisy.

  .venv/bin/python scripts/bench_train.py                       # pix2pix U-Net 256, fp32 vs bf16
  .venv/bin/python scripts/bench_train.py --family cut --variants fp32
  .venv/bin/python scripts/bench_train.py --iters 30 --threads 2 --variants fp32,bf16,bf16-cl
  .venv/bin/python scripts/bench_train.py --variants bf16-native,bf16   # the small-layer matmul path's gain
  .venv/bin/python scripts/bench_train.py --quality 400 --seeds 4 --tile 128 --ngf 32 --ndf 32 --variants fp32,bf16
      # trains each variant the same way on synthetic scenes and compares validation L1 over seeds
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "backend"))

# Seconds per iteration (low, high) of the reference implementations run side by side on this 2-core
# CPU (AMD EPYC, AVX-512 without AVX512-BF16) on 2026-12-01, each family with its own default
# generator, batch 1 (BicycleGAN batch 2): the figures our ratios are judged against. (The older
# constants here came from another CPU, with native bf16, and overstated our ratios.)
REFERENCE_S_PER_IT = {"pix2pix": (0.51, 0.51), "cyclegan": (5.3, 6.4), "cut": (4.3, 4.8), "fastcut": (2.4, 2.7),
                      "bicyclegan": (1.54, 1.63)}
REFERENCE_LAB_S_PER_IT = {"pix2pix": (0.52, 0.60)}  # the reference's Lab colorization model



def net_options(args) -> dict:
    """The network options given; the generator only when asked, so each family keeps its own."""
    net = {"ngf": args.ngf, "ndf": args.ndf}
    if args.netG:
        net["netG"] = args.netG
    return net


VARIANTS = {
    "fp32": {"precision": "fp32", "channels_last": False},
    "fp32-cl": {"precision": "fp32", "channels_last": True},
    "bf16": {"precision": "bf16", "channels_last": False},
    "bf16-cl": {"precision": "bf16", "channels_last": True},
    # torch's own convolution kernels everywhere, without the matrix-product path for
    # small-spatial layers (aerocolor.nets.conv): the baseline that path is judged against.
    "fp32-native": {"precision": "fp32", "channels_last": False, "native_conv": True},
    "bf16-native": {"precision": "bf16", "channels_last": False, "native_conv": True},
}


def variant_settings(name: str) -> dict:
    """The TrainConfig entries of a variant; switches the matrix-product path off where it says so."""
    v = dict(VARIANTS[name])
    if v.pop("native_conv", False):
        import aerocolor.nets.conv

        aerocolor.nets.conv.MATMUL_MAX_PIXELS = 0
    return v


def child(args) -> dict:
    import torch

    from aerocolor.config import TrainConfig
    from aerocolor.data.synthetic import scene
    from aerocolor.models import family_class
    from aerocolor.data.imageio import to_grey
    from aerocolor.runtime import set_threads

    set_threads(args.threads)
    torch.manual_seed(0)
    v = variant_settings(args.variant)
    model = {"net": net_options(args)}
    for item in args.set:
        k, _, val = item.partition("=")
        model[k] = json.loads(val)
    cfg = TrainConfig.from_dict({"family": args.family, "tile": args.tile, "batch": args.batch,
                                 "color_mode": args.color_mode, "device": args.device, "model": model, **v})
    fam_cls = family_class(args.family)
    fam = fam_cls(cfg, torch.device(args.device))
    fam.train_mode(True)
    rgb = torch.stack([torch.from_numpy(scene(args.tile, args.tile, i)).permute(2, 0, 1) for i in range(args.batch)])
    grey = torch.stack([torch.from_numpy(to_grey(scene(args.tile, args.tile, i))).permute(2, 0, 1)
                        for i in range(args.batch)])
    batch = {"A": grey, "B": rgb}
    ctx = (lambda: torch.autocast(args.device.split(":")[0], dtype=torch.bfloat16)) if v["precision"] == "bf16" \
        else (lambda: torch.autocast("cpu", enabled=False))
    times = []
    for i in range(args.warmup + args.iters):
        fam.set_input(batch)
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        with ctx():
            losses = fam.optimize()
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        if i >= args.warmup:
            times.append(time.perf_counter() - t0)
    times.sort()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = {"s_per_it": sum(times) / len(times), "median": times[len(times) // 2],
           "peak_mib": peak_kib / 1024.0, "losses": losses}
    if args.device.startswith("cuda"):
        out["cuda_peak_mib"] = torch.cuda.max_memory_allocated() / 2 ** 20
    return out


def quality(args) -> dict:
    """Train the same model in one variant for args.quality steps; return validation L1 and time."""
    import tempfile

    from aerocolor.config import TrainConfig
    from aerocolor.data.build import DatasetConfig, build_synthetic
    from aerocolor.training.trainer import Trainer

    data = os.path.join(args.data_dir, f"syn_{args.tile}")
    if not os.path.isdir(data):
        build_synthetic(80, DatasetConfig(out=data, tile=args.tile, layout="pairs", seed=7,
                                          val_fraction=0.2, test_fraction=0.0))
    v = variant_settings(args.variant)
    model = {"net": net_options(args)}
    for item in args.set:
        k, _, val = item.partition("=")
        model[k] = json.loads(val)
    with tempfile.TemporaryDirectory() as run:
        cfg = TrainConfig.from_dict({"family": args.family, "data": data, "run": run, "tile": args.tile,
                                     "batch": args.batch, "color_mode": args.color_mode, "device": args.device,
                                     "threads": args.threads, "epochs": 1, "decay_epochs": 0,
                                     "save_every": 0, "val_max": 64, "seed": args.seed,
                                     "model": model, **v})
        t = Trainer(cfg)
        t.setup()
        # The last --decay-share of the steps decay the learning rate linearly to zero (the study's
        # schedule shape), so each run ends on settled weights rather than mid-oscillation.
        epochs = max(1, round(args.quality / t.steps_per_epoch))
        cfg.decay_epochs = round(epochs * args.decay_share)
        cfg.epochs = max(1, epochs - cfg.decay_epochs)
        t0 = time.perf_counter()
        t.run()
        return {"val_L1": t.history[-1]["val"]["L1"], "seconds": time.perf_counter() - t0,
                "s_per_it": t.train_seconds / max(t.global_step, 1),
                "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--family", default="pix2pix")
    ap.add_argument("--netG", default=None, help="generator (default: the family's own, as the reference runs it)")
    ap.add_argument("--tile", type=int, default=256)
    ap.add_argument("--ngf", type=int, default=64)
    ap.add_argument("--ndf", type=int, default=64)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--color-mode", default="rgb")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--iters", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--variants", default="fp32,bf16,bf16-cl", help="comma list of " + ",".join(VARIANTS))
    ap.add_argument("--set", action="append", default=[], help="family option KEY=JSON")
    ap.add_argument("--quality", type=int, metavar="STEPS",
                    help="train STEPS steps per variant on synthetic scenes and compare validation L1")
    ap.add_argument("--seeds", type=int, default=1,
                    help="with --quality: train each variant with this many seeds and report the mean and range "
                         "(a GAN's validation L1 moves by 10-20 %% between runs that differ only in rounding)")
    ap.add_argument("--seed", type=int, default=3, help="the (first) seed of --quality")
    ap.add_argument("--decay-share", type=float, default=0.0,
                    help="with --quality: share of the steps at the end whose learning rate decays linearly to zero")
    ap.add_argument("--data-dir", default=os.path.join(REPO, "out", "bench"), help="where --quality keeps its data")
    ap.add_argument("--variant", help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.variant:
        print(json.dumps(quality(args) if args.quality else child(args)))
        return

    def run_variant(name: str, seed: int) -> dict:
        argv = list(sys.argv[1:])
        if "--variants" in argv:
            i = argv.index("--variants")
            del argv[i:i + 2]
        cmd = [sys.executable, __file__, "--variant", name] + argv + ["--seed", str(seed)]   # the last one counts
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            print(res.stderr, file=sys.stderr)
            raise SystemExit(f"variant {name} failed")
        return json.loads(res.stdout.strip().splitlines()[-1])

    names = args.variants.split(",")
    if args.quality:
        # Seeds in the outer loop, so a machine that slows down part-way hurts every variant alike.
        seeds = [args.seed + k for k in range(args.seeds)]
        runs = {name: [] for name in names}
        for seed in seeds:
            for name in names:
                runs[name].append(run_variant(name, seed))
            print(f"seed {seed}: " + "  ".join(f"{n} {runs[n][-1]['val_L1']:.4f}" for n in names), flush=True)
        mean = {name: sum(r["val_L1"] for r in rs) / len(rs) for name, rs in runs.items()}
        base_l1 = mean[names[0]]
        print(f"\nquality: {args.family} {args.netG or '(its own generator)'} {args.tile}px ngf {args.ngf}, {args.quality} steps of batch "
              f"{args.batch} on synthetic scenes, seeds {seeds}; validation L1 of the colorized RGB (0-1 units)")
        print(f"{'variant':12s} {'mean L1':>8s} {'x ' + names[0]:>13s} {'min':>8s} {'max':>8s} {'s/it':>8s}")
        for name in names:
            l1 = [r["val_L1"] for r in runs[name]]
            s_it = sum(r["s_per_it"] for r in runs[name]) / len(l1)
            print(f"{name:12s} {mean[name]:8.4f} {mean[name] / base_l1:13.3f} {min(l1):8.4f} {max(l1):8.4f} {s_it:8.3f}")
        if len(seeds) > 1:
            # Paired by seed: the spread of the differences says how far the mean ratio can be trusted.
            base_runs = [r["val_L1"] for r in runs[names[0]]]
            for name in names[1:]:
                d = [r["val_L1"] - b for r, b in zip(runs[name], base_runs)]
                m, se = statistics.mean(d), statistics.stdev(d) / len(d) ** 0.5
                print(f"{name} - {names[0]}: mean difference {m:+.4f} ({100 * m / base_l1:+.1f} %), "
                      f"standard error {se:.4f} ({100 * se / base_l1:.1f} %) over {len(d)} seeds")
        return
    rows = [(name, run_variant(name, args.seed)) for name in names]
    ref = (REFERENCE_LAB_S_PER_IT if args.color_mode == "lab" else REFERENCE_S_PER_IT).get(args.family)
    base = rows[0][1]["s_per_it"]
    print(f"\n{args.family} {args.netG or '(its own generator)'} {args.tile}px ngf {args.ngf} ndf {args.ndf} batch {args.batch} "
          f"{args.color_mode} on {args.device}, {args.threads} threads, {args.iters} iterations after {args.warmup} warm-up")
    print(f"{'variant':10s} {'s/it':>8s} {'it/s':>8s} {'x ' + rows[0][0]:>9s} {'x reference':>12s} {'peak MiB':>9s}")
    for name, r in rows:
        s = r["s_per_it"]
        vs = f"{ref[0] / s:.2f}-{ref[1] / s:.2f}" if ref else "n/a"
        print(f"{name:10s} {s:8.3f} {1 / s:8.2f} {base / s:9.2f} {vs:>12s} {r.get('cuda_peak_mib', r['peak_mib']):9.0f}")
    if ref:
        print(f"(reference implementation: {ref[0]}-{ref[1]} s/it side by side on this 2-core CPU, 2026-12-01; "
              f"the ratio holds only on that CPU)")


if __name__ == "__main__":
    main()
