"""Where the plugin's parts are: its folder, the bundled (or development) backend, resources.

The installed zip carries the backend in ``<plugin>/backend/aerocolor``; in a development
checkout the plugin folder sits beside ``backend/`` and the top-level metadata and icons.
"""
from __future__ import annotations

import os
import sys

PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # this file is in <plugin>/bridge/
# The plugin's own folder may be a link (install_plugin --link): the checkout is behind it.
SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def _first_existing(*candidates: str) -> str:
    for path in candidates:
        if os.path.exists(path):
            return path
    return ""


def backend_root() -> str:
    """The folder that holds the ``aerocolor`` package (goes on PYTHONPATH), or '' if missing."""
    found = _first_existing(os.path.join(PLUGIN_DIR, "backend", "aerocolor", "__init__.py"),
                            os.path.join(os.path.dirname(SOURCE_DIR), "backend", "aerocolor", "__init__.py"))
    return os.path.dirname(os.path.dirname(found)) if found else ""


def default_model() -> str:
    """The backend's bundled default model (see its MODEL_CARD.md), or '' if this copy lacks it."""
    root = backend_root()
    path = os.path.join(root, "aerocolor", "assets", "default-model.pt") if root else ""
    return path if path and os.path.isfile(path) else ""


def top_file(name: str) -> str:
    """A file that stands in the plugin folder when installed and at the checkout's top in development."""
    return _first_existing(os.path.join(PLUGIN_DIR, name), os.path.join(os.path.dirname(SOURCE_DIR), name))


def checkout_dir() -> str:
    """The development checkout the plugin runs from, or '' when installed from the zip."""
    top = os.path.dirname(SOURCE_DIR)
    return top if os.path.isfile(os.path.join(top, "backend", "aerocolor", "__init__.py")) else ""


def ensure_backend_importable() -> None:
    """Put the backend first on sys.path so its torch-free modules (protocol, errors) can be imported.

    First, so that the bundled copy wins over any other installed ``aerocolor``: the plugin and
    its backend must speak the same protocol version.
    """
    root = backend_root()
    if root and root not in sys.path:
        sys.path.insert(0, root)
