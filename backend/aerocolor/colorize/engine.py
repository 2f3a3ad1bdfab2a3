"""Raster in, raster out: a grey photo (any size GDAL reads) and a checkpoint give a colour GeoTIFF
on the same grid.

Three threads share the work: a reader fetches the next strip of rows, the main thread
runs overlapping tiles through the generator in batches and blends them (tiling.py),
and a writer joins colour to lightness and writes finished rows (compose.py, raster.py).
At most a few strips are alive at once, so memory does not grow with the raster.

    colorize("model.pt", "photo_1975.tif", "colour_1975.tif", tile=256, overlap=32)

A model.onnx (aerocolor export --onnx) runs its generator through onnxruntime instead (onnx_model.py).
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from aerocolor import __version__, notices
from aerocolor.colorize import latent, onnx_model
from aerocolor.colorize import output_files
from aerocolor.data import tone
from aerocolor.colorize.compose import COLOUR_DTYPE, rgba_chunks
from aerocolor.data.imageio import Stretch
from aerocolor.errors import BadInput, Cancelled, DiskError
from aerocolor.colorize.inference import PRECISIONS, OnnxTileModel, TileModel
from aerocolor.protocol import EventSink
from aerocolor.runtime import CancelFlag, native_bf16, no_cancel, resolve_device, set_threads
from aerocolor.colorize.tiling import RowBlender, axis_weights, positions

if TYPE_CHECKING:  # GDAL is imported when a raster is opened, so the tile engine runs without it
    from aerocolor.colorize.raster import GreySource, RGBAWriter, SourceInfo

GSD_MODES = ("auto", "model", "native")
# Ground resolutions closer than this are treated as equal (no resampling for a 1 % difference).
GSD_TOLERANCE = 0.02
# Beyond these, one model tile covers too much or too little of the input to be useful.
MAX_TILE_IN = 8192
MIN_TILE_IN = 8
# bf16 is the default where the hardware runs it natively: on the trained test model it moved
# output pixels by far less than 1/255 on average (scripts/bench_colorize.py --check-bf16 measures it).
DEFAULT_PRECISION = "bf16"
# 16 tiles per pass on the CPU too: a 4 MP colorize runs 5-9 % faster than at 8, for about 180 MiB
# more peak memory (docs/performance.md).
DEFAULT_BATCH = 16


@dataclass
class ColorizeConfig:
    tile: Optional[int] = None        # model pixels per tile side; default: the checkpoint's tile
    overlap: Optional[int] = None     # model pixels shared by neighbouring tiles; default tile // 8
    batch: Optional[int] = None       # tiles per forward pass; default DEFAULT_BATCH
    device: str = "auto"
    threads: int = 0                  # CPU threads for torch; 0: all cores
    gsd: str = "auto"                 # auto | model | native
    precision: str = "auto"           # auto | fp32 | bf16
    channels_last: bool = True
    cog: bool = False
    compress: str = "zstd"            # zstd (level 1: fast) | deflate (for older readers)
    overviews: bool = True
    samples: int = 1                  # outputs with different random latent codes (BicycleGAN)
    seed: int = 0                     # of the random latent codes
    z_reference: Optional[str] = None  # a colour image whose latent code (E's mean) all tiles use (BicycleGAN)
    z_fixed: Optional[Union[str, Sequence[float]]] = None  # "zeros" (the prior's mean) or nz numbers, "a,b,..."
    max_upsample: float = 4.0         # --gsd auto enlarges an input at most this much for a finer model
    tone_match: bool = False          # the model sees the photo's greys mapped to its training greys (tone.py)


@dataclass
class ColorizeResult:
    outputs: List[str]
    width: int
    height: int
    tiles: int                 # tiles run through the model (all outputs)
    skipped: int               # tiles with no valid pixel, not run
    seconds: float
    scale: float               # model pixels per input pixel
    tile_in: int               # input pixels per tile side
    precision: str
    device: str
    notices: List[str] = field(default_factory=list)

    @property
    def megapixels_per_s(self) -> float:
        return self.width * self.height * len(self.outputs) / 1e6 / max(self.seconds, 1e-9)


@dataclass
class Plan:
    """Tiles on the input grid. A tile is `tile_in` input pixels wide and `tile` model pixels."""

    tile: int
    overlap: int
    tile_in: int
    overlap_in: int
    scale: float
    xs: List[int]
    ys: List[int]
    wx: List[np.ndarray]
    wy: List[np.ndarray]

    @property
    def count(self) -> int:
        return len(self.xs) * len(self.ys)


# -- checks and planning ------------------------------------------------------------------
def _check_paths(src: str, out: str) -> None:
    if os.path.abspath(src) == os.path.abspath(out):
        raise BadInput("The output would overwrite the input; choose another output name.")
    if os.path.splitext(out)[1].lower() not in (".tif", ".tiff"):
        raise BadInput(f"Name the output {out} with .tif (colorize writes GeoTIFF; "
                       f"use 'aerocolor mosaic' for a VRT).")
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder):
        raise BadInput(f"The output folder {folder} does not exist; create it first.")
    if not os.access(folder, os.W_OK):
        raise BadInput(f"The output folder {folder} is not writable; choose another one.")


def model_gsd_m(card: dict) -> Optional[float]:
    gsd, units = card.get("gsd"), card.get("gsd_units") or "metre"
    from aerocolor.colorize.raster import metres_per_unit

    factor = metres_per_unit(units)
    return float(gsd) * factor if gsd and factor else None


def model_range_m(card: dict) -> Optional[tuple]:
    """(finest, coarsest) m/px a multi-scale model learned; a one-scale model gives (gsd, gsd)."""
    from aerocolor.colorize.raster import metres_per_unit

    rng, factor = card.get("gsd_range"), metres_per_unit(card.get("gsd_units") or "metre")
    if rng and factor:
        return float(rng[0]) * factor, float(rng[1]) * factor
    one = model_gsd_m(card)
    return (one, one) if one else None


def choose_scale(card: dict, info: SourceInfo, mode: str, say: Callable[..., None],
                 max_upsample: float = 4.0) -> float:
    """Model pixels per input pixel: 1 for --gsd native, input m/px over model m/px for --gsd model.

    A multi-scale model sees an input within its range at the input's own pixels; one outside it
    is resampled to the nearest end of the range."""
    if mode not in GSD_MODES:
        raise BadInput(f"Unknown --gsd {mode!r}; choose auto, model or native.")
    if mode == "native":
        return 1.0
    rng = model_range_m(card)
    if rng is None or info.gsd_m is None:
        if mode == "model":
            which = "the model's" if rng is None else "the input's"
            raise BadInput(f"--gsd model needs both ground resolutions, but {which} is unknown; "
                           f"use --gsd native.")
        return 1.0
    low, high = rng
    model_m = min(max(info.gsd_m, low), high)
    scale = info.gsd_m / model_m
    if abs(scale - 1.0) <= GSD_TOLERANCE:
        return 1.0
    learned = f"{low:.3g} m/px" if low == high else f"{low:.3g}-{high:.3g} m/px"
    mp = info.width * info.height / 1e6
    facts = dict(input_m=f"{info.gsd_m:.3g}", model_m=learned, factor=f"{scale:.3g}", work=f"{scale * scale:.0f}",
                 megapixels=f"{mp * scale * scale:,.0f}")
    if scale > max_upsample and mode == "auto":
        say("upsample_capped", cap=f"{max_upsample:g}", flag=math.ceil(scale), **facts)
        return max_upsample
    say("resampled_costly" if scale > 1.5 else "resampled", **facts)
    return scale


def make_plan(card: dict, info: SourceInfo, cfg: ColorizeConfig, scale: float) -> Plan:
    mult = int(card.get("multiple") or 1)
    tile = int(cfg.tile or card["tile"])
    if tile < mult or tile % mult:
        raise BadInput(f"--tile {tile} does not suit this model: use a multiple of {mult} "
                       f"(the model was trained with {card['tile']}).")
    overlap = tile // 8 if cfg.overlap is None else int(cfg.overlap)
    if overlap < 0 or 2 * overlap >= tile:
        raise BadInput(f"--overlap {overlap} must be at least 0 and less than half the tile ({tile // 2}).")
    tile_in = int(round(tile / scale))
    if tile_in > MAX_TILE_IN or tile_in < MIN_TILE_IN:
        raise BadInput(f"The input's resolution is {scale:.3g} times the model's, too far apart to "
                       f"colorize well; use --gsd native or resample the input to nearer the model's m/px.")
    # At least one shared pixel when an overlap was asked for: rounding to 0 would drop the blending.
    overlap_in = max(1, int(round(overlap / scale))) if overlap else 0
    xs = positions(info.width, tile_in, overlap_in)
    ys = positions(info.height, tile_in, overlap_in)
    return Plan(tile=tile, overlap=overlap, tile_in=tile_in, overlap_in=overlap_in, scale=scale, xs=xs, ys=ys,
                wx=axis_weights(xs, tile_in, info.width), wy=axis_weights(ys, tile_in, info.height))


def _card_summary(card: dict) -> dict:
    net = ((card.get("train") or {}).get("model") or {}).get("net") or {}
    keys = ("family", "color_mode", "tile", "gsd", "gsd_range", "gsd_units", "epoch", "total_epochs", "nz", "aerocolor", "created")
    return {**{k: card.get(k) for k in keys if card.get(k) is not None},
            **{k: net.get(k) for k in ("netG", "ngf") if net.get(k) is not None}}


# -- the pipeline -------------------------------------------------------------------------
_END = object()


def _put(q: "queue.Queue", item, stop: threading.Event) -> bool:
    """Put unless the pipeline is stopping (so no thread waits forever on a full queue)."""
    while not stop.is_set():
        try:
            q.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def _get(q: "queue.Queue", stop: threading.Event, cancel: CancelFlag, errors: List[BaseException]):
    """The next item, watching for a cancel and for a failed reader (whose error is raised here)."""
    while True:
        if cancel.is_set():
            raise Cancelled()
        try:
            return q.get(timeout=0.1)
        except queue.Empty:
            if stop.is_set():
                raise errors[0] if errors else RuntimeError("the raster reader stopped unexpectedly")


def _cut(grey: np.ndarray, x: int, tile: int) -> np.ndarray:
    """A (tile, tile) cut from a strip at column x; beyond the raster's edge, mirrored pixels."""
    cut = grey[:, x:x + tile]
    h, w = cut.shape
    if h < tile or w < tile:
        cut = np.pad(cut, ((0, tile - h), (0, tile - w)), mode="symmetric")
    return cut


def next_pass(pending: int, batch: int, last: bool) -> int:
    """How many of the `pending` tiles the next forward pass takes (0: wait for more). A pass of a
    single tile costs about 2.5x per tile what a full batch does (docs/performance.md), so a remainder
    of up to an eighth of a batch joins the last full pass."""
    if not last:
        return batch if pending >= batch else 0
    return pending if pending <= batch + batch // 8 else batch


def run_tiles(src: GreySource, writer: RGBAWriter, model: TileModel, plan: Plan, batch: int,
              cancel: CancelFlag, on_tiles: Callable[[int, int], None], join_threads: int = 1) -> Tuple[int, int]:
    """Colorize every tile row of `src` into `writer`; returns (tiles run, tiles skipped). While the
    generator runs, the colour join runs on `join_threads` threads: more than one can only help where
    the generator leaves cores free, as on a GPU (docs/performance.md). After the last forward pass,
    when the cores are free, it runs on every core."""
    info = src.info
    width, height, t_in = info.width, info.height, plan.tile_in
    blender = RowBlender(model.channels, width)
    stop = threading.Event()
    # One strip read ahead and one waiting to be written are enough to keep the generator busy;
    # each strip held costs a few full-width rows.
    read_q: "queue.Queue" = queue.Queue(maxsize=1)
    write_q: "queue.Queue" = queue.Queue(maxsize=1)
    errors: List[BaseException] = []

    def reader() -> None:
        try:
            for y in plan.ys:
                if not _put(read_q, (y,) + src.read(y, min(y + t_in, height)), stop):
                    return
            _put(read_q, _END, stop)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)
            stop.set()

    # Once the last forward pass is done the cores are free, and the strips still to write would
    # otherwise be joined on one thread while the rest wait: then the pool takes them.
    pool = ThreadPoolExecutor(max(join_threads, os.cpu_count() or 1), thread_name_prefix="colorize-join")
    forwards_done = threading.Event()

    def write_rows() -> None:
        try:
            while True:
                try:
                    item = write_q.get(timeout=0.1)
                except queue.Empty:
                    if stop.is_set():
                        return
                    continue
                if item is _END:
                    return
                y0, x_rows, valid, colour = item
                use = pool if join_threads > 1 or forwards_done.is_set() else None
                for r, rgba in rgba_chunks(x_rows, valid, colour, model.mode, use):
                    writer.write(y0 + r, rgba)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)
            stop.set()

    threads = [threading.Thread(target=reader, name="colorize-read", daemon=True),
               threading.Thread(target=write_rows, name="colorize-write", daemon=True)]
    for t in threads:
        t.start()
    counts = {"run": 0, "skipped": 0}
    pending: list = []      # tiles cut but not yet run: (strip index, column index, model input (t_in, t_in))
    strips: dict = {}       # strip index -> (y, model input, valid, tiles still to run), until written
    emitted = [0]           # strips handed to the writer

    def check() -> None:
        if cancel.is_set():
            raise Cancelled()
        if errors:
            raise errors[0]

    def run_batch(part: list) -> None:
        out = model(np.stack([cut for _, _, cut in part]))
        for (k, i, _), colour in zip(part, out):
            x, wx = plan.xs[i], plan.wx[i]
            y, x_strip = strips[k][0], strips[k][1]
            h, w = x_strip.shape[0], wx.shape[0]
            blender.add(y, x, colour[:, :h, :w], plan.wy[k][:, None] * wx[None, :])
            strips[k][3] -= 1
        counts["run"] += len(part)
        on_tiles(counts["run"] + counts["skipped"], plan.count)
        check()

    def write_finished() -> None:
        """Hand every strip whose tiles (and all earlier strips' tiles) are done to the writer."""
        while emitted[0] in strips and strips[emitted[0]][3] == 0:
            k = emitted[0]
            # Rows above the next strip's first row are touched by no later tile.
            until = height if k + 1 == len(plan.ys) else plan.ys[k + 1]
            y0, colour = blender.take(until)
            # float16 halves the colour in flight to the writer (docs/performance.md), and its error, 5e-4
            # of the range, is far below 1/255; torch casts it about 5x faster than numpy.
            colour = torch.from_numpy(colour).to(COLOUR_DTYPE).numpy()
            n = until - y0
            _, x_strip, valid, _ = strips.pop(k)
            if not _put(write_q, (y0, x_strip[:n], valid[:n], colour), stop):
                raise errors[0] if errors else RuntimeError("the writer stopped")
            emitted[0] += 1

    try:
        # Batches are filled across tile rows, so every forward pass has `batch` tiles but the last one or two.
        for k in range(len(plan.ys)):
            item = _get(read_q, stop, cancel, errors)
            check()
            y, grey, valid = item
            blender.extend(y + grey.shape[0])
            if not valid.all() and valid.any():
                # Missing pixels would read as black to the model; the strip's mean grey is neutral.
                fill = grey[valid].mean()
                grey = np.where(valid, grey, np.asarray(np.rint(fill) if grey.dtype == np.uint8 else fill,
                                                        grey.dtype))
            x_strip = model.prepare(grey)
            del item, grey  # only the model input is kept (the writer takes L* from it)
            strips[k] = [y, x_strip, valid, 0]
            for i, x in enumerate(plan.xs):
                if valid[:, x:x + t_in].any():
                    pending.append((k, i, _cut(x_strip, x, t_in)))
                    strips[k][3] += 1
                else:
                    counts["skipped"] += 1
            while True:
                n = next_pass(len(pending), batch, last=k + 1 == len(plan.ys))
                if not n:
                    break
                run_batch(pending[:n])
                del pending[:n]
            if not strips[k][3]:
                on_tiles(counts["run"] + counts["skipped"], plan.count)
            write_finished()
        forwards_done.set()
        write_finished()
        run, skipped = counts["run"], counts["skipped"]
        _put(write_q, _END, stop)
        threads[1].join()
        if errors:
            raise errors[0]
        return run, skipped
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
        pool.shutdown(wait=True)


def _progress(events: EventSink, total_steps: int, started: float) -> Callable[[str, float], None]:
    """Progress events at most every 0.2 s (and at the end), with an ETA from the rate so far."""
    last = [0.0]

    def report(stage: str, done: float) -> None:
        now = time.monotonic()
        if done < total_steps and now - last[0] < 0.2:
            return
        last[0] = now
        frac = done / max(total_steps, 1)
        eta = (now - started) * (1 - frac) / frac if frac > 0 else None
        events.emit("progress", stage=stage, step=int(done), steps=total_steps, fraction=round(frac, 4),
                    eta_s=round(eta, 1) if eta is not None else None)
    return report


def _finish(writer: RGBAWriter, meta: dict, events: EventSink, cancel: CancelFlag, output: int) -> None:
    """Tags and overviews, reporting progress; a cancel stops GDAL between blocks."""
    last = [0.0]

    def progress(fraction: float) -> bool:
        now = time.monotonic()
        if fraction >= 1.0 or now - last[0] >= 0.2:
            last[0] = now
            events.emit("progress", stage="overviews", output=output, fraction=round(fraction, 4))
        return not cancel.is_set()

    try:
        writer.finish(meta, progress)
    except DiskError:
        if cancel.is_set():  # GDAL stopped because the callback asked it to
            raise Cancelled() from None
        raise
    if cancel.is_set():
        raise Cancelled()


def colorize(model: Union[str, Tuple[dict, torch.nn.Module], Tuple[dict, torch.nn.Module, torch.nn.Module]],
             input: str, output: str, events: Optional[EventSink] = None, cancel: Optional[CancelFlag] = None,
             **options) -> ColorizeResult:
    """Colorize the raster `input` with `model` (a checkpoint path, or (card, net) already loaded, with
    BicycleGAN's encoder as a third item for z_reference; or an ONNX export's path, or its
    onnx_model.load) into the GeoTIFF `output` (with --samples K: output_1.tif .. output_K.tif).
    Options: ColorizeConfig's fields."""
    try:
        cfg = ColorizeConfig(**options)
    except TypeError as exc:
        raise BadInput(f"Unknown colorize option ({exc}); known: "
                       f"{', '.join(f.name for f in dataclasses.fields(ColorizeConfig))}.") from None
    _check_paths(input, output)
    if cfg.samples < 1:
        raise BadInput("--samples must be at least 1.")
    # Held from before the model is read, so a second job on the same output is refused at once.
    with output_files.writing(output_files.sample_paths(output, cfg.samples)):
        return _colorize(model, input, output, cfg, events or EventSink(), cancel or no_cancel())


def _colorize(model, input: str, output: str, cfg: ColorizeConfig, events: EventSink,
              cancel: CancelFlag) -> ColorizeResult:
    from aerocolor.models.checkpoint import encoder_from, generator_from, load
    from aerocolor.colorize.raster import GreySource, OutputOptions, RGBAWriter, bounded_cache

    said: List[str] = []

    def say(key: str, level: str = "warning", **facts) -> None:
        said.append(notices.emit(events, key, level, **facts))

    set_threads(cfg.threads)
    onnx = onnx_model.is_onnx(model)
    if onnx:
        # onnxruntime runs the generator (on its own device); torch still resamples and joins the colour,
        # on the CPU. Its card comes from the ONNX file's metadata.
        card, net = onnx_model.load(model, cfg.threads, cfg.device) if isinstance(model, str) else model[:2]
        device, ckpt = torch.device("cpu"), None
    else:
        device = resolve_device(cfg.device)
        # A path is read once; its weights are let go once the generator and latent codes are made.
        ckpt = load(model) if isinstance(model, str) else None
        card, net = generator_from(ckpt, model, device) if ckpt is not None else model[:2]
    where = f"{net.device} (onnxruntime)" if onnx else str(device)
    nz = int(card.get("nz") or 0)
    if cfg.samples > 1 and not nz:
        raise BadInput(f"--samples {cfg.samples} needs a model with a latent code (BicycleGAN); "
                       f"this {card.get('family')} model gives one colouring, so drop --samples.")
    latent.check(cfg.z_reference, cfg.z_fixed, cfg.samples, nz, card.get("family"))
    precision = onnx_model.precision(cfg.precision) if onnx else cfg.precision
    if precision == "auto":
        precision = DEFAULT_PRECISION if native_bf16(device) else "fp32"
    if precision not in PRECISIONS:
        raise BadInput(f"Unknown precision {precision!r}; choose auto, fp32 or bf16.")
    batch = cfg.batch or DEFAULT_BATCH
    if batch < 1:
        raise BadInput("--batch must be at least 1.")

    def encoder() -> torch.nn.Module:
        if onnx:
            raise BadInput("--z-reference needs the model's encoder, which an ONNX export does not hold; use "
                           "--z-fixed or --seed, or the model's .pt checkpoint.")
        if ckpt is not None:
            return encoder_from(ckpt, model, device)
        if len(model) > 2:
            return model[2]
        raise BadInput("--z-reference needs the model's encoder, which a (card, generator) pair lacks; "
                       "pass the checkpoint's path or (card, generator, encoder).")

    zs, z_about = latent.codes(card, cfg.samples, cfg.seed, cfg.z_reference, cfg.z_fixed, encoder)
    trained_greys = tone.model_quantiles(card) if cfg.tone_match else None  # refused before any reading
    del ckpt
    events.emit("hello", tool="colorize", version=__version__, torch=str(torch.__version__), device=where)

    src = GreySource(input, Stretch.from_dict(card.get("stretch")))
    info = src.info
    try:
        band_note = src.band_notice()
        if band_note:
            say(band_note[0], band_note[1], input=input)
        if info.colour:
            say("colour_bands", "info", input=input)
        if info.dtype != "Byte":
            pct = Stretch.from_dict(card.get("stretch"))
            say("stretched", "info", input=input, dtype=info.dtype, low=f"{info.limits[0]:.6g}",
                high=f"{info.limits[1]:.6g}", stretch=f"{pct.low_pct:g} and {pct.high_pct:g}")
        if info.geotransform is not None and not info.projection:
            say("no_crs", input=input)
        if src.nodata_out_of_range is not None:
            say("nodata_out_of_range", input=input, nodata=f"{src.nodata_out_of_range:g}", dtype=info.dtype)
        if info.geotransform is None:
            say("no_georef_gcps" if info.gcps else "no_georef", input=input)
        if not cfg.max_upsample >= 1.0:
            raise BadInput(f"--max-upsample {cfg.max_upsample} must be 1 or more (1: never enlarge the input).")
        scale = choose_scale(card, info, cfg.gsd, say, cfg.max_upsample)
        plan = make_plan(card, info, cfg, scale)
        # A generator read from a path here is TileModel's to change: bf16 replaces its fp32 weights one
        # by one, freeing their memory before the first forward pass (60-90 MiB less peak, docs/performance.md).
        model_fn = OnnxTileModel(card, net, plan.tile) if onnx else \
            TileModel(card, net, device, precision, cfg.channels_last, plan.tile, own=isinstance(model, str))
        del net
        if trained_greys is not None:
            photo_greys = tone.grey_quantiles(*src.sample())
            model_fn.set_tone(tone.tone_map(photo_greys, trained_greys))
            say("tone_match", "info", photo=f"{photo_greys[8]:.2f}", trained=f"{trained_greys[8]:.2f}")
        outputs = output_files.sample_paths(output, cfg.samples)
        model_name = os.path.basename(model) if isinstance(model, str) else "(in memory)"
        total = plan.count * len(outputs)
        started = time.monotonic()
        report = _progress(events, total, started)
        report("colorize", 0)
        opts = OutputOptions(compress=cfg.compress, overviews=cfg.overviews, cog=cfg.cog)
        run = skipped = 0
        with bounded_cache():
            for k, out in enumerate(outputs):
                if zs is not None:
                    model_fn.set_latent(zs[k:k + 1])
                done_before = k * plan.count
                writer = RGBAWriter(out, info, opts)
                try:
                    r, s = run_tiles(src, writer, model_fn, plan, batch, cancel,
                                     lambda done, _n: report("colorize", done_before + done))
                    if r == 0 and k == 0:
                        say("all_nodata", input=input, output=out)
                    run, skipped = run + r, skipped + s
                    settings = {"tile": plan.tile, "overlap": plan.overlap, "tile_in": plan.tile_in,
                                "scale": round(plan.scale, 6), "gsd": cfg.gsd, "precision": precision,
                                "batch": batch, "tone_match": cfg.tone_match}
                    settings.update(z_about[k])  # which latent code made this output (none without z)
                    meta = {"AEROCOLOR_MODEL": model_name,
                            "AEROCOLOR_MODEL_CARD": json.dumps(_card_summary(card)),
                            "AEROCOLOR_SOURCE": os.path.abspath(input),
                            "AEROCOLOR_SETTINGS": json.dumps(settings),
                            "TIFFTAG_SOFTWARE": f"AeroColor {__version__}",
                            "TIFFTAG_DATETIME": time.strftime("%Y:%m:%d %H:%M:%S")}
                    _finish(writer, meta, events, cancel, k + 1)
                    writer.commit()
                except BaseException:
                    writer.abort()
                    raise
            report("colorize", total)
    finally:
        src.close()
    return ColorizeResult(outputs=outputs, width=info.width, height=info.height, tiles=run, skipped=skipped,
                          seconds=time.monotonic() - started, scale=plan.scale, tile_in=plan.tile_in,
                          precision=precision, device=where, notices=said)
