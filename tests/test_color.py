"""Lab conversion: exact sRGB/D65, invertible, and the model scaling built on it."""
import itertools

import torch

from aerocolor.colorize import compose
from aerocolor.data import color


def test_round_trip_of_every_8bit_level_combination_is_under_one_level():
    levels = torch.arange(0, 256, 5, dtype=torch.float32) / 255.0
    rgb = torch.tensor(list(itertools.product(levels.tolist(), repeat=3))).T.reshape(1, 3, -1, 1)
    back = color.lab_to_rgb(color.rgb_to_lab(rgb))
    assert float((back - rgb).abs().max()) < 1.0 / 255.0


def test_known_lab_values():
    # White is L=100 with no colour; sRGB red is the textbook (53.24, 80.09, 67.20).
    pixels = torch.tensor([[1.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0]])  # white, red, yellow
    lab = color.rgb_to_lab(pixels.T.reshape(3, 3, 1))
    white, red, yellow = lab[:, 0, 0], lab[:, 1, 0], lab[:, 2, 0]
    assert torch.allclose(white, torch.tensor([100.0, 0.0, 0.0]), atol=0.01)
    assert torch.allclose(red, torch.tensor([53.24, 80.09, 67.20]), atol=0.05)
    assert torch.allclose(yellow, torch.tensor([97.14, -21.55, 94.48]), atol=0.05)


def test_neutral_greys_have_no_colour_and_match_grey_to_lightness():
    g = torch.linspace(0, 1, 11).view(1, 1, 11, 1)
    lab = color.rgb_to_lab(g.expand(1, 3, 11, 1))
    assert float(lab[:, 1:].abs().max()) < 1e-3
    assert torch.allclose(lab[:, :1], color.grey_to_lightness(g), atol=1e-4)


def test_lab_model_output_keeps_the_input_lightness():
    grey = torch.rand(2, 1, 8, 8)
    ab = torch.rand(2, 2, 8, 8) * 0.4 - 0.2
    rgb = compose.model_output_to_rgb(ab, grey, "lab")
    # L of the result is the input's L, to within the 8-bit rounding of the output: out of gamut the
    # chroma shrinks instead of the lightness.
    L_back = color.rgb_to_lab(rgb)[:, :1]
    assert float((L_back - color.grey_to_lightness(grey)).abs().max()) < 1.0


def test_targets_round_trip_through_the_model_scaling():
    rgb = torch.rand(2, 3, 16, 16)
    for mode in color.COLOR_MODES:
        target = color.model_target(rgb, mode)
        assert target.shape[1] == color.output_channels(mode)
        assert float(target.abs().max()) <= 1.0
    back = compose.model_output_to_rgb(color.model_target(rgb, "rgb"), rgb[:, :1], "rgb")
    assert torch.allclose(back, rgb, atol=1 / 255 + 1e-6)  # the 8-bit codes colorize writes


def test_colour_join_on_several_threads_gives_the_same_rows_in_order():
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    from aerocolor.colorize.compose import rgba_chunks

    rng = np.random.default_rng(0)
    h, w = 45, 2048
    x = rng.random((h, w), dtype=np.float32) * 2 - 1
    valid = rng.random((h, w)) > 0.1
    colour = ((rng.random((2, h, w)) - 0.5) * 0.6).astype(np.float16)
    one = list(rgba_chunks(x, valid, colour, "lab"))
    with ThreadPoolExecutor(3) as pool:
        several = list(rgba_chunks(x, valid, colour, "lab", pool))
    assert len(several) > len(one)                     # split finer, so every thread has work
    rows = [r for r, _ in several]
    assert rows == sorted(rows) and rows[0] == 0
    assert all(r + part.shape[1] == nxt for (r, part), nxt in zip(several, rows[1:] + [h]))
    assert (np.concatenate([p for _, p in several], axis=1) == np.concatenate([p for _, p in one], axis=1)).all()


def test_srgb_encoding_table_gives_the_rounded_exact_code_at_every_step():
    import numpy as np

    from aerocolor.colorize import compose

    table = compose._tables()[1]
    steps = np.arange(compose._LIN_STEPS + 1)
    # The table is built from where each code begins; here every step is evaluated directly.
    direct = np.floor(color.linear_to_srgb(torch.from_numpy(steps / compose._LIN_STEPS)).numpy() * 255 + 0.5)
    assert table.shape == steps.shape and table.dtype == np.uint8
    assert (table == direct).all()
    assert table[0] == 0 and table[-1] == 255 and (np.diff(table.astype(int)) >= 0).all()


def test_the_study_and_colorize_give_the_same_pixels_for_the_same_tile(tiny_checkpoint, tmp_path):
    """One colour path: the figures the study and validation report score the image a user gets."""
    import numpy as np
    from osgeo import gdal

    from aerocolor.colorize.engine import colorize
    from aerocolor.study.runner import colorize_tiles
    from conftest import write_geotiff

    # A tiny model's chroma is faint, so any conversion would agree: make its colours strong and
    # mostly outside sRGB (the last layer's weights scaled up), where the gamut handling decides.
    from aerocolor.models import checkpoint

    obj = checkpoint.load(tiny_checkpoint)
    obj["nets"]["G"]["up.5.1.weight"] *= 60.0
    model = str(tmp_path / "vivid.pt")
    checkpoint.save(model, {k: v for k, v in obj.items() if k not in ("format", "format_version")})
    rng = np.random.default_rng(4)
    codes = (rng.random((64, 64)) * 200 + 30).astype(np.uint8)
    path = write_geotiff(str(tmp_path / "grey.tif"), codes)
    colorize(model, path, str(tmp_path / "out.tif"), precision="fp32", gsd="native", overviews=False)
    written = gdal.Open(str(tmp_path / "out.tif")).ReadAsArray()[:3].transpose(1, 2, 0)
    (studied,) = colorize_tiles(model, [codes[..., None].astype(np.float32) / 255.0], torch.device("cpu"))
    studied = np.floor(studied * 255.0 + 0.5).astype(np.uint8)
    assert np.array_equal(studied, written)
