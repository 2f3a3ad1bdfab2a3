"""Helpers for the plugin tests: the repository on sys.path, a fake-backend interpreter, event waits."""
from __future__ import annotations

import os
import stat
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

FAKE_BACKEND = os.path.join(REPO, "tests", "plugin_fake_backend.py")


def fake_python(tmp_dir: str) -> str:
    """An executable that the plugin can use as 'the interpreter' and that runs the fake backend."""
    path = os.path.join(tmp_dir, "fake-python")
    with open(path, "w") as fh:
        fh.write(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_BACKEND}" "$@"\n')
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return path


def wait_until(predicate, timeout: float = 30.0) -> bool:
    """Spin the Qt event loop until predicate() holds (tests only)."""
    import time

    from qgis.PyQt.QtCore import QCoreApplication

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        if predicate():
            return True
        time.sleep(0.01)
    QCoreApplication.processEvents()
    return predicate()


def clear_project() -> None:
    """Layers must not outlive exitQgis() (a headless app segfaults then): tests clear after themselves."""
    from qgis.core import QgsProject

    QgsProject.instance().clear()
