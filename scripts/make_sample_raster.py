#!/usr/bin/env python3
"""Make the bundled sample 'historical' raster: a NEON orthophoto held out of the default
model's training (OSBS_029, 10 cm, EPSG:32617) turned grey with the backend's luma formula,
georeferencing kept; its colour original is kept beside it for comparison.

  .venv/bin/python scripts/make_sample_raster.py [sample_data/neon/OSBS_029.tif]
"""
import os
import sys

import numpy as np
from osgeo import gdal

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "backend"))
from aerocolor.data.layout import grey_of  # noqa: E402

gdal.UseExceptions()
src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "sample_data", "neon", "OSBS_029.tif")
out_dir = os.path.join(REPO, "backend", "aerocolor", "assets", "sample")
os.makedirs(out_dir, exist_ok=True)
opts = ["COMPRESS=DEFLATE", "PREDICTOR=2", "TILED=YES"]
ds = gdal.Open(src)
colour = gdal.Translate(os.path.join(out_dir, "osbs_029_colour.tif"), ds, creationOptions=opts)
colour = None
rgb = np.moveaxis(ds.ReadAsArray(), 0, -1)
grey = (grey_of(rgb)[:, :, 0] * 255.0 + 0.5).astype(np.uint8)
drv = gdal.GetDriverByName("GTiff")
g = drv.Create(os.path.join(out_dir, "osbs_029_grey.tif"), ds.RasterXSize, ds.RasterYSize, 1, gdal.GDT_Byte, opts)
g.SetGeoTransform(ds.GetGeoTransform())
g.SetProjection(ds.GetProjection())
g.GetRasterBand(1).WriteArray(grey)
g.GetRasterBand(1).SetColorInterpretation(gdal.GCI_GrayIndex)
g.SetMetadataItem("SOURCE", "NEON OSBS_029 orthophoto (deepforest 2.1.0 wheel, MIT), made grey with BT.601 luma")
g = None
print("sample rasters in", out_dir)
