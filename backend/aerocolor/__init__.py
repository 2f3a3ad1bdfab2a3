"""AeroColor backend: train GAN colorizers and colorize georeferenced aerial rasters."""

__version__ = "0.1.0"
