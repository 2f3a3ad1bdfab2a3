"""`aerocolor evaluate`: FID, KID and IS through torch-fidelity, and paired measures.

Every figure in the report carries the number of images it rests on, and a note where
that number is too small for the figure to be trusted:
  FID  the feature covariance is full rank only with more images than feature dimensions
       (2048 for Inception); below that FID is biased upward and only comparable between
       sets of equal size.
  KID  unbiased at any size, but its subset size cannot exceed either set's count; it is
       reduced to fit and the report says so.
  IS   split into at most `is_splits` groups of at least one image.
"""
from __future__ import annotations

import contextlib
import io
import math
import os
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

import numpy as np

from aerocolor.data.imageio import Stretch
from aerocolor.errors import BadInput
from aerocolor.metrics import features as feat
from aerocolor.metrics import paired
from aerocolor.metrics.imagesets import ImageSet, match


@dataclass
class EvalConfig:
    pred: str
    ref: str
    tile: int = 256                        # rasters are cut into tiles of this size
    weights: Optional[str] = None          # the user's FID feature network (see features.py)
    is_classifier: Optional[str] = None    # the user's classifier for IS
    feature_extractor: Optional[str] = None  # a torch-fidelity extractor registered in this process
    fid: bool = True
    kid: bool = True
    inception_score: bool = True
    paired: bool = True
    kid_subset_size: int = 1000
    kid_subsets: int = 100
    is_splits: int = 10
    batch: int = 16
    device: str = "auto"
    seed: int = 2020
    stretch: Stretch = field(default_factory=Stretch)


def _fidelity_call(device, batch: int, seed: int, **kwargs) -> dict:
    import torch_fidelity

    # torch-fidelity prints its progress to stdout, which belongs to the JSON-lines events.
    with contextlib.redirect_stdout(io.StringIO()):
        return torch_fidelity.calculate_metrics(
            cuda=device.type == "cuda", batch_size=batch, cache=False, verbose=False, save_cpu_ram=True,
            rng_seed=seed, **kwargs)


def _feature_dims(name: str) -> Optional[int]:
    from torch_fidelity.registry import FEATURE_EXTRACTORS_REGISTRY

    cls = FEATURE_EXTRACTORS_REGISTRY.get(name)
    layer = cls.get_default_feature_layer_for_metric("fid") if cls else None
    return int(layer) if layer and str(layer).isdigit() else None


def _finite(x: float) -> Optional[float]:
    return x if x is not None and math.isfinite(x) else None


def paired_measures(pred: ImageSet, ref: ImageSet, pairs: List[tuple],
                    progress: Optional[Callable[[int, int], None]] = None) -> dict:
    """Mean PSNR, SSIM and CIEDE2000 over matching tiles; sizes must agree tile for tile."""
    values: Dict[str, list] = {"psnr": [], "ssim": [], "ciede2000": []}
    for n, (i, j) in enumerate(pairs):
        p, r = pred.image(i), ref.image(j)
        if p.shape != r.shape:
            return {"available": False, "reason": f"{pred.keys[i]} is {p.shape[1]}x{p.shape[0]} px in the "
                                                   f"predictions but {r.shape[1]}x{r.shape[0]} px in the reference"}
        values["psnr"].append(paired.psnr(p, r))
        values["ssim"].append(paired.ssim(p, r))
        values["ciede2000"].append(paired.ciede2000(p, r))
        if progress:
            progress(n + 1, len(pairs))
    psnrs = np.asarray(values["psnr"])
    finite = psnrs[np.isfinite(psnrs)]
    return {
        "available": True, "images": len(pairs),
        "psnr": _finite(float(finite.mean())) if finite.size else None,
        "psnr_identical": int((~np.isfinite(psnrs)).sum()),  # identical tiles have no finite PSNR
        "ssim": float(np.mean(values["ssim"])),
        "ciede2000": float(np.mean(values["ciede2000"])),
    }


def colourfulness_of(images: ImageSet) -> dict:
    vals = [paired.colourfulness(images.image(i)) for i in range(len(images))]
    return {"mean": float(np.mean(vals)), "std": float(np.std(vals)), "images": len(vals)}


def evaluate(cfg: EvalConfig, progress: Optional[Callable[[int, int], None]] = None) -> dict:
    """Score cfg.pred against cfg.ref; returns the report (JSON-able dict)."""
    from aerocolor.runtime import resolve_device

    pred = ImageSet(cfg.pred, cfg.tile, cfg.stretch)
    ref = ImageSet(cfg.ref, cfg.tile, cfg.stretch)
    n_pred, n_ref = len(pred), len(ref)
    device = resolve_device(cfg.device)
    report: dict = {
        "pred": {"path": os.path.abspath(cfg.pred), "kind": pred.kind, "images": n_pred},
        "ref": {"path": os.path.abspath(cfg.ref), "kind": ref.kind, "images": n_ref},
        "warnings": [],
    }
    warn = report["warnings"].append
    stages = int(cfg.fid or cfg.kid) + int(cfg.inception_score) + int(cfg.paired) + 1
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, stages)

    # Distribution measures: FID and KID on the feature network, IS on a classifier.
    net = None
    if cfg.fid or cfg.kid:
        feat.register_extractors()
        if cfg.feature_extractor:
            net = feat.Network(cfg.feature_extractor, None, "registered by the caller",
                               f"torch-fidelity extractor {cfg.feature_extractor!r}", False)
        else:
            net = feat.find_feature_network(cfg.weights)
        report["feature_network"] = net.to_dict()
        if min(n_pred, n_ref) < 2:
            raise BadInput(f"FID and KID need at least 2 images in each set (predictions {n_pred}, "
                           f"reference {n_ref}); give more tiles or a smaller --tile.")
        pred.check_one_size()
        ref.check_one_size()
        kid_size = min(cfg.kid_subset_size, n_pred, n_ref)
        out = _fidelity_call(device, cfg.batch, cfg.seed, input1=pred, input2=ref, fid=cfg.fid, kid=cfg.kid,
                             feature_extractor=net.extractor, feature_extractor_weights_path=net.path,
                             kid_subset_size=kid_size, kid_subsets=cfg.kid_subsets)
        dims = _feature_dims(net.extractor)
        if cfg.fid:
            fid = {"value": float(out["frechet_inception_distance"]), "images": [n_pred, n_ref],
                   "feature_dims": dims}
            if dims and min(n_pred, n_ref) <= dims:
                fid["reliable"] = False
                fid["note"] = (f"rests on {n_pred} and {n_ref} images, fewer than the {dims + 1} a full-rank "
                               f"{dims}-d covariance needs: biased upward, comparable only between sets of "
                               f"the same size")
                warn(f"FID {fid['note']}.")
            else:
                fid["reliable"] = True
            report["fid"] = fid
        if cfg.kid:
            kid = {"mean": float(out["kernel_inception_distance_mean"]),
                   "std": float(out["kernel_inception_distance_std"]),
                   "images": [n_pred, n_ref], "subset_size": kid_size, "subsets": cfg.kid_subsets}
            if kid_size < cfg.kid_subset_size:
                kid["note"] = (f"subset size reduced from {cfg.kid_subset_size} to {kid_size} to fit the "
                               f"smaller set; " + ("every subset is then that whole set, so the spread is 0 and "
                                                   "says nothing of the uncertainty" if kid_size == min(n_pred, n_ref)
                                                   else "the spread is wider than at full size"))
                warn(f"KID {kid['note']}.")
            report["kid"] = kid
        step()

    if cfg.inception_score:
        pred.check_one_size()
        feat.register_extractors()
        clf, why = feat.find_is_classifier(net if not cfg.feature_extractor else None, cfg.is_classifier)
        if clf is None:
            report["is"] = {"available": False, "reason": why, "images": n_pred}
        else:
            splits = max(1, min(cfg.is_splits, n_pred))
            out = _fidelity_call(device, cfg.batch, cfg.seed, input1=pred, isc=True, isc_splits=splits,
                                 feature_extractor=clf.extractor, feature_extractor_weights_path=clf.path)
            report["is"] = {"available": True, "mean": float(out["inception_score_mean"]),
                            "std": float(out["inception_score_std"]), "images": n_pred, "splits": splits,
                            "classifier": clf.to_dict()}
            if not clf.standard:
                warn(f"IS uses {clf.description}.")
            if n_pred < 10 * splits:
                report["is"]["note"] = f"only {n_pred / splits:.1f} images per split: a noisy estimate"
        step()

    report["colourfulness"] = {"pred": colourfulness_of(pred), "ref": colourfulness_of(ref)}
    step()

    if cfg.paired:
        pairs, note = match(pred, ref)
        if pairs is None:
            report["paired"] = {"available": False, "reason": note}
        else:
            report["paired"] = paired_measures(pred, ref, pairs)
            if note and report["paired"].get("available"):
                report["paired"]["note"] = note.lstrip("; ")
        step()
    return report


def format_report(report: dict) -> str:
    """The report as a few lines of text, each figure with its image count."""
    lines = [f"predictions  {report['pred']['path']} ({report['pred']['images']} images)",
             f"reference    {report['ref']['path']} ({report['ref']['images']} images)"]
    net = report.get("feature_network")
    if net:
        lines.append(f"features     {net['description']} [{net['source']}]")
    if "fid" in report:
        f = report["fid"]
        lines.append(f"FID          {f['value']:.3f}   ({f['images'][0]} vs {f['images'][1]} images"
                     f"{'' if f['reliable'] else ', below full rank'})")
    if "kid" in report:
        k = report["kid"]
        lines.append(f"KID          {k['mean']:.5f} +- {k['std']:.5f}   ({k['images'][0]} vs {k['images'][1]} "
                     f"images, subsets of {k['subset_size']} x {k['subsets']})")
    if "is" in report:
        s = report["is"]
        if s["available"]:
            lines.append(f"IS           {s['mean']:.3f} +- {s['std']:.3f}   ({s['images']} images, {s['splits']} "
                         f"splits; {s['classifier']['description']})")
        else:
            lines.append(f"IS           unavailable ({s['reason']})")
    c = report.get("colourfulness")
    if c:
        lines.append(f"colourful.   predictions {c['pred']['mean']:.2f} ({c['pred']['images']} images), "
                     f"reference {c['ref']['mean']:.2f} ({c['ref']['images']} images)")
    p = report.get("paired")
    if p:
        if p["available"]:
            psnr = "n/a" if p["psnr"] is None else f"{p['psnr']:.2f} dB"
            lines.append(f"paired       PSNR {psnr}, SSIM {p['ssim']:.4f}, CIEDE2000 {p['ciede2000']:.2f}   "
                         f"({p['images']} pairs)")
        else:
            lines.append(f"paired       not computed: {p['reason']}")
    for w in report.get("warnings", []):
        lines.append(f"warning: {w}")
    return "\n".join(lines)
