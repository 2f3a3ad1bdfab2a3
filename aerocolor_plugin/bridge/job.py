"""One backend subcommand as a child process: the one lifecycle behind both the docks
(bridge/process.py, driven by the Qt event loop) and the Processing algorithms (bridge/run.py,
blocking in their worker thread).

Its stdout lines are protocol events, its stderr lines the log; both are read by threads into a
queue that the owner drains with ``take``, so nothing here touches Qt. Cancel asks politely first
("cancel" on stdin), and ``step`` escalates to terminate, then kill, when the backend does not stop.
"""
from __future__ import annotations

import os
import queue
import subprocess
import threading
import time
from typing import List, Optional, Tuple

from . import environment
from .events import LineBuffer, exit_message, record_line
from .seam import protocol
from ..i18n_util import tr


class BackendJob:
    def __init__(self, args: List[str], python: str = "", log_path: str = "", grace_s: float = 5.0):
        self.args = list(args)
        self.python = python
        self.log_path = log_path
        self.grace_s = grace_s
        self.result: Optional[dict] = None
        self.error: Optional[dict] = None
        self.events: List[dict] = []
        self.garbage: List[str] = []
        self.exit_code: Optional[int] = None
        self.message = ""
        self._proc: Optional[subprocess.Popen] = None
        self._queue: "queue.Queue[Tuple[str, str]]" = queue.Queue()
        self._readers: List[threading.Thread] = []
        self._log_fh = None
        self._cancelled_at: Optional[float] = None
        self._escalated = 0

    # -- starting -------------------------------------------------------------------------
    def start(self) -> None:
        """Start ``python -m aerocolor --events jsonl ARGS``. Raises environment.BackendMissing, or
        OSError with a sentence for the user when the interpreter cannot be started."""
        command = environment.backend_command(self.args, self.python)
        env = environment.backend_environment()
        if self.log_path:
            os.makedirs(os.path.dirname(os.path.abspath(self.log_path)), exist_ok=True)
            self._log_fh = open(self.log_path, "a", encoding="utf-8")
            self._log_fh.write("$ " + " ".join(command) + "\n")
        try:
            self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, env=env)
        except OSError:
            self._close_log()
            raise OSError(tr("Could not start the backend interpreter {0}; choose a Python with torch "
                             "in the AeroColor settings.").format(command[0])) from None
        self._readers = [threading.Thread(target=self._pump, args=(self._proc.stdout, "line"), daemon=True),
                         threading.Thread(target=self._pump, args=(self._proc.stderr, "log"), daemon=True)]
        for t in self._readers:
            t.start()

    def _pump(self, stream, kind: str) -> None:
        buf = LineBuffer()
        for chunk in iter(lambda: stream.read1(65536), b""):
            for line in buf.feed(chunk):
                self._queue.put((kind, line))
        for line in buf.flush():
            self._queue.put((kind, line))

    # -- while it runs ----------------------------------------------------------------------
    @property
    def pid(self) -> Optional[int]:
        return self._proc.pid if self._proc is not None else None

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def take(self) -> List[Tuple[str, object]]:
        """What arrived since the last call, in order: ("event", dict) and ("log", str)."""
        out: List[Tuple[str, object]] = []
        while True:
            try:
                kind, line = self._queue.get_nowait()
            except queue.Empty:
                return out
            if kind == "line":
                ev = record_line(self, line)
                if ev is not None:
                    out.append(("event", ev))
                    continue
                if not line.strip():
                    continue
                line = tr("(not an event) {0}").format(line)
            out.append(("log", self.write_log(line)))

    def note(self, text: str) -> str:
        """A line of our own in the log (escalation, the exit message)."""
        self._queue.put(("log", text))
        return text

    def write_log(self, text: str) -> str:
        """`text` into the log file, if there is one; returns it."""
        if self._log_fh is not None:
            self._log_fh.write(text + "\n")
            self._log_fh.flush()
        return text

    def cancel(self) -> None:
        """Ask the backend to stop and save; ``step`` escalates if it does not within the grace time."""
        if not self.running() or self._cancelled_at is not None:
            return
        self._cancelled_at = time.monotonic()
        try:
            self._proc.stdin.write(b"cancel\n")
            self._proc.stdin.flush()
        except OSError:
            pass

    @property
    def cancelling(self) -> bool:
        return self._cancelled_at is not None

    def step(self) -> None:
        """Terminate, then kill, a backend that was asked to stop and has not, one grace time apart."""
        if self._cancelled_at is None or not self.running():
            return
        if time.monotonic() - self._cancelled_at > self.grace_s * (self._escalated + 1):
            if self._escalated == 0:
                self.note(tr("The backend did not stop; terminating it."))
                self._proc.terminate()
            else:
                self.note(tr("The backend did not terminate; killing it."))
                self._proc.kill()
            self._escalated += 1

    def stop_and_wait(self, wait_s: float) -> None:
        """QGIS is closing: ask the backend to stop and save, wait for it (bounded), then escalate,
        waiting each time instead of leaving it to a timer that would not run any more."""
        if not self.running():
            return
        self.cancel()
        for limit, act, text in ((wait_s, self._proc.terminate, tr("The backend did not stop; terminating it.")),
                                 (self.grace_s, self._proc.kill, tr("The backend did not terminate; killing it."))):
            try:
                self._proc.wait(limit)
                return
            except subprocess.TimeoutExpired:
                self.note(text)
                act()
        try:
            self._proc.wait(self.grace_s)
        except subprocess.TimeoutExpired:
            pass

    # -- the end ----------------------------------------------------------------------------
    def finish(self) -> List[Tuple[str, object]]:
        """After the process has exited: the last lines (as ``take``), with exit_code and message (one
        sentence for the user, '' when it succeeded) set."""
        for t in self._readers:
            t.join(timeout=5)
        rest = self.take()
        code = self._proc.returncode
        crashed = code < 0  # ended by a signal
        if crashed and self._cancelled_at is not None:
            # We terminated it ourselves after a cancel: that is a cancel, not a crash.
            self.exit_code, self.message = protocol.EXIT_CANCELLED, tr("Cancelled; earlier results are kept.")
        else:
            self.exit_code = -1 if crashed else code
            self.message = exit_message(code, crashed, self.error, self.log_path)
        if self.message:
            self.write_log(self.message)
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        self._close_log()
        return rest

    def _close_log(self) -> None:
        if self._log_fh is not None:
            self._log_fh.close()
            self._log_fh = None
