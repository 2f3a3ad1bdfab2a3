"""Backend settings: choose or detect the interpreter, check it, set it up, copy diagnostics.

Every step runs in a QProcess, so the dialog (and QGIS) stays responsive while pip works.
"""
from __future__ import annotations

from typing import List, Optional

from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import QObject, QProcess, QProcessEnvironment, pyqtSignal
from qgis.PyQt.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPlainTextEdit,
                                 QProgressBar, QPushButton, QVBoxLayout)

from . import environment
from ..i18n_util import name_standard_buttons, tr


def _qprocess(parent: QObject, env: Optional[dict] = None) -> QProcess:
    proc = QProcess(parent)
    if env is not None:
        qenv = QProcessEnvironment()
        for k, v in env.items():
            qenv.insert(k, v)
        proc.setProcessEnvironment(qenv)
    return proc


class BackendCheck(QObject):
    """Runs the diagnostics script in the background; ``checked(info, problem)`` when done."""

    checked = pyqtSignal(dict, str)

    def __init__(self, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.proc: Optional[QProcess] = None
        self.info: dict = {}
        self.python = ""

    def start(self, python: str = "") -> None:
        try:
            self.python = python or environment.backend_python()
            env = environment.backend_environment()
        except environment.BackendMissing as exc:
            self.info = {}
            self.checked.emit({}, str(exc))
            return
        self.proc = _qprocess(self, env)
        self.proc.finished.connect(self._done)
        self.proc.errorOccurred.connect(self._failed)
        self.proc.start(self.python, ["-c", environment.DIAGNOSE_SCRIPT])

    def stop(self) -> None:
        if self.proc is not None and self.proc.state() != QProcess.ProcessState.NotRunning:
            self.proc.finished.disconnect(self._done)
            self.proc.kill()
            self.proc.waitForFinished(3000)

    def _failed(self, err) -> None:
        if err == QProcess.ProcessError.FailedToStart:
            self.checked.emit({}, tr("The backend interpreter {0} could not be started; choose another one "
                                     "or click \"Set up backend\".").format(self.python))

    def _done(self, *args) -> None:
        out = bytes(self.proc.readAllStandardOutput()).decode("utf-8", "replace")
        self.info = environment.parse_diagnostics(out) or {}
        self.checked.emit(self.info, environment.readiness_problem(self.info))


class SetupRunner(QObject):
    """Runs the set-up commands one after another; reports each line and the step reached."""

    line = pyqtSignal(str)
    step = pyqtSignal(int, int)
    done = pyqtSignal(bool)

    def __init__(self, commands: List[List[str]], parent: Optional[QObject] = None):
        super().__init__(parent)
        self.commands = commands
        self.index = -1
        self.proc: Optional[QProcess] = None

    def start(self) -> None:
        self._next()

    def cancel(self) -> None:
        if self.proc is not None and self.proc.state() != QProcess.ProcessState.NotRunning:
            self.proc.kill()

    def _next(self) -> None:
        self.index += 1
        if self.index >= len(self.commands):
            self.done.emit(True)
            return
        cmd = self.commands[self.index]
        self.step.emit(self.index, len(self.commands))
        self.line.emit("$ " + " ".join(cmd))
        self.proc = _qprocess(self)
        self.proc.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        self.proc.readyReadStandardOutput.connect(self._read)
        self.proc.finished.connect(self._finished)
        self.proc.errorOccurred.connect(self._error)
        self.proc.start(cmd[0], cmd[1:])

    def _read(self) -> None:
        text = bytes(self.proc.readAllStandardOutput()).decode("utf-8", "replace")
        for ln in text.splitlines():
            self.line.emit(ln)

    def _error(self, err) -> None:
        if err == QProcess.ProcessError.FailedToStart:
            self.line.emit(tr("Could not start {0}.").format(self.commands[self.index][0]))
            self.done.emit(False)

    def _finished(self, code: int, status) -> None:
        self._read()
        if code != 0 or status == QProcess.ExitStatus.CrashExit:
            self.line.emit(tr("This step failed (exit code {0}); the log above says why.").format(code))
            self.done.emit(False)
            return
        self._next()


class BackendDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("AeroColor backend"))
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Python interpreter that runs the backend (it needs PyTorch):")))
        row = QHBoxLayout()
        self.python = QgsFileWidget()
        self.python.setStorageMode(QgsFileWidget.StorageMode.GetFile)
        self.python.setFilePath(environment.configured_python())
        row.addWidget(self.python, 1)
        self.detect_button = QPushButton(tr("Detect"))
        self.detect_button.clicked.connect(self.detect)
        row.addWidget(self.detect_button)
        self.check_button = QPushButton(tr("Check"))
        self.check_button.clicked.connect(self.check)
        row.addWidget(self.check_button)
        layout.addLayout(row)
        self.status = QLabel(tr("Not checked yet."))
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        layout.addWidget(self.log, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        name_standard_buttons(buttons)
        self.setup_button = buttons.addButton(tr("Set up backend"), QDialogButtonBox.ButtonRole.ActionRole)
        self.setup_button.clicked.connect(self.set_up)
        self.copy_button = buttons.addButton(tr("Copy diagnostics"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_diagnostics)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.checker = BackendCheck(self)
        self.checker.checked.connect(self._checked)
        self.runner: Optional[SetupRunner] = None
        self.info: dict = {}
        self.problem = ""

    def chosen_python(self) -> str:
        return self.python.filePath().strip()

    def detect(self) -> None:
        found = environment.candidates()
        if found:
            self.python.setFilePath(found[0].python)
            self.status.setText(tr("Found: {0} ({1}).").format(found[0].python, found[0].label))
        else:
            self.status.setText(tr("No interpreter with the backend was found; click \"Set up backend\"."))

    def check(self) -> None:
        environment.set_configured_python(self.chosen_python())
        self.status.setText(tr("Checking…"))
        self.checker.start(self.chosen_python())

    def _checked(self, info: dict, problem: str) -> None:
        self.info, self.problem = info, problem
        if problem:
            self.status.setText(problem)
        else:
            device = tr("CUDA GPU") if info.get("cuda") else tr("CPU")
            self.status.setText(tr("Ready: torch {0} on {1}, backend {2}.").format(
                info.get("torch"), device, info.get("aerocolor")))
        self.log.appendPlainText(environment.diagnostics_text(info, self.checker.python, problem))

    def set_up(self) -> None:
        base = environment.qgis_python()
        if not base:
            self.status.setText(tr("QGIS's own Python was not found; install Python 3 and name it here."))
            return
        env_dir = environment.managed_env_dir()
        self.runner = SetupRunner(environment.setup_commands(env_dir, base), self)
        self.runner.line.connect(self.log.appendPlainText)
        self.runner.step.connect(self._step)
        self.runner.done.connect(lambda ok: self._set_up_done(ok, env_dir))
        self.progress.setVisible(True)
        self.setup_button.setEnabled(False)
        self.status.setText(tr("Setting up the backend in {0}; this downloads PyTorch once.").format(env_dir))
        self.runner.start()

    def _step(self, index: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(index)

    def _set_up_done(self, ok: bool, env_dir: str) -> None:
        self.setup_button.setEnabled(True)
        self.progress.setVisible(False)
        if ok:
            self.python.setFilePath(environment.venv_python(env_dir))
            self.check()
        else:
            self.status.setText(tr("Setting up the backend failed; the log says why. Nothing else was changed."))

    def copy_diagnostics(self) -> None:
        text = environment.diagnostics_text(self.info, self.chosen_python() or self.checker.python, self.problem)
        QApplication.clipboard().setText(text)
        self.status.setText(tr("Diagnostics copied to the clipboard."))

    def reject(self) -> None:
        if self.runner is not None:
            self.runner.cancel()
        environment.set_configured_python(self.chosen_python())
        super().reject()
