"""BackendProcess: one backend subcommand in a QProcess, its JSON-lines events as Qt signals.

Nothing here blocks: output arrives through the event loop, so docks stay responsive.
Cancel asks politely first ("cancel" on stdin), then terminates, then kills.
"""
from __future__ import annotations

import os
from typing import List, Optional

from qgis.PyQt.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, pyqtSignal

from . import environment
from .events import LineBuffer, exit_message, record_line
from ..i18n_util import tr
from .seam import protocol


class BackendProcess(QObject):
    received = pyqtSignal(dict)     # every valid protocol event, in order (not "event": QObject.event is virtual)
    log = pyqtSignal(str)           # stderr lines and stdout lines that are not events
    finished = pyqtSignal(int, str)  # exit code (-1: crashed or did not start), message ('' when ok)

    def __init__(self, parent: Optional[QObject] = None, python: str = "", log_path: str = "",
                 grace_ms: int = 5000):
        super().__init__(parent)
        self.python = python
        self.log_path = log_path
        self.grace_ms = grace_ms
        self.result: Optional[dict] = None
        self.error: Optional[dict] = None
        self.events: List[dict] = []
        self.garbage: List[str] = []
        self.exit_code: Optional[int] = None
        self.message = ""
        self._proc: Optional[QProcess] = None
        self._out = LineBuffer()
        self._err = LineBuffer()
        self._log_fh = None
        self._cancelling = False
        self._done = False

    # -- control --------------------------------------------------------------------------
    def start(self, args: List[str]) -> bool:
        """Start ``python -m aerocolor --events jsonl ARGS``; False (and ``finished``) if it cannot start."""
        if self.is_running():
            raise RuntimeError("this BackendProcess is already running")
        self.result = self.error = None
        self.events, self.garbage = [], []
        self.exit_code, self.message, self._done, self._cancelling = None, "", False, False
        try:
            command = environment.backend_command(args, self.python)
            env = environment.backend_environment()
        except environment.BackendMissing as exc:
            self._finish(-1, str(exc))
            return False
        if self.log_path:
            os.makedirs(os.path.dirname(os.path.abspath(self.log_path)), exist_ok=True)
            self._log_fh = open(self.log_path, "a", encoding="utf-8")
            self._log_fh.write("$ " + " ".join(command) + "\n")
        proc = QProcess(self)
        qenv = QProcessEnvironment()
        for key, value in env.items():
            qenv.insert(key, value)
        proc.setProcessEnvironment(qenv)
        proc.readyReadStandardOutput.connect(self._read_stdout)
        proc.readyReadStandardError.connect(self._read_stderr)
        proc.finished.connect(self._on_finished)
        proc.errorOccurred.connect(self._on_error)
        self._proc = proc
        proc.start(command[0], command[1:])
        return True

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.state() != QProcess.ProcessState.NotRunning

    def cancel(self) -> None:
        """Ask the backend to stop and save; escalate if it does not within the grace time."""
        if not self.is_running() or self._cancelling:
            return
        self._ask_to_stop()
        QTimer.singleShot(self.grace_ms, self._terminate)

    def shutdown(self, wait_ms: int = 10000) -> None:
        """QGIS is closing: ask the backend to stop and save, and wait for it (bounded), since the
        QProcess dies with its parent and would kill it mid-save; then escalate as cancel does,
        waiting instead of leaving it to timers that would not run any more."""
        if not self.is_running():
            return
        if not self._cancelling:
            self._ask_to_stop()
        if not self._proc.waitForFinished(wait_ms):
            self._terminate(block=True)

    def _ask_to_stop(self) -> None:
        self._cancelling = True
        self._proc.write(b"cancel\n")

    def _terminate(self, block: bool = False) -> None:
        if self.is_running():
            self._emit_log(tr("The backend did not stop; terminating it."))
            self._proc.terminate()
            if not block:
                QTimer.singleShot(self.grace_ms, self._kill)
            elif not self._proc.waitForFinished(self.grace_ms):
                self._kill(block=True)

    def _kill(self, block: bool = False) -> None:
        if self.is_running():
            self._emit_log(tr("The backend did not terminate; killing it."))
            self._proc.kill()
            if block:
                self._proc.waitForFinished(self.grace_ms)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until finished (tests and scripts only; docks never call this)."""
        from qgis.PyQt.QtCore import QCoreApplication, QElapsedTimer

        timer = QElapsedTimer()
        timer.start()
        while not self._done and timer.elapsed() < msecs:
            QCoreApplication.processEvents()
            if self._proc is not None:
                self._proc.waitForFinished(20)
        QCoreApplication.processEvents()
        return self._done

    # -- reading --------------------------------------------------------------------------
    def _read_stdout(self) -> None:
        for line in self._out.feed(bytes(self._proc.readAllStandardOutput())):
            self._handle_line(line)

    def _read_stderr(self) -> None:
        for line in self._err.feed(bytes(self._proc.readAllStandardError())):
            self._emit_log(line)

    def _handle_line(self, line: str) -> None:
        ev = record_line(self, line)
        if ev is not None:
            self.received.emit(ev)
        elif line.strip():
            self._emit_log(tr("(not an event) {0}").format(line))

    def _emit_log(self, text: str) -> None:
        if self._log_fh is not None:
            self._log_fh.write(text + "\n")
            self._log_fh.flush()
        self.log.emit(text)

    def _on_finished(self, code: int, status) -> None:
        if self._done:
            return
        self._read_stdout()
        self._read_stderr()
        for line in self._out.flush():
            self._handle_line(line)
        for line in self._err.flush():
            self._emit_log(line)
        crashed = status == QProcess.ExitStatus.CrashExit
        if self._cancelling and crashed:
            # We terminated it ourselves after a cancel: that is a cancel, not a crash.
            self._finish(protocol.EXIT_CANCELLED, tr("Cancelled; earlier results are kept."))
            return
        self._finish(-1 if crashed else code, exit_message(code, crashed, self.error, self.log_path))

    def _on_error(self, err) -> None:
        if err == QProcess.ProcessError.FailedToStart:
            self._finish(-1, tr("Could not start the backend interpreter {0}; choose a Python with torch "
                                "in the AeroColor settings.").format(self._proc.program()))

    def _finish(self, code: int, message: str) -> None:
        if self._done:
            return
        self._done = True
        self.exit_code, self.message = code, message
        if message:
            self._emit_log(message)
        if self._log_fh is not None:
            self._log_fh.close()
            self._log_fh = None
        self.finished.emit(code, message)


class RunFollower(QObject):
    """Re-attaches to a run folder after a restart: replays events.jsonl, then follows new lines."""

    received = pyqtSignal(dict)
    ended = pyqtSignal(dict)  # the run's result or error event

    def __init__(self, run_dir: str, parent: Optional[QObject] = None, poll_ms: int = 1000):
        super().__init__(parent)
        self.path = os.path.join(run_dir, "events.jsonl")
        self._offset = 0
        self._buffer = LineBuffer()
        self.finished_event: Optional[dict] = None
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        self.poll()
        if not self.finished_event:
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def poll(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self._offset)
                data = fh.read()
        except FileNotFoundError:
            return
        self._offset += len(data)
        for line in self._buffer.feed(data):
            ev = protocol.parse_line(line)
            if ev is None:
                continue
            self.received.emit(ev)
            if ev["type"] in ("result", "error"):
                self.finished_event = ev
                self._timer.stop()
                self.ended.emit(ev)
