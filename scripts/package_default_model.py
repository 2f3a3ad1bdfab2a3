#!/usr/bin/env python3
"""Bundle a trained checkpoint as AeroColor's default model: an fp16 inference-only copy
with its model card inside (the card dict) and beside it (MODEL_CARD.md).

  .venv/bin/python scripts/package_default_model.py RUN/checkpoints/latest.pt \
      --eval out/default_eval.json --hardware "one NVIDIA H100" --wall-minutes 5
"""
from __future__ import annotations

import argparse
import json
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "backend"))

from aerocolor.models import checkpoint  # noqa: E402
from aerocolor.assets import DEFAULT_MODEL, MODEL_CARD  # noqa: E402

LIMITS = ("Trained on 7.3 megapixels of NEON 10 cm airborne photos of North American conifer forest, "
          "grassland and roads (Yellowstone and the Sierra Nevada foothills). It knows those colours "
          "and nothing else: cities, farmland, water and tropical vegetation will come out in the "
          "wrong colours, and photos at other scales are resampled to 10 cm for it. For real work, "
          "capture colour tiles over your own region (Capture dock or `aerocolor dataset`) and train "
          "your own model with `aerocolor train`.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("--eval", required=True, help="JSON written by scripts/evaluate_default_model.py")
    ap.add_argument("--name", help="row of the evaluation that is this model (default: the file name)")
    ap.add_argument("--hardware", default="unknown")
    ap.add_argument("--wall-minutes", type=float)
    args = ap.parse_args()

    with open(args.eval) as fh:
        ev = json.load(fh)
    rows = ev["rows"]
    name = args.name or os.path.basename(args.checkpoint)
    ours, grey, mean = rows[name], rows["grey copy"], rows["mean a*b* over L"]
    card = checkpoint.load(args.checkpoint)["card"]
    t = card["train"]
    model_card = {
        "name": "AeroColor default (NEON forest, 10 cm)",
        "data": "NEON airborne RGB orthophotos, 10 cm/px, from the deepforest 2.1.0 wheel on PyPI "
                "(deepforest/data: two Yellowstone crops and SOAP_031/061; MIT licence; imagery of the "
                "National Ecological Observatory Network). OSBS_029 held out as the sample raster.",
        "licence": "model: GPL-2.0-or-later like AeroColor; training imagery: MIT (deepforest package data)",
        "ground_resolution_m": card.get("gsd"),
        "tiles": f"{card['data']['train_images']} training tiles of 384 px (spatial blocks apart from "
                 f"{card['data']['val_images']} validation and the test tiles), random 256 px crops, "
                 f"{t['repeat']} passes per epoch",
        "training": f"{card['epoch']} epochs ({t['epochs']} + {t['decay_epochs']} linear decay), batch {t['batch']}, "
                    f"lr {t['lr_g']}/{t['lr_d']}, {t['precision']} autocast",
        "hardware": args.hardware,
        "wall_minutes": args.wall_minutes,
        "held_out": {"images": ours["images"], "megapixels": round(ours["pixels"] / 1e6, 2),
                     "what": "test split of the NEON tiles and the OSBS_029 sample (a site never seen)"},
        "metrics": {"psnr_db": round(ours["psnr"], 2), "ciede2000": round(ours["ciede2000"], 2)},
        "baselines": {"grey copy": {"psnr_db": round(grey["psnr"], 2), "ciede2000": round(grey["ciede2000"], 2)},
                      "mean training a*b* over the input's L": {"psnr_db": round(mean["psnr"], 2),
                                                                 "ciede2000": round(mean["ciede2000"], 2)}},
        "mean_training_ab": ev.get("mean_ab"),
        "limits": LIMITS,
        "recipe": "scripts/train_default_model",
    }
    card["model_card"] = model_card
    tmp = DEFAULT_MODEL + ".src.pt"
    checkpoint.save(tmp, {**checkpoint.load(args.checkpoint), "card": card})
    checkpoint.export(tmp, DEFAULT_MODEL, half=True)
    os.remove(tmp)

    net = t["model"]["net"]
    lines = [
        "# AeroColor default model",
        "",
        f"`default-model.pt` ({os.path.getsize(DEFAULT_MODEL) / 2 ** 20:.1f} MiB, fp16 weights): "
        f"{card['family']} in L\\*a\\*b\\* ({card['color_mode']}: the model predicts a\\*b\\* from L; the "
        f"output keeps the photo's own lightness), U-Net generator ngf {net['ngf']} depth {net['unet_depth']}, "
        f"PatchGAN ndf {net['ndf']}, {t['model']['gan_mode']} GAN loss, L1 weight {t['model']['lambda_l1']}. "
        f"Its card is inside the file too: `aerocolor info {os.path.relpath(DEFAULT_MODEL, REPO)}`.",
        "",
        f"- **Data**: {model_card['data']}",
        f"- **Licence**: {model_card['licence']}",
        f"- **Ground resolution**: {card.get('gsd')} m/px; colorize resamples other inputs to it and returns "
        f"colour at the input's own resolution.",
        f"- **Tiles**: {model_card['tiles']}.",
        f"- **Training**: {model_card['training']}; {args.hardware}"
        + (f", about {args.wall_minutes:g} minutes of wall time" if args.wall_minutes else "") + ".",
        f"- **Chosen by**: scripts/evaluate_default_model.py over candidates of the same recipe "
        f"(Lab vs RGB, U-Net vs ResNet, vanilla vs LSGAN); this one scored best on both measures.",
        "",
        f"## Held-out real tiles ({model_card['held_out']['images']} images, "
        f"{model_card['held_out']['megapixels']} MP: {model_card['held_out']['what']})",
        "",
        "| method | PSNR (dB, higher is better) | mean CIEDE2000 (lower is better) |",
        "|---|---|---|",
        f"| grey copy | {grey['psnr']:.2f} | {grey['ciede2000']:.2f} |",
        f"| mean training a\\*b\\* over the input's L | {mean['psnr']:.2f} | {mean['ciede2000']:.2f} |",
        f"| **this model** | **{ours['psnr']:.2f}** | **{ours['ciede2000']:.2f}** |",
        "",
        "## Limits",
        "",
        LIMITS,
        "",
        "## Reproduce",
        "",
        "`scripts/train_default_model` fetches the imagery, cuts the tiles, trains, evaluates and packages "
        "this file. It runs the same on a CPU, but at 256 px and batch 16 a step took 1.7 s on a 2-core "
        "CPU (AMD EPYC, bf16), so its 4800 steps take about 2.5 hours there; a GPU does them in minutes "
        "(`scripts/train_default_model --device cuda`).",
        "",
    ]
    with open(MODEL_CARD, "w") as fh:
        fh.write("\n".join(lines))
    print(f"default model: {DEFAULT_MODEL} ({os.path.getsize(DEFAULT_MODEL) / 2 ** 20:.1f} MiB); card: {MODEL_CARD}")


if __name__ == "__main__":
    main()
