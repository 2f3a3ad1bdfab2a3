"""A QgsTask around run_capture: rendering and writing off the UI thread, with progress and cancel."""
from __future__ import annotations

import traceback
from typing import Optional

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..i18n_util import tr
from .engine import CaptureConfig, run_capture
from .writer import ensure_backend_importable  # noqa: F401 (the backend is on sys.path from here on)


class CaptureTask(QgsTask):
    """Runs one capture; ``done(ok, message, manifest)`` comes on the main thread when it ends."""

    counted = pyqtSignal(int, int, object)   # done, total, counts (queued to the main thread)
    done = pyqtSignal(bool, str, object)

    def __init__(self, cfg: CaptureConfig, colour, aoi, context, historical=None):
        super().__init__("AeroColor: capture training tiles", QgsTask.Flag.CanCancel)
        self.cfg, self.colour, self.aoi, self.context, self.historical = cfg, colour, aoi, context, historical
        self.manifest: Optional[dict] = None
        self.message = ""
        self.detail = ""

    def _progress(self, done: int, total: int, counts: dict) -> None:
        self.setProgress(100.0 * done / max(total, 1))
        self.counted.emit(done, total, dict(counts))

    def run(self) -> bool:  # worker thread: no widgets, no project changes
        from aerocolor.errors import AeroColorError

        try:
            self.manifest = run_capture(self.cfg, self.colour, self.aoi, self.context, self.historical,
                                        progress=self._progress, is_cancelled=self.isCanceled)
        except AeroColorError as exc:
            self.message, self.detail = exc.message, exc.detail
            return False
        except OSError as exc:
            self.message = f"Could not write the training set ({exc.strerror or exc}); check the folder and free space."
            self.detail = traceback.format_exc()
            return False
        except Exception as exc:  # noqa: BLE001 - a task must report, never raise
            self.message = f"Capture failed: {exc}"
            self.detail = traceback.format_exc()
            return False
        counts = self.manifest["counts"]
        skipped = sum(self.manifest["skipped"].values())
        self.message = (tr("{0} tiles in {1} (train {2}, val {3}, test {4}; {5} skipped).").format(
                            sum(counts.values()), self.cfg.out, counts["train"], counts["val"], counts["test"], skipped)
                        + "".join(" " + w for w in self.manifest["capture"]["split_warnings"])
                        + (" " + self.manifest["capture"]["nodata_advice"] if self.manifest["capture"]["nodata_advice"]
                           else ""))
        return True

    def finished(self, ok: bool) -> None:  # main thread
        if not ok and not self.message:
            self.message = "Capture cancelled; run it again with the same settings to resume."
        self.done.emit(ok, self.message, self.manifest)
