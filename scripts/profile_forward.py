#!/usr/bin/env python3
"""Where a generator forward's time goes: the U-Net 256 (ngf 64, random weights) timed with and
without our matrix-product path for small-spatial layers, then one profile by operator and input
shape, so a CPU on which the forward is far from its convolution ceiling shows which layers cost.

  .venv/bin/python scripts/profile_forward.py                     # bf16 channels-last batch 8
  taskset -c 0,1 python3 scripts/profile_forward.py --batch 16    # pinned to two cores
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "backend"))
sys.path.insert(0, os.path.join(REPO, "scripts"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--precision", default="bf16", choices=("bf16", "fp32"))
    ap.add_argument("--batches", type=int, default=6, help="timed batches per variant")
    ap.add_argument("--rows", type=int, default=18, help="rows of the profile table")
    args = ap.parse_args()

    import torch
    import torch.profiler

    import aerocolor.nets.conv as conv
    from aerocolor.allocator import keep_freed_memory
    from aerocolor.models.checkpoint import load_generator
    from aerocolor.colorize.inference import TileModel
    from bench_colorize import TILE, UNET_GFLOP, make_model

    keep_freed_memory()
    with tempfile.TemporaryDirectory(prefix="profile_forward_") as tmp:
        card, net = load_generator(make_model(os.path.join(tmp, "unet.pt")), torch.device("cpu"))
    tm = TileModel(card, net, torch.device("cpu"), args.precision, True)
    x = torch.rand(args.batch, 1, TILE, TILE) * 2 - 1
    print(f"U-Net 256 ngf 64, {args.precision} channels-last, batch {args.batch}, {torch.get_num_threads()} threads")
    default_limit = conv.MATMUL_MAX_PIXELS
    for label, limit in (("matrix-product path (default)", default_limit), ("torch's own kernels", 0),
                         ("matrix-product path (default)", default_limit)):
        conv.MATMUL_MAX_PIXELS = limit
        tm.forward_model(x)
        t0 = time.perf_counter()
        for _ in range(args.batches):
            tm.forward_model(x)
        dt = (time.perf_counter() - t0) / args.batches
        mps = args.batch * TILE * TILE / 1e6 / dt
        print(f"  {label:32s} {dt * 1000:7.1f} ms per batch  {mps:5.2f} MP/s  "
              f"{UNET_GFLOP * args.batch / dt:6.0f} GFLOP/s", flush=True)
    conv.MATMUL_MAX_PIXELS = default_limit
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], record_shapes=True) as prof:
        for _ in range(3):
            tm.forward_model(x)
    print(prof.key_averages(group_by_input_shape=True).table(sort_by="self_cpu_time_total", row_limit=args.rows,
                                                             max_name_column_width=28, max_shapes_column_width=60))


if __name__ == "__main__":
    main()
