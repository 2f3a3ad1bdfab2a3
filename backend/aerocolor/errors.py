"""Errors that reach the user as one plain sentence, each with its protocol error code."""
from __future__ import annotations

from aerocolor.protocol import ERROR_EXIT


class AeroColorError(Exception):
    """An error with a message written for the user; ``detail`` holds context for the log."""

    code = "internal"

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.detail = detail

    @property
    def exit_code(self) -> int:
        return ERROR_EXIT[self.code]


class BadInput(AeroColorError):
    code = "bad_input"


class DiskError(AeroColorError):
    code = "disk"


class DeviceError(AeroColorError):
    code = "device"


class Cancelled(AeroColorError):
    code = "cancelled"

    def __init__(self, message: str = "Cancelled; earlier results are kept.", detail: str = ""):
        super().__init__(message, detail)
