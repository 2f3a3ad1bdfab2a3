"""The study's report: report.md (tables, findings, loss curves and sample grids) and report.html."""
from __future__ import annotations

import html
import math
import os
from typing import Dict, List, Optional

import numpy as np
import torch

from aerocolor.study.spec import STATUS_DONE, STATUS_FAILED, STATUS_PENDING, STATUS_SKIPPED
from aerocolor.training.plots import save_figure


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
            md += ["", "Loss curves per epoch (generator above, discriminator below):", "",
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
    _atomic_text(html_path, _html("\n".join(md), spec))
    return md_path, html_path


def _atomic_text(path: str, text: str) -> None:
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


STYLE = ("body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}"
         "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #bbb;padding:3px 6px}"
         "th{background:#eee}img{max-width:100%}")


def _html(markdown_text: str, spec: dict) -> str:
    """report.md as a page of its own (Python-Markdown, with its tables extension)."""
    import markdown

    body = markdown.markdown(markdown_text, extensions=["tables"], output_format="html")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(spec['title'] or spec['name'])}"
            f"</title><style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")
