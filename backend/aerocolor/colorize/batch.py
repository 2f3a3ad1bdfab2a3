"""Many rasters, one job: the model is read once, each raster is colorized in turn into an output folder,
and a ledger there records what was done with which model, so a rerun after a crash or a cancel skips
what is finished. One bad file is reported and the others go on.

The ledger (DIR/aerocolor-ledger.jsonl) has one JSON line per finished or failed file: the input, the
output's name, the model's identity (SHA-256 of the checkpoint) and the colorize settings that change
pixels. A file counts as done only when its line says so for the same model and settings and the output
is there with the size the line gives; outputs appear under their name only when complete (.part first).

Under torchrun the files are shared among the ranks, largest first, each to the rank with the fewest
pixels so far, so the ranks finish together. Rank 0 writes the ledger; every other rank notes its own
finished files in aerocolor-ledger.rankN.jsonl as it goes (so a rank killed midway loses only the file in
progress), which rank 0 folds into the ledger when all are done.
"""
from __future__ import annotations

import dataclasses
import glob
import json
import os
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

from aerocolor import __version__
from aerocolor.errors import AeroColorError, BadInput, Cancelled, disk_error
from aerocolor.protocol import EventSink
from aerocolor.runtime import CancelFlag, no_cancel

LEDGER = "aerocolor-ledger.jsonl"
RANK_LEDGER = "aerocolor-ledger.rank{rank}.jsonl"
DEFAULT_PATTERN = "{stem}_colorized.tif"
RASTER_EXTENSIONS = (".tif", ".tiff", ".vrt", ".jp2", ".img", ".png", ".jpg", ".jpeg", ".ecw", ".sid", ".nc")
# Options that change the pixels written: a ledger entry made with other values is not "done".
PIXEL_OPTIONS = ("tile", "overlap", "gsd", "precision", "cog", "compress", "overviews", "samples", "seed",
                 "z_reference", "z_fixed", "tone_match", "max_upsample")


@dataclass
class FileOutcome:
    input: str
    output: str
    status: str              # done | skipped | failed
    reason: str = ""
    seconds: float = 0.0
    code: int = 0            # for a failure: the exit code its kind maps to


@dataclass
class BatchResult:
    files: List[FileOutcome] = field(default_factory=list)
    not_rasters: List[str] = field(default_factory=list)
    seconds: float = 0.0

    def of(self, status: str) -> List[FileOutcome]:
        return [f for f in self.files if f.status == status]

    @property
    def exit_code(self) -> int:
        """0 when nothing failed, else the code of the first failure's kind (2 bad input, 4 disk, 1 other)."""
        failed = self.of("failed")
        return failed[0].code if failed else 0


def expand_inputs(items: List[str], list_file: Optional[str] = None) -> Tuple[List[str], List[str]]:
    """(rasters, files left out): items are files, folders (their rasters, not recursive) or globs;
    `list_file` has one path a line (blank lines and # comments ignored)."""
    items = list(items)
    if list_file:
        try:
            with open(list_file, encoding="utf-8") as fh:
                items += [ln.strip() for ln in fh if ln.strip() and not ln.lstrip().startswith("#")]
        except OSError as exc:
            raise BadInput(f"Could not read the list {list_file} ({exc.strerror}); check the path.") from None
    found, left_out = [], []
    for item in items:
        if os.path.isdir(item):
            for name in sorted(os.listdir(item)):
                path = os.path.join(item, name)
                if not os.path.isfile(path) or name.startswith("."):
                    continue
                (found if name.lower().endswith(RASTER_EXTENSIONS) else left_out).append(path)
        elif glob.has_magic(item):
            matches = sorted(p for p in glob.glob(item) if os.path.isfile(p))
            if not matches:
                raise BadInput(f"No file matches {item}; check the pattern (quote it so the shell leaves it).")
            found += matches
        else:
            found.append(item)  # a missing or unreadable file is that file's failure, not the job's
    unique = list(dict.fromkeys(os.path.abspath(p) for p in found))
    if not unique:
        raise BadInput("No rasters to colorize were given; name files, folders or globs, or --list a file "
                       "of paths.")
    return unique, left_out


def output_name(pattern: str, path: str) -> str:
    stem = os.path.splitext(os.path.basename(path))[0]
    try:
        name = pattern.format(stem=stem, name=os.path.basename(path),
                              parent=os.path.basename(os.path.dirname(os.path.abspath(path))))
    except (KeyError, IndexError, ValueError) as exc:
        raise BadInput(f"The output pattern {pattern!r} is not usable ({exc}); it may use {{stem}}, {{name}} "
                       f"and {{parent}}, e.g. {DEFAULT_PATTERN!r}.") from None
    if os.sep in name or (os.altsep and os.altsep in name) or not name:
        raise BadInput(f"The output pattern {pattern!r} gives {name!r}, which is not a file name; "
                       f"outputs go into --out-dir.")
    return name


def plan_outputs(inputs: List[str], out_dir: str, pattern: str) -> Dict[str, str]:
    """input -> output path, refusing two inputs that would write one output."""
    outs: Dict[str, str] = {}
    seen: Dict[str, str] = {}
    given = set(inputs)
    for p in inputs:
        out = os.path.join(out_dir, output_name(pattern, p))
        if out in seen:
            raise BadInput(f"{seen[out]} and {p} would both be written to {out}; use --pattern with "
                           f"{{parent}} (e.g. '{{parent}}_{{stem}}.tif') to tell them apart.")
        if os.path.abspath(out) in given:
            raise BadInput(f"The output {out} would overwrite the input of that name; choose another "
                           f"--out-dir or --pattern.")
        seen[out] = p
        outs[p] = out
    return outs


def _ledger_files(out_dir: str) -> List[str]:
    """The ledger, then the rank ledgers a job under torchrun left (killed before rank 0 folded them in)."""
    ranks = sorted(glob.glob(os.path.join(glob.escape(out_dir), RANK_LEDGER.format(rank="*"))))
    return [os.path.join(out_dir, LEDGER)] + ranks


def read_ledger(out_dir: str) -> Dict[str, dict]:
    """input -> its newest ledger entry (a torn last line is ignored)."""
    entries: Dict[str, dict] = {}
    for path in _ledger_files(out_dir):
        try:
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    try:
                        e = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(e, dict) and "input" in e:
                        entries[e["input"]] = e
        except FileNotFoundError:
            pass
    return entries


def share(inputs: List[str], pixels: Dict[str, int], ranks: int) -> List[List[str]]:
    """Each rank's files: largest first, each to the rank with the fewest pixels so far (ties: lowest
    rank); every rank computes the same shares. Within a share the files keep the inputs' order."""
    load = [0] * ranks
    mine: List[List[str]] = [[] for _ in range(ranks)]
    order = {p: i for i, p in enumerate(inputs)}
    for path in sorted(inputs, key=lambda p: (-pixels.get(p, 0), order[p])):
        r = min(range(ranks), key=lambda k: (load[k], k))
        mine[r].append(path)
        load[r] += pixels.get(path, 0)
    return [sorted(m, key=order.get) for m in mine]


def _fold_rank_ledgers(out_dir: str, ranks: int) -> None:
    """Rank 0, at the end: the other ranks' entries appended to the ledger, their files removed."""
    for r in range(1, ranks):
        part = os.path.join(out_dir, RANK_LEDGER.format(rank=r))
        try:
            with open(part, encoding="utf-8") as fh:
                entries = [json.loads(x) for x in fh if x.strip()]
        except (FileNotFoundError, ValueError):
            continue
        for entry in entries:
            _append_ledger(out_dir, entry)
        os.remove(part)


def _append_ledger(out_dir: str, entry: dict, rank: int = 0) -> None:
    path = os.path.join(out_dir, LEDGER if rank == 0 else RANK_LEDGER.format(rank=rank))
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise disk_error(path, exc) from None


def _outputs_of(out: str, samples: int) -> List[str]:
    from aerocolor.colorize.output_files import sample_paths

    return sample_paths(out, samples)


def _already(entry: Optional[dict], outs: List[str], model_id: str, settings: dict) -> Tuple[bool, str]:
    """(done before, why not) for one input."""
    present = [o for o in outs if os.path.exists(o)]
    if not present:
        return False, ""
    if entry and entry.get("status") == "done" and entry.get("model") == model_id \
            and entry.get("settings") == settings \
            and all(os.path.exists(o) and os.path.getsize(o) == s for o, s in zip(outs, entry.get("sizes", []))):
        return True, ""
    if entry and entry.get("status") == "done" and entry.get("model") != model_id:
        return False, "made by another model"
    if entry and entry.get("status") == "done":
        return False, "made with other settings"
    return False, "not made by this job"


def colorize_many(model: str, inputs: List[str], out_dir: str, pattern: str = DEFAULT_PATTERN,
                  events: Optional[EventSink] = None, cancel: Optional[CancelFlag] = None,
                  overwrite: bool = False, left_out: Optional[List[str]] = None,
                  say: Callable[[str], None] = lambda s: None, **options) -> BatchResult:
    """Colorize `inputs` (raster paths) with the checkpoint `model` into `out_dir`; see the module."""
    from datetime import timedelta

    import torch

    from aerocolor.colorize import onnx_model
    from aerocolor.colorize.engine import ColorizeConfig, colorize
    from aerocolor.colorize.raster import raster_size
    from aerocolor.models.checkpoint import encoder_from, file_sha256, generator_from, load
    from aerocolor.runtime import resolve_device
    from aerocolor.training.distributed import from_env

    events = events or EventSink()
    cancel = cancel or no_cancel()
    if not os.path.isdir(out_dir):
        raise BadInput(f"The output folder {out_dir} does not exist; create it first.")
    try:
        cfg = ColorizeConfig(**options)
    except TypeError as exc:
        raise BadInput(f"Unknown colorize option ({exc}).") from None
    outs = plan_outputs(inputs, out_dir, pattern)
    settings = {k: getattr(cfg, k) for k in PIXEL_OPTIONS}
    model_id = file_sha256(model)[:16]   # the model's identity in the ledger
    world = from_env()
    # A rank may finish its share hours before the others and then waits at the final gather.
    world.start(cfg.device, patience=timedelta(days=7))
    if world.rank:
        events, say = EventSink(), (lambda s: None)    # only rank 0 speaks
    if onnx_model.is_onnx(model):
        loaded = onnx_model.load(model, cfg.threads, cfg.device)
        where = f"{loaded[1].device} (onnxruntime)"
    else:
        ckpt = load(model)
        device = resolve_device(cfg.device)
        card, net = generator_from(ckpt, model, device)
        loaded = (card, net) if not int(card.get("nz") or 0) else (card, net, encoder_from(ckpt, model, device))
        where = str(device)
        del ckpt
    ledger = read_ledger(out_dir)
    finished = [p for p in inputs if _already(ledger.get(p), _outputs_of(outs[p], cfg.samples), model_id, settings)[0]]
    if finished and world.rank == 0:
        say(f"Resuming: {len(finished)} of {len(inputs)} rasters were finished by an earlier run of this job "
            f"(the ledger in {out_dir}); the other {len(inputs) - len(finished)} are colorized now.")
    result = BatchResult(not_rasters=list(left_out or []))
    sizes = {p: raster_size(p) for p in inputs}               # None: not readable (its failure comes later)
    pixels = {p: s[0] * s[1] for p, s in sizes.items() if s}
    everything = inputs
    if world.active:
        inputs = share(inputs, pixels, world.size)[world.rank]
    total = sum(pixels.get(p, 0) for p in inputs) or 1
    done_px = 0
    started = time.monotonic()
    events.emit("hello", tool="colorize-batch", version=__version__, torch=str(torch.__version__), device=where,
                files=len(inputs))

    def overall(fraction: float, px: int) -> None:
        step = done_px + int(fraction * px)
        elapsed = time.monotonic() - started
        eta = elapsed * (total - step) / step if step else None
        events.emit("progress", stage="files", step=step, steps=total, fraction=round(min(step / total, 1.0), 4),
                    eta_s=round(eta, 1) if eta else None)

    class PerFile(EventSink):
        """The file's own events pass through; its tile progress also moves the overall bar."""

        def __init__(self, px: int):
            super().__init__(None)
            self.px = px

        def emit(self, type_, **fields):
            if type_ == "hello":
                return None
            if type_ == "progress" and fields.get("steps"):
                overall(fields["step"] / fields["steps"], self.px)
            return events.emit(type_, **fields)

    for i, path in enumerate(inputs):
        if cancel.is_set():
            raise Cancelled(f"Cancelled after {i} of {len(inputs)} rasters; finished outputs and the ledger "
                            f"are kept, so the same command resumes.")
        out = outs[path]
        targets = _outputs_of(out, cfg.samples)
        px = (sizes[path][0] * sizes[path][1]) if sizes[path] else 0
        done, why = _already(ledger.get(path), targets, model_id, settings)
        t0 = time.monotonic()
        if done:
            outcome = FileOutcome(path, out, "skipped", "already done with this model")
        elif why and not overwrite:
            outcome = FileOutcome(path, out, "skipped", f"{out} exists ({why}); --overwrite replaces it")
        else:
            try:
                colorize(loaded, path, out, PerFile(px), cancel, **options)
                outcome = FileOutcome(path, out, "done")
            except Cancelled:
                raise
            except AeroColorError as exc:
                outcome = FileOutcome(path, out, "failed", exc.message, code=exc.exit_code)
            except Exception as exc:  # noqa: BLE001 - one file's fault must not stop the others
                outcome = FileOutcome(path, out, "failed", f"internal error: {exc}", code=1)
            outcome.seconds = round(time.monotonic() - t0, 2)
            entry = {"input": path, "output": os.path.basename(out), "status": outcome.status,
                     "model": model_id, "settings": settings, "time": time.strftime("%Y-%m-%dT%H:%M:%S")}
            if outcome.status == "done":
                entry["sizes"] = [os.path.getsize(t) for t in targets]
            else:
                entry["reason"] = outcome.reason
            _append_ledger(out_dir, entry, world.rank)
        done_px += px
        overall(0.0, 0)
        result.files.append(outcome)
        events.emit("file", index=i + 1, files=len(inputs), **dataclasses.asdict(outcome))
        say(f"[{i + 1}/{len(inputs)}] {outcome.status}: {os.path.basename(path)}"
            + (f" ({outcome.reason})" if outcome.reason else ""))
    if world.active:
        everyone = [f for part in world.gather(result.files) for f in part]
        order = {p: i for i, p in enumerate(everything)}
        result.files = sorted(everyone, key=lambda f: order[f.input])
        if world.rank == 0:
            _fold_rank_ledgers(out_dir, world.size)
        world.stop()
    result.seconds = time.monotonic() - started
    return result

