"""Capture: tiles of an area of interest from QGIS layers into a training set `aerocolor train` reads.

grid (tile arithmetic), aoi (areas of interest), render (pixels of a tile), writer (layouts,
resume), engine (plan and run), task (a QgsTask around the engine).
"""
