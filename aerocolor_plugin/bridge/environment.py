"""The backend's Python environment: the interpreter setting, its detection, set-up and diagnostics.

Torch lives in its own environment; the plugin only needs an interpreter that can run
``python -m aerocolor`` with the bundled backend on PYTHONPATH. Inside the QGIS desktop
``sys.executable`` is QGIS itself, not a Python, so the interpreter is always named.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import sys
from dataclasses import dataclass
from typing import List, Optional

from qgis.PyQt.QtCore import QSettings

from ..i18n_util import tr
from .paths import backend_root, checkout_dir

SETTING_PYTHON = "aerocolor/backend_python"
ENV_PYTHON = "AEROCOLOR_PYTHON"

# What "Set up backend" installs; kept equal to pyproject's dependencies (a test checks).
BACKEND_REQUIREMENTS = ["torch>=2.1", "torchvision>=0.16", "numpy>=1.22,<2", "pillow>=9",
                        "matplotlib>=3.5", "tqdm>=4.60", "markdown>=3.3"]

# Run by the backend interpreter (never inside QGIS): what it has, as one JSON object.
# Modules are imported by name so that the plugin's own code visibly never imports torch.
DIAGNOSE_SCRIPT = r"""
import importlib, json, platform, sys
info = {"python": sys.version.split()[0], "executable": sys.executable, "platform": platform.platform()}
try:
    torch = importlib.import_module("torch")
    info["torch"] = torch.__version__
    info["cuda"] = bool(torch.cuda.is_available())
    info["devices"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] if info["cuda"] else []
    info["mps"] = bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())
except Exception as exc:
    info["torch"] = None
    info["torch_error"] = f"{type(exc).__name__}: {exc}"
try:
    import aerocolor
    info["aerocolor"] = aerocolor.__version__
    info["aerocolor_path"] = aerocolor.__file__
except Exception as exc:
    info["aerocolor"] = None
    info["aerocolor_error"] = f"{type(exc).__name__}: {exc}"
try:
    from osgeo import gdal
    info["gdal"] = gdal.__version__
except Exception:
    info["gdal"] = None
print(json.dumps(info))
"""


class BackendMissing(Exception):
    """No usable interpreter is known; the message says what to do."""


@dataclass
class Candidate:
    label: str
    python: str


def venv_python(env_dir: str) -> str:
    if os.name == "nt":
        return os.path.join(env_dir, "Scripts", "python.exe")
    return os.path.join(env_dir, "bin", "python")


def managed_env_dir() -> str:
    """The environment "Set up backend" creates, inside the user's QGIS profile."""
    from qgis.core import QgsApplication

    return os.path.join(QgsApplication.qgisSettingsDirPath(), "aerocolor", "venv")


def qgis_python() -> str:
    """The Python interpreter QGIS embeds (not sys.executable, which is QGIS inside the desktop)."""
    exe = os.path.basename(sys.executable).lower()
    # Embedded in the desktop, Python names as sys.executable whatever "python3" PATH finds first
    # (a pyenv shim, another install): trusted only when it lies inside QGIS's own Python prefix.
    prefixes = {os.path.abspath(p) for p in (sys.exec_prefix, sys.base_exec_prefix)}
    if exe.startswith("python") and any(os.path.abspath(sys.executable).startswith(p + os.sep) for p in prefixes):
        return sys.executable
    ver = f"{sys.version_info.major}.{sys.version_info.minor}"
    for path in (os.path.join(sys.exec_prefix, "bin", f"python{ver}"), os.path.join(sys.exec_prefix, "bin", "python3"),
                 os.path.join(sys.exec_prefix, "python.exe"), os.path.join(sys.exec_prefix, "python3.exe")):
        if os.path.isfile(path):
            return path
    return shutil.which(f"python{ver}") or ""


def _qgis_python_has_torch() -> bool:
    import importlib.util

    return importlib.util.find_spec("torch") is not None


def candidates() -> List[Candidate]:
    """Interpreters worth trying, best first; only those that exist."""
    found: List[Candidate] = []
    env = os.environ.get(ENV_PYTHON, "")
    if env:
        found.append(Candidate(tr("AEROCOLOR_PYTHON variable"), env))
    top = checkout_dir()
    if top:
        found.append(Candidate(tr("development checkout's .venv"), venv_python(os.path.join(top, ".venv"))))
    try:
        found.append(Candidate(tr("managed environment in the QGIS profile"), venv_python(managed_env_dir())))
    except Exception:  # noqa: BLE001 - no QgsApplication yet: skip this candidate
        pass
    if _qgis_python_has_torch():
        found.append(Candidate(tr("QGIS's own Python (it has torch)"), qgis_python()))
    return [c for c in found if c.python and os.path.isfile(c.python)]


def configured_python() -> str:
    return str(QSettings().value(SETTING_PYTHON, "") or "")


def set_configured_python(path: str) -> None:
    QSettings().setValue(SETTING_PYTHON, path)


def backend_python() -> str:
    """The interpreter to run the backend with: the setting, else the first detected one."""
    chosen = configured_python()
    if chosen:
        if not os.path.isfile(chosen):
            raise BackendMissing(tr("The backend interpreter {0} does not exist; choose another one in "
                                    "the AeroColor settings or click \"Set up backend\".").format(chosen))
        return chosen
    found = candidates()
    if not found:
        raise BackendMissing(tr("No Python with the AeroColor backend was found; click \"Set up backend\" "
                                "or name an interpreter that has torch in the AeroColor settings."))
    return found[0].python


def backend_environment(base: Optional[dict] = None) -> dict:
    """The environment of a backend process: the bundled backend first on PYTHONPATH, unbuffered UTF-8."""
    env = dict(os.environ if base is None else base)
    root = backend_root()
    if not root:
        raise BackendMissing(tr("The plugin's bundled backend is missing; reinstall the AeroColor plugin."))
    parts = [root] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != root]
    env["PYTHONPATH"] = os.pathsep.join(parts)
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def backend_command(args: List[str], python: str = "") -> List[str]:
    """The full command line of one backend subcommand, events as JSON lines."""
    return [python or backend_python(), "-m", "aerocolor", "--events", "jsonl", *args]


def setup_commands(env_dir: str, base_python: str) -> List[List[str]]:
    """The steps of "Set up backend": a venv that sees QGIS's packages (GDAL), then the backend's needs."""
    py = venv_python(env_dir)
    return [[base_python, "-m", "venv", "--system-site-packages", env_dir],
            [py, "-m", "pip", "install", "--upgrade", "pip"],
            [py, "-m", "pip", "install", *BACKEND_REQUIREMENTS]]


def diagnostics_text(backend_info: Optional[dict], python: str, problem: str = "") -> str:
    """Everything a bug report needs, as plain text for the clipboard."""
    from qgis.core import Qgis

    from .seam import BACKEND_VERSION

    lines = [f"AeroColor plugin (bundled backend {BACKEND_VERSION})",
             f"QGIS {Qgis.QGIS_VERSION}",
             f"OS {platform.platform()}",
             f"QGIS Python {sys.version.split()[0]} ({qgis_python() or 'not found'})",
             f"backend interpreter {python or 'none'} (setting: {configured_python() or 'not set'})",
             f"backend folder {backend_root() or 'missing'}"]
    if backend_info:
        for key in ("python", "torch", "cuda", "devices", "mps", "aerocolor", "aerocolor_path", "gdal",
                    "torch_error", "aerocolor_error"):
            if key in backend_info:
                lines.append(f"backend {key}: {backend_info[key]}")
    if problem:
        lines.append(f"problem: {problem}")
    return "\n".join(lines)


def parse_diagnostics(stdout: str) -> Optional[dict]:
    for line in reversed(stdout.strip().splitlines()):
        try:
            info = json.loads(line)
        except ValueError:
            continue
        if isinstance(info, dict):
            return info
    return None


def check_backend(python: str = "", timeout: float = 120) -> dict:
    """Run the diagnostics script synchronously (Processing threads, tests); the docks use QProcess."""
    import subprocess

    py = python or backend_python()
    proc = subprocess.run([py, "-c", DIAGNOSE_SCRIPT], capture_output=True, text=True, timeout=timeout,
                          env=backend_environment())
    info = parse_diagnostics(proc.stdout) or {"error": proc.stderr.strip()[-400:]}
    return info


def readiness_problem(info: Optional[dict]) -> str:
    """One sentence that says what is missing, or '' when the backend can run."""
    if not info or info.get("error"):
        return tr("The backend interpreter did not run; choose another one or click \"Set up backend\".")
    if not info.get("torch"):
        return tr("The backend interpreter has no PyTorch; click \"Set up backend\" to install it.")
    if not info.get("aerocolor"):
        return tr("The backend interpreter cannot import the bundled backend; reinstall the plugin.")
    return ""
