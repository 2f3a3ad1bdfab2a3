"""Datasets, colour spaces, image reading, tiling and synthetic scenes."""
