"""The sentences colorize and train say about their input, each kept once as a template with named fields.

A notice event carries its key and fields beside the English sentence, so the QGIS plugin can show it in
the user's language (its translations are made from these templates: scripts/update_translations).
Torch-free: the plugin imports this module."""
from __future__ import annotations

from typing import Dict

TEMPLATES: Dict[str, str] = {
    "two_bands_alpha": "{input} has 2 bands: band 1 is colorized and band 2 is its alpha (transparency) mask.",
    "two_bands_other": "{input} has 2 bands and band 2 is not an alpha band: band 1 is colorized and band 2 is "
                       "left out; to colorize band 2, extract it first (gdal_translate -b 2).",
    "colour_bands": "{input} has colour bands; they are turned grey (BT.601 luma) before colorizing.",
    "stretched": "{input} holds {dtype} values; they are stretched from {low} to {high} (the {stretch} "
                 "percentiles).",
    "no_crs": "{input} has a pixel grid but no coordinate reference system (CRS); the output has the same grid "
              "and no CRS either, so it will not line up with other layers until one is assigned "
              "(gdal_edit -a_srs EPSG:..., or the layer's properties in QGIS).",
    "nodata_out_of_range": "{input} declares the nodata value {nodata}, which its {dtype} pixels cannot hold; it "
                           "is ignored and every pixel is colorized (set a value in range, e.g. gdal_edit "
                           "-a_nodata 0, if some pixels are missing).",
    "no_georef": "{input} has no georeferencing; the output has the same pixel grid and none either.",
    "no_georef_gcps": "{input} has no georeferencing; the output has the same pixel grid and none either (its "
                      "ground control points are copied).",
    "upsample_capped": "The input has {input_m} m/px and the model was trained at {model_m}: matching it would "
                       "enlarge the input {factor} times, {work} times the work ({megapixels} megapixels through "
                       "the model). It is enlarged {cap} times instead; --max-upsample {flag} (or Ground "
                       "resolution: the model's) goes all the way, --gsd native not at all.",
    "resampled": "The input has {input_m} m/px and the model was trained at {model_m}; the model sees the input "
                 "resampled by {factor} and the colour comes back at the input's resolution.",
    "resampled_costly": "The input has {input_m} m/px and the model was trained at {model_m}; the model sees the "
                        "input resampled by {factor} ({work} times the work: {megapixels} megapixels through the "
                        "model) and the colour comes back at the input's resolution.",
    "tone_match": "Tone match: the model sees the photo's greys (median {photo}) mapped to its training greys "
                  "(median {trained}); the output keeps the photo's own tones.",
    "all_nodata": "Every pixel of {input} is nodata or masked, so {output} is fully transparent; check the "
                  "raster's nodata value (gdalinfo; in QGIS the layer's Transparency properties).",
    "images_checked": "Checked that the {count} images of {data} decode ({seconds} s).",
}


def text(key: str, **fields: str) -> str:
    return TEMPLATES[key].format(**fields)


def emit(events, key: str, level: str = "warning", **fields) -> str:
    """Send the notice `key` on `events` (an EventSink) with its fields; returns the English sentence."""
    as_text = {k: str(v) for k, v in fields.items()}
    message = text(key, **as_text)
    events.emit("notice", level=level, message=message, key=key, fields=as_text)
    return message
