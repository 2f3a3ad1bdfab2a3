"""Colorize: the tile engine, raster reading and writing, blending, the colour join, latent codes,
many rasters in one job, and mosaics of the results."""
