"""The backend's torch-free protocol module, imported from the bundled or development backend."""
from .paths import ensure_backend_importable

ensure_backend_importable()

from aerocolor import __version__ as BACKEND_VERSION  # noqa: E402
from aerocolor import protocol  # noqa: E402

__all__ = ["protocol", "BACKEND_VERSION"]
