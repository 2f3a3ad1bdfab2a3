"""A study spec (TOML): its sections read, checked and each variant's training settings resolved.
The layout of a spec is described in study/runner.py."""
from __future__ import annotations

import copy
import hashlib
import json
import os

from aerocolor.errors import BadInput

STATUS_DONE, STATUS_SKIPPED, STATUS_FAILED, STATUS_PENDING = "done", "skipped", "failed", "pending"
# Keys of a variant table that describe it rather than configure training.
VARIANT_META = ("label", "full")


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
