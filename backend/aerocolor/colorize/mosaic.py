"""Join georeferenced rasters (colorized outputs, or grey photos before colorizing) into one mosaic.

A .vrt output is a virtual mosaic that points at its inputs (instant, no copy); a .tif
output is a tiled, compressed GeoTIFF with overviews. Transparent pixels of one input
let the others show through (GDAL's mask-aware VRT sources). Inputs must share a CRS
and band layout. Written under a temporary name and renamed when complete.
"""
from __future__ import annotations

import contextlib
import os
from typing import Callable, List, Optional

from osgeo import gdal, osr

from aerocolor.colorize import output_files
from aerocolor.errors import BadInput, Cancelled
from aerocolor.colorize.raster import bounded_cache, config_options, overview_levels
from aerocolor.errors import disk_error

gdal.UseExceptions()

EXTENSIONS = (".vrt", ".tif", ".tiff")


def _describe(path: str) -> tuple:
    """(band count, data type, CRS) of an input, refusing what cannot be mosaicked."""
    if not os.path.exists(path):
        raise BadInput(f"The input {path} does not exist; check the path.")
    try:
        ds = gdal.Open(path)
    except RuntimeError as exc:
        raise BadInput(f"{path} is not a raster GDAL can read; remove it from the list.", str(exc)) from None
    gt = ds.GetGeoTransform(can_return_null=True)
    wkt = ds.GetProjection()
    if gt is None or not wkt:
        raise BadInput(f"{path} has no georeferencing, so it has no place in a mosaic; georeference it first.")
    return ds.RasterCount, ds.GetRasterBand(1).DataType, wkt


def mosaic(output: str, inputs: List[str], compress: str = "deflate",
           progress: Optional[Callable[[float], bool]] = None) -> str:
    """Write the mosaic of `inputs` to `output` (.vrt or .tif); returns the output path.

    progress(fraction) is called while a GeoTIFF is written; returning False cancels.
    """
    ext = os.path.splitext(output)[1].lower()
    if ext not in EXTENSIONS:
        raise BadInput(f"Name the mosaic {output} with .vrt (virtual) or .tif (GeoTIFF).")
    if not inputs:
        raise BadInput("Give at least one input raster for the mosaic.")
    out_abs = os.path.abspath(output)
    if any(os.path.abspath(p) == out_abs for p in inputs):
        raise BadInput("The mosaic would overwrite one of its inputs; choose another output name.")
    folder = os.path.dirname(out_abs)
    if not os.path.isdir(folder):
        raise BadInput(f"The output folder {folder} does not exist; create it first.")
    first = _describe(inputs[0])
    srs0 = osr.SpatialReference(wkt=first[2])
    for p in inputs[1:]:
        bands, dtype, wkt = _describe(p)
        if (bands, dtype) != first[:2]:
            raise BadInput(f"{p} has {bands} bands of {gdal.GetDataTypeName(dtype)}, but {inputs[0]} has "
                           f"{first[0]} of {gdal.GetDataTypeName(first[1])}; mosaic rasters of one kind only.")
        if not srs0.IsSame(osr.SpatialReference(wkt=wkt)):
            raise BadInput(f"{p} is in another CRS than {inputs[0]}; reproject it first (gdalwarp -t_srs).")

    with output_files.writing([output]):  # a second job on the same output is refused, not mixed in
        tmp = output_files.part_name(output)
        stopped = []

        def stage(lo: float, hi: float):
            """A GDAL callback reporting its own 0..1 as lo..hi of the whole, so progress never goes back."""
            def cb(fraction, _msg, _data):
                if progress is None or progress(lo + (hi - lo) * fraction):
                    return 1
                stopped.append(True)
                return 0
            return cb
        try:
            if ext == ".vrt":
                # Paths relative to the VRT keep the mosaic valid when its folder moves with the inputs.
                vrt = gdal.BuildVRT(tmp, inputs, resolution="highest", addAlpha=True)
                vrt = None
            else:
                vrt = gdal.BuildVRT("", inputs, resolution="highest", addAlpha=True)
                comp = compress.upper()
                opts = [f"COMPRESS={comp}", "PREDICTOR=2", "TILED=YES", "BIGTIFF=IF_SAFER", "NUM_THREADS=ALL_CPUS"]
                if vrt.RasterCount in (3, 4) and vrt.GetRasterBand(1).DataType == gdal.GDT_Byte:
                    opts += ["PHOTOMETRIC=RGB"]
                with bounded_cache():
                    levels = overview_levels(vrt.RasterXSize, vrt.RasterYSize)
                    split = 0.9 if levels else 1.0   # overviews hold about a third of the pixels; reading is the rest
                    ds = gdal.Translate(tmp, vrt, format="GTiff", creationOptions=opts, callback=stage(0.0, split))
                    if levels:
                        with config_options({"COMPRESS_OVERVIEW": comp, "PREDICTOR_OVERVIEW": "2"}):
                            ds.BuildOverviews("AVERAGE", levels, callback=stage(split, 1.0))
                    ds = None
                vrt = None
            os.replace(tmp, output)
        except RuntimeError as exc:
            with contextlib.suppress(OSError):
                os.remove(tmp)
            if stopped:
                raise Cancelled() from None
            raise disk_error(output, exc) from None
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(tmp)
            raise
    return output
