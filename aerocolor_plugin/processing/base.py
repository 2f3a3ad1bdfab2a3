"""What the AeroColor algorithms share: running the backend with progress and cancel via feedback."""
from __future__ import annotations

from typing import List

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingFeedback

from ..bridge.environment import BackendMissing
from ..bridge.events import ColorizeProgress, notice_text
from ..bridge.run import RunOutcome, run_backend
from ..i18n_util import tr
from ..resources import icon


def file_status(status) -> str:
    """One raster's outcome in a many-raster job, in the user's language."""
    return {"done": tr("done"), "skipped": tr("skipped"), "failed": tr("failed")}.get(status, str(status))


def file_reason(reason: str) -> str:
    """The commonest reason in the user's language; the others as the backend gave them."""
    return tr("already done with this model") if reason == "already done with this model" else reason


def model_parameter():
    """The model a Colorize algorithm runs: a checkpoint, or its ONNX export (run through onnxruntime)."""
    from qgis.core import QgsProcessingParameterFile

    return QgsProcessingParameterFile("MODEL", tr("Model (.pt or .onnx; empty: the bundled default model)"),
                                      optional=True, fileFilter=tr("AeroColor models (*.pt *.onnx)"))


class AeroColorAlgorithm(QgsProcessingAlgorithm):
    ICON = "aerocolor.svg"

    def createInstance(self):
        return type(self)()

    def icon(self):
        return icon(self.ICON)

    def group(self) -> str:
        return ""

    def groupId(self) -> str:
        return ""

    def tr(self, text: str) -> str:
        return tr(text)

    def run_backend(self, args: List[str], feedback: QgsProcessingFeedback, partial_ok: bool = False) -> RunOutcome:
        """Run one backend subcommand; progress and log go to feedback, cancel comes from it. With
        partial_ok (many rasters, one job), a run whose result lists failures is not an error here:
        the caller reports each failure and returns what was made."""
        feedback = feedback or QgsProcessingFeedback()
        many = "--out-dir" in args
        overall = ColorizeProgress("--cog" in args) if args[:1] == ["colorize"] and not many else None

        def on_event(ev: dict) -> None:
            kind = ev.get("type")
            if many and kind == "progress" and ev.get("stage") != "files":
                return  # each raster's own tiles: the bar follows the whole job
            if kind == "file":
                feedback.pushInfo(tr("{0}/{1} {2}: {3}").format(ev.get("index"), ev.get("files"),
                                                                 file_status(ev.get("status")), ev.get("input"))
                                  + (f" ({file_reason(ev['reason'])})" if ev.get("reason") else ""))
            elif kind == "progress" and ev.get("fraction") is not None:
                was_finishing = overall is not None and overall.finishing
                feedback.setProgress(100.0 * (overall.update(ev) if overall else float(ev["fraction"])))
                if overall is not None and overall.finishing and not was_finishing:
                    feedback.setProgressText(tr("Writing the Cloud Optimized GeoTIFF…"))
            elif kind == "hello":
                feedback.pushInfo(tr("Backend {0} on {1} (torch {2}).").format(
                    ev.get("version"), ev.get("device"), ev.get("torch")))
            elif kind == "metrics":
                losses = ", ".join(f"{k} {v:.4g}" for k, v in (ev.get("losses") or {}).items()
                                   if isinstance(v, (int, float)))
                feedback.pushInfo(tr("Epoch {0}: {1}").format(ev.get("epoch"), losses))
            elif kind == "notice":
                feedback.pushInfo(notice_text(ev))
            elif kind == "checkpoint":
                feedback.pushDebugInfo(tr("Checkpoint saved: {0}").format(ev.get("path")))

        try:
            feedback.pushCommandInfo(" ".join(["aerocolor", *args]))
            outcome = run_backend(args, on_event=on_event, on_log=feedback.pushConsoleInfo,
                                  is_cancelled=feedback.isCanceled)
        except BackendMissing as exc:
            raise QgsProcessingException(str(exc)) from None
        except OSError as exc:
            raise QgsProcessingException(tr("Could not start the backend interpreter ({0}); choose a Python "
                                            "with torch in the AeroColor settings.").format(exc)) from None
        if not outcome.ok and not (partial_ok and outcome.result is not None and not feedback.isCanceled()):
            raise QgsProcessingException(outcome.message)
        return outcome
