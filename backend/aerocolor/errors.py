"""Errors that reach the user as one plain sentence, each with its protocol error code."""
from __future__ import annotations

import errno

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


def disk_error(path: str, exc: Exception) -> DiskError:
    # GDAL's own frames in the traceback hold the dataset: dropped, so that abort() is what closes it.
    exc.with_traceback(None)
    text = str(exc)
    if "space" in text.lower() or getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
        return DiskError(f"No space left to write {path}; free some disk space and run again "
                         f"(nothing was written under that name).", text)
    return DiskError(f"Could not write {path}; check the folder's permissions and free space "
                     f"(nothing was written under that name).", text)
