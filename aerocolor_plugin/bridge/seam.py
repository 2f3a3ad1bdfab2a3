"""The backend's torch-free modules the plugin uses (the protocol, the families and their options, the notice templates, the names and lock of output files),
imported from the bundled or development backend."""
from .paths import ensure_backend_importable

ensure_backend_importable()

from aerocolor import __version__ as BACKEND_VERSION  # noqa: E402
from aerocolor import family_options, notices, protocol  # noqa: E402
from aerocolor.colorize import output_files  # noqa: E402

__all__ = ["family_options", "notices", "output_files", "protocol", "BACKEND_VERSION"]
