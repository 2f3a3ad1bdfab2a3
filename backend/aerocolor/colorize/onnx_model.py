"""A model's generator as an ONNX file, to colorize through onnxruntime instead of PyTorch.

`aerocolor export --onnx CKPT OUT.onnx` writes the generator as `load_generator` returns it (a
calibrated one with its calibration inside the graph) for one tile side, the card's, with any
number of tiles per batch:

  input  "grey"    (batch, 1, tile, tile)  float32 model input in [-1, 1] (TileModel.prepare)
  input  "z"       (batch, nz)             float32 latent code (BicycleGAN only)
  output "colour"  (batch, C, tile, tile)  float32 model output (a*b* or RGB in [-1, 1])

and the checkpoint's card as JSON in the model's metadata (key "aerocolor_card"), so that
colorize needs nothing but the file. Both ends of the format live here so that they cannot
drift apart; the runtime half imports neither torch nor onnx, only onnxruntime and only when
an .onnx model is used.
"""
from __future__ import annotations

import json
import os
from typing import Optional, Tuple

import numpy as np

from aerocolor.errors import BadInput, DeviceError, disk_error

SUFFIX = ".onnx"
CARD_KEY = "aerocolor_card"
GREY, Z, COLOUR = "grey", "z", "colour"
# The opset of ONNX's own operators: 17 has every one the generators use (InstanceNormalization,
# Resize, Einsum), and onnxruntime has run it since 1.11.
OPSET = 17
# Largest mean |ONNX - torch| the export accepts on its check batch, in model units ([-1, 1]): float
# reordering gives 1e-7 to 1e-6 on the small test nets; a wrong trace is off by far more than 1e-4.
CHECK_TOLERANCE = 1e-4
INSTALL = "pip install 'aerocolor[onnx]' (onnx and onnxruntime)"


def is_onnx(model) -> bool:
    """Whether colorize's `model` is an ONNX export: a path ending in .onnx, or (card, OnnxGenerator)."""
    if isinstance(model, str):
        return model.lower().endswith(SUFFIX)
    return isinstance(model, (tuple, list)) and len(model) >= 2 and isinstance(model[1], OnnxGenerator)


# -- export (torch and onnx) -----------------------------------------------------------------
def export(path: str, out: str, opset: int = OPSET) -> dict:
    """Write the generator of the checkpoint at `path` to `out` as ONNX (see the module); returns
    the card it holds. The export is run once through onnxruntime, when installed, and refused
    unless it gives torch's output."""
    if not out.lower().endswith(SUFFIX):
        raise BadInput(f"Name the ONNX model {out} with {SUFFIX}: colorize tells an ONNX model from a "
                       f"checkpoint by it.")
    try:
        import onnx
    except ImportError:
        raise BadInput(f"Exporting to ONNX needs the onnx package; {INSTALL}.") from None
    import io
    import warnings

    import torch

    from aerocolor.models.checkpoint import load_generator

    card, net = load_generator(path, torch.device("cpu"))
    net = net.float().eval()
    tile, nz = int(card["tile"]), int(card.get("nz") or 0)
    names = [GREY] + ([Z] if nz else [])
    gen = torch.Generator().manual_seed(0)

    def example(n: int) -> tuple:
        x = torch.rand(n, 1, tile, tile, generator=gen) * 2 - 1
        return (x, torch.randn(n, nz, generator=gen)) if nz else (x,)

    buf = io.BytesIO()
    # The TorchScript exporter (dynamo=False) needs only the onnx package; the dynamo one also needs
    # onnxscript. It traces one batch of 2, and the check below runs another size through the result.
    with warnings.catch_warnings():
        # Its deprecation notice and tracer warnings (Python conditions on shapes, which are fixed
        # here but the batch) would only alarm a user: the check below is what tells a bad export.
        warnings.simplefilter("ignore")
        with torch.no_grad():
            torch.onnx.export(net, example(2), buf, dynamo=False, opset_version=opset, input_names=names,
                              output_names=[COLOUR], dynamic_axes={n: {0: "batch"} for n in names + [COLOUR]},
                              do_constant_folding=True)
    proto = onnx.load_from_string(buf.getvalue())
    card = dict(card)
    card["exported"] = {"from": os.path.basename(path), "format": "onnx", "opset": opset, "tile": tile,
                        "calibrated": bool(card.get("calibration"))}  # then inside the graph
    entry = proto.metadata_props.add()
    entry.key, entry.value = CARD_KEY, json.dumps(card, default=str)
    onnx.checker.check_model(proto)
    data = proto.SerializeToString()
    _check(data, net, card, example(3), names)
    _write(out, data)
    return json.loads(entry.value)


def _check(data: bytes, net, card: dict, args: tuple, names: list) -> None:
    """Refuse an export whose output on `args` differs from the torch generator's (skipped without
    onnxruntime: the export itself needs only onnx)."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return
    import torch

    with torch.no_grad():
        want = net(*args).float().numpy()
    got = OnnxGenerator(_session(data, 0, ["CPUExecutionProvider"], "the export"), card, "cpu")
    got = got.run(*(a.numpy() for a in args))
    diff = float(np.abs(got - want).mean())
    if not diff <= CHECK_TOLERANCE:
        raise BadInput(f"The ONNX export does not reproduce the model (mean difference {diff:.2g} on a check "
                       f"batch, over {CHECK_TOLERANCE:g}); colorize with the .pt checkpoint instead.")


def _write(out: str, data: bytes) -> None:
    """Under the output's temporary name, then renamed: a failed write leaves no partial model."""
    from aerocolor.colorize.output_files import write_atomically

    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            fh.write(data)

    try:
        write_atomically(out, write)
    except OSError as exc:
        raise disk_error(out, exc) from None


# -- runtime (onnxruntime only) --------------------------------------------------------------
def _ort():
    try:
        import onnxruntime
    except ImportError:
        raise BadInput(f"Colorizing with an ONNX model needs onnxruntime; {INSTALL}, or use the "
                       f"model's .pt checkpoint.") from None
    return onnxruntime


def _session(source, threads: int, providers: list, what: str):
    ort = _ort()
    opts = ort.SessionOptions()
    if threads and threads > 0:
        opts.intra_op_num_threads = threads   # else onnxruntime's own choice: one per physical core
    # Waiting threads sleep rather than spin, as torch's OpenMP threads do under colorize (cli.py):
    # the reader and writer threads need the cores between forward passes (a 1 MP colorize with the
    # U-Net 256 on 2 busy cores: 4.1-5.8 s, against 5.0-6.4 s spinning).
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return ort.InferenceSession(source, sess_options=opts, providers=providers)
    except Exception as exc:  # onnxruntime raises its own classes for a bad file  # noqa: BLE001
        raise BadInput(f"{what} is not a model onnxruntime can run (damaged, or not ONNX); export it again "
                       f"with 'aerocolor export --onnx'.", str(exc)) from None


def _providers(device: str) -> Tuple[list, str]:
    """onnxruntime's execution providers for colorize's --device, and the device they run on."""
    have = _ort().get_available_providers()
    cuda = "CUDAExecutionProvider" in have
    if device.startswith("cuda"):
        if not cuda:
            raise DeviceError("This onnxruntime has no CUDA support, so an ONNX model runs on the CPU only; "
                              "use --device cpu or auto, or install onnxruntime-gpu.")
        index = device.partition(":")[2] or "0"
        return [("CUDAExecutionProvider", {"device_id": int(index)}), "CPUExecutionProvider"], f"cuda:{index}"
    if device not in ("auto", "cpu"):
        raise DeviceError(f"Unknown device {device!r}; use auto, cpu, cuda or cuda:N.")
    if device == "auto" and cuda:
        return ["CUDAExecutionProvider", "CPUExecutionProvider"], "cuda:0"
    return ["CPUExecutionProvider"], "cpu"


class OnnxGenerator:
    """An exported generator in an onnxruntime session: numpy model input (and z) to model output."""

    def __init__(self, session, card: dict, device: str):
        self.session, self.card, self.device = session, card, device
        inputs = {i.name: i for i in session.get_inputs()}
        self.nz = int(card.get("nz") or 0)
        want = {GREY, Z} if self.nz else {GREY}
        shape = inputs[GREY].shape if GREY in inputs else None
        if set(inputs) != want or len(shape) != 4 or not isinstance(shape[-1], int):
            raise BadInput("The ONNX model's inputs are not those of an AeroColor export (grey tiles"
                           + (" and z" if self.nz else "") + "); export it again with 'aerocolor export --onnx'.")
        self.tile = int(shape[-1])

    def run(self, x: np.ndarray, z: Optional[np.ndarray] = None) -> np.ndarray:
        """Model input (N, 1, tile, tile) float32 (and z (N, nz)) to model output (N, C, tile, tile) float32."""
        feed = {GREY: np.ascontiguousarray(x, np.float32)}
        if self.nz:
            if z is None:
                raise ValueError("this model needs a latent code z")
            feed[Z] = np.ascontiguousarray(np.broadcast_to(z, (x.shape[0], self.nz)), np.float32)
        return self.session.run([COLOUR], feed)[0]


def _card_from(session, path: str) -> dict:
    text = session.get_modelmeta().custom_metadata_map.get(CARD_KEY)
    if text is None:
        raise BadInput(f"{path} is an ONNX model but not an AeroColor export (it has no model card); "
                       f"export one with 'aerocolor export --onnx CKPT OUT.onnx'.")
    try:
        card = json.loads(text)
    except ValueError:
        card = None
    from aerocolor.models import FAMILIES

    if not isinstance(card, dict) or card.get("family") not in FAMILIES or not card.get("tile") \
            or card.get("color_mode") not in ("lab", "rgb"):
        raise BadInput(f"The model card in {path} is damaged or of an unknown model; export the model again "
                       f"with 'aerocolor export --onnx'.")
    return card


def load(path: str, threads: int = 0, device: str = "auto") -> Tuple[dict, OnnxGenerator]:
    """(card, generator) from an ONNX export, in an onnxruntime session on `device` (colorize's --device)
    with `threads` intra-op threads (0: onnxruntime's default)."""
    if not os.path.isfile(path):
        raise BadInput(f"The model {path} does not exist; check the path.")
    providers, where = _providers(device)
    session = _session(path, threads, providers, path)
    card = _card_from(session, path)
    return card, OnnxGenerator(session, card, where)


def read_card(path: str) -> dict:
    """The card of an ONNX export (for `aerocolor info`)."""
    if not os.path.isfile(path):
        raise BadInput(f"The model {path} does not exist; check the path.")
    return _card_from(_session(path, 1, ["CPUExecutionProvider"], path), path)


def precision(asked: str) -> str:
    """Colorize's --precision for an ONNX model: fp32, the precision of the export."""
    if asked == "bf16":
        raise BadInput("An ONNX export runs in fp32 only (its weights are 32-bit); drop --precision bf16, or "
                       "use the model's .pt checkpoint for bf16.")
    if asked not in ("auto", "fp32"):
        raise BadInput(f"Unknown precision {asked!r}; choose auto, fp32 or bf16.")
    return "fp32"
