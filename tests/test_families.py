"""CycleGAN, CUT, FastCUT and BicycleGAN through the shared Trainer: tiny real models on
synthetic data, real checkpoints, real GeoTIFFs, the real CLI in a subprocess."""
import math
import os

import numpy as np
import pytest
import torch

from aerocolor.models import checkpoint
from aerocolor.config import TrainConfig
from aerocolor.data import color
from aerocolor.data.imageio import Stretch
from aerocolor.errors import BadInput
from aerocolor.models.losses import kl_to_standard_normal, patch_nce
from aerocolor.models import family_class
from aerocolor.training.trainer import train
from conftest import run_cli, write_geotiff

UNPAIRED = ("cyclegan", "cut", "fastcut")
TINY_NET = {"ngf": 8, "ndf": 8, "resnet_blocks": 2}


@pytest.fixture(scope="module")
def synthetic_unpaired(tmp_path_factory) -> str:
    """An unpaired synthetic set (trainA/ grey, trainB/ colour) of 64 px tiles."""
    from aerocolor.data.build import DatasetConfig, build_synthetic

    out = str(tmp_path_factory.mktemp("data") / "unpaired")
    build_synthetic(6, DatasetConfig(out=out, tile=64, layout="unpaired", seed=2))
    return out


def _cfg(family, data, run="", model=None, **kw) -> TrainConfig:
    model = dict(model or {})
    model["net"] = {**TINY_NET, **model.get("net", {})}
    base = dict(family=family, data=data, run=run, tile=64, batch=2, epochs=1, decay_epochs=1,
                steps_per_epoch=2, threads=2, seed=3, model=model)
    base.update(kw)
    return TrainConfig.from_dict(base)


def _family(cfg):
    torch.manual_seed(0)
    return family_class(cfg.family)(cfg, torch.device("cpu"))


def _batch(n=2, tile=64, seed=0):
    """n synthetic aerial scenes: grey A and colour B in [0, 1]."""
    from aerocolor.data.synthetic import scene

    rgb = torch.stack([torch.from_numpy(scene(tile, tile, seed + i)).permute(2, 0, 1) for i in range(n)])
    return {"A": color.rgb_to_grey(rgb), "B": rgb}


def _geotiff_pixels(tmp_path) -> torch.Tensor:
    """A small 8-bit grey GeoTIFF written and read back through GDAL, as model input (1, 1, 64, 64)."""
    from aerocolor.data.imageio import read_image
    from aerocolor.data.synthetic import scene

    grey = (color.rgb_to_grey(torch.from_numpy(scene(64, 64, 11)).permute(2, 0, 1)).numpy()[0] * 255).round()
    path = write_geotiff(str(tmp_path / "grey.tif"), grey.astype(np.uint8))
    img, _ = read_image(path)
    return torch.from_numpy(img.transpose(2, 0, 1))[None].float()


def _grey_geotiff(tmp_path, height=96, width=80) -> tuple:
    """A small 8-bit grey GeoTIFF of a synthetic scene, larger than one 64 px tile: (path, pixels)."""
    from aerocolor.data.synthetic import scene

    grey = (color.rgb_to_grey(torch.from_numpy(scene(height, width, 4)).permute(2, 0, 1)).numpy()[0] * 255)
    grey = grey.round().astype(np.uint8)
    return write_geotiff(str(tmp_path / "old.tif"), grey), grey


# -- each family trains through the Trainer and its checkpoint colorizes ----------------------
@pytest.mark.parametrize("family,mode", [("pix2pix", "rgb"), ("cyclegan", "lab"), ("cut", "rgb"),
                                         ("fastcut", "lab"), ("bicyclegan", "lab")])
def test_family_trains_two_epochs_and_its_checkpoint_colorizes(family, mode, synthetic_pairs,
                                                               synthetic_unpaired, tmp_path):
    from osgeo import gdal

    from aerocolor.colorize.engine import colorize
    from aerocolor.colorize.output_files import sample_paths

    data = synthetic_unpaired if family in UNPAIRED else synthetic_pairs
    path = train(_cfg(family, data, str(tmp_path / "run"), color_mode=mode))
    obj = checkpoint.load(path)
    card = obj["card"]
    assert card["family"] == family and card["epoch"] == 2 and card["color_mode"] == mode
    assert obj["generator"] == family_class(family).generator_name and obj["generator"] in obj["nets"]
    history = obj["training"]["history"]
    assert len(history) == 2
    for rec in history:
        assert rec["losses"] and all(math.isfinite(v) for v in rec["losses"].values()), rec
    assert os.path.isfile(tmp_path / "run" / "samples" / "epoch_002.png")
    assert (card.get("nz") == 8) == (family == "bicyclegan")

    # The checkpoint through the real colorize (loading, tiles, blending, writer), as a user runs it;
    # BicycleGAN writes two samples with different latent codes.
    src, grey = _grey_geotiff(tmp_path)
    samples = 2 if family == "bicyclegan" else 1
    out = str(tmp_path / "colour.tif")
    result = colorize(path, src, out, device="cpu", threads=2, samples=samples, gsd="native", precision="fp32",
                      overviews=False)
    assert result.outputs == sample_paths(out, samples) and result.tiles == 4 * samples
    rgbs = []
    for p in result.outputs:
        ds = gdal.Open(p)
        assert (ds.RasterXSize, ds.RasterYSize, ds.RasterCount) == (80, 96, 4)
        assert ds.GetGeoTransform() == gdal.Open(src).GetGeoTransform()
        rgba = ds.ReadAsArray()
        ds = None
        assert (rgba[3] == 255).all()
        rgb = rgba[:3].astype(np.int16)
        # A colour image, not the grey one repeated: the channels differ somewhere.
        assert np.abs(rgb[0] - rgb[2]).max() > 0
        if mode == "lab":  # Lab output keeps the photo's own lightness.
            L = color.rgb_to_lab(torch.from_numpy(rgb.astype(np.float32) / 255))[0]
            L_in = color.grey_to_lightness(torch.from_numpy(grey.astype(np.float32) / 255))
            assert float((L - L_in).abs().median()) < 1.0
        rgbs.append(rgb)
    if samples == 2:  # two latent codes, two different colourings
        assert np.abs(rgbs[0] - rgbs[1]).max() > 0


# -- CUT / FastCUT ---------------------------------------------------------------------------
@pytest.mark.parametrize("netG", ["unet", "resnet"])
def test_cut_trains_with_both_generator_types(netG, synthetic_unpaired, tmp_path):
    model = {"net": {"netG": netG, "resnet_blocks": 2}, "num_patches": 32}
    path = train(_cfg("cut", synthetic_unpaired, str(tmp_path / netG), model=model, epochs=1, decay_epochs=0))
    obj = checkpoint.load(path)
    losses = obj["training"]["history"][-1]["losses"]
    assert losses["NCE"] > 0 and losses["NCE_idt"] > 0 and all(math.isfinite(v) for v in losses.values())
    card, net = checkpoint.load_generator(path)
    assert net(torch.zeros(1, 1, 64, 64)).shape == (1, 2, 64, 64)


def test_cut_nce_layers_are_hooked_by_name_and_unknown_names_are_refused(synthetic_unpaired):
    fam = _family(_cfg("cut", synthetic_unpaired, model={"net": {"netG": "unet"}, "nce_layers": ["down.1", "down.3"]}))
    feats = fam.tap.features(torch.zeros(2, 3, 64, 64))
    assert [f.shape[1:] for f in feats] == [(16, 16, 16), (64, 4, 4)]
    # The early stop leaves the full forward pass intact afterwards.
    assert fam.G(torch.zeros(1, 1, 64, 64)).shape == (1, 2, 64, 64)
    with pytest.raises(BadInput, match="no layer 'blocks.2'"):
        _family(_cfg("cut", synthetic_unpaired, model={"nce_layers": ["stem", "blocks.2"]}))


def test_patch_nce_rewards_matching_patches():
    torch.manual_seed(0)
    k = torch.nn.functional.normalize(torch.randn(2, 16, 8), dim=-1)
    matched = patch_nce(k.clone(), k, 0.07)
    shuffled = patch_nce(k[:, torch.randperm(16)].clone(), k, 0.07)
    assert float(matched) < 0.5 < float(shuffled)
    # With all patches alike the loss is log(P): no patch can be told from the others.
    same = torch.nn.functional.normalize(torch.ones(1, 16, 8), dim=-1)
    assert abs(float(patch_nce(same, same, 0.07)) - math.log(16)) < 1e-4


def test_fastcut_defaults_differ_from_cut():
    from aerocolor.models.cut import CUTConfig, FastCUTConfig

    cut, fast = CUTConfig(), FastCUTConfig()
    assert (cut.lambda_nce, cut.nce_idt, cut.flip_equivariance) == (1.0, True, False)
    assert (fast.lambda_nce, fast.nce_idt, fast.flip_equivariance) == (10.0, False, True)


@pytest.mark.parametrize("family,mode", [("fastcut", "lab"), ("cut", "rgb")])
def test_flip_equivariance_feeds_g_the_mirrored_input_and_ties_patches_to_the_unmirrored_one(
        family, mode, synthetic_unpaired, monkeypatch):
    """A step with the coin forced to 'flip': G runs on the mirrored input, and PatchNCE's queries are
    the features of that fake (Lab: with the mirrored input's L) mirrored back, its keys the features
    of the unmirrored input, so each query sits at its key's place."""
    model = {"num_patches": 16, "flip_equivariance": True}
    fam = _family(_cfg(family, synthetic_unpaired, color_mode=mode, model=model))
    batch = _batch(2, seed=6)
    fam.set_input(batch)
    before = {k: v.clone() for k, v in fam.G.state_dict().items()}
    full_passes, mlp_calls = [], []
    fam.G.register_forward_hook(lambda _m, inputs, _out: full_passes.append(inputs[0].detach().clone()))
    mlp_forward = fam.MLP.forward

    def record(feats, num_patches, ids=None):
        mlp_calls.append([f.detach().clone() for f in feats])
        return mlp_forward(feats, num_patches, ids)

    monkeypatch.setattr(fam.MLP, "forward", record)
    rand = torch.rand
    monkeypatch.setattr(torch, "rand", lambda *size, **kw: torch.zeros(()) if size == ((),) else rand(*size, **kw))
    fam.optimize()
    monkeypatch.undo()

    real_Ac = fam.neutral_colour(fam.real_A)
    inp = torch.cat([real_Ac, fam.real_colour()]) if fam.opt.nce_idt else real_Ac
    # The encoder-only passes stop early, so the one full pass is G's own forward.
    assert len(full_passes) == 1 and torch.equal(full_passes[0], inp.flip(3))

    fam.G.load_state_dict(before)  # the weights the step saw
    with torch.no_grad():
        fake = fam.G(real_Ac.flip(3))
        queries = [f.flip(3) for f in fam.tap.features(fam.colour_image(fam.real_A.flip(3), fake))]
        keys = fam.tap.features(real_Ac)
    q_seen, k_seen = mlp_calls[0], mlp_calls[1]
    assert len(q_seen) == len(queries) == len(k_seen) == len(keys)
    for seen, want in zip(q_seen + k_seen, queries + keys):
        assert torch.allclose(seen, want, atol=1e-5), float((seen - want).abs().max())
    # G is not flip-equivariant yet, so these queries tell G(flip x) from flip G(x).
    with torch.no_grad():
        assert float((fam.G(real_Ac).flip(3) - fake).abs().max()) > 1e-4


# -- BicycleGAN ------------------------------------------------------------------------------
@pytest.mark.parametrize("z_where", ["input", "middle", "all"])
def test_bicyclegan_each_injection_point_trains_and_z_changes_the_colours(z_where, synthetic_pairs, tmp_path):
    path = train(_cfg("bicyclegan", synthetic_pairs, str(tmp_path / z_where), epochs=1, decay_epochs=0,
                      model={"nz": 4, "z_where": z_where}))
    card, net = checkpoint.load_generator(path)
    assert card["nz"] == 4 and card["z_where"] == z_where
    grey = _geotiff_pixels(tmp_path)
    x = color.model_input(grey, card["color_mode"])
    with torch.no_grad():
        a = net(x, torch.randn(1, 4, generator=torch.Generator().manual_seed(1)))
        b = net(x, torch.randn(1, 4, generator=torch.Generator().manual_seed(2)))
        a2 = net(x, torch.randn(1, 4, generator=torch.Generator().manual_seed(1)))
    assert torch.equal(a, a2)
    assert float((a - b).abs().max()) > 1e-4


def test_unet_takes_z_where_it_is_told():
    from aerocolor.nets.unet import UNetGenerator

    def in_channels(net):
        downs = [layer[-1].in_channels if isinstance(layer[-1], torch.nn.Conv2d) else
                 next(m for m in layer if isinstance(m, torch.nn.Conv2d)).in_channels for layer in net.down]
        ups = [next(m for m in layer if isinstance(m, torch.nn.ConvTranspose2d)).in_channels for layer in net.up]
        return downs, ups

    plain_d, plain_u = in_channels(UNetGenerator(1, 2, 8, 5, nz=0))
    for where in ("input", "middle", "all"):
        net = UNetGenerator(1, 2, 8, 5, nz=3, z_where=where)
        d, u = in_channels(net)
        extra_d = [a - b for a, b in zip(d, plain_d)]
        extra_u = [a - b for a, b in zip(u, plain_u)]
        assert extra_d == {"input": [3, 0, 0, 0, 0], "middle": [0] * 5, "all": [3] * 5}[where]
        assert extra_u == ([3, 0, 0, 0, 0] if where == "middle" else [0] * 5)
        x = torch.rand(2, 1, 32, 32) * 2 - 1
        net.eval()
        with torch.no_grad():
            out1, out2 = net(x, torch.zeros(2, 3)), net(x, torch.ones(2, 3))
        assert out1.shape == (2, 2, 32, 32) and float((out1 - out2).abs().max()) > 0
        with pytest.raises(ValueError, match="latent code"):
            net(x)


@pytest.mark.parametrize("batch", [1, 3])
def test_bicyclegan_odd_batch_sizes(batch, synthetic_pairs):
    fam = _family(_cfg("bicyclegan", synthetic_pairs, batch=batch))
    fam.set_input(_batch(batch))
    losses = fam.optimize()
    assert {"G_L1", "KL", "z_L1", "D_real", "D2_real"} <= set(losses)
    assert all(math.isfinite(v) for v in losses.values())


def test_encoder_pooling_adapts_to_the_tile():
    from aerocolor.nets.encoder import LatentEncoder, encoder_stages_for

    for tile in (32, 64, 96, 256):
        enc = LatentEncoder(3, 5, 8, encoder_stages_for(tile))
        mu, logvar = enc(torch.rand(2, 3, tile, tile))
        assert mu.shape == logvar.shape == (2, 5)
    assert float(kl_to_standard_normal(torch.zeros(3, 4), torch.zeros(3, 4))) == 0.0
    assert float(kl_to_standard_normal(torch.ones(3, 4), torch.zeros(3, 4))) == pytest.approx(2.0)


# -- WGAN-GP in every family -------------------------------------------------------------------
@pytest.mark.parametrize("family", ["cyclegan", "cut", "fastcut", "bicyclegan"])
def test_wgangp_gradient_penalty_runs_in_each_family(family, synthetic_pairs, synthetic_unpaired):
    data = synthetic_unpaired if family in UNPAIRED else synthetic_pairs
    model = {"gan_mode": "wgangp", "net": {"norm_d": "none"}}
    if family.endswith("cut"):
        model["num_patches"] = 32
    fam = _family(_cfg(family, data, model=model))
    fam.set_input(_batch(2))
    losses = fam.optimize()
    gp = {k: v for k, v in losses.items() if k.endswith("_GP")}
    assert gp and all(v > 0 for v in gp.values()), losses
    assert all(math.isfinite(v) for v in losses.values()), losses
    # The penalty's weight reaches the critic's gradient: without it the critic moves differently,
    # well beyond what separates two identical runs (none: the CPU step is deterministic).
    critic = "D_A" if family == "cyclegan" else "D"

    def critic_after(lambda_gp):
        other = _family(_cfg(family, data, model={**model, "lambda_gp": lambda_gp}))
        other.set_input(_batch(2))
        other.optimize()
        return list(other.nets[critic].parameters())

    def apart(xs, ys):
        return max(float((a - b).abs().max()) for a, b in zip(xs, ys))

    mine = list(fam.nets[critic].parameters())
    assert apart(mine, critic_after(10.0)) == 0.0          # the default weight, run again
    assert apart(mine, critic_after(0.0)) > 1e-5           # Adam's first step is about lr (2e-4) a weight


# -- pix2pix on L1 alone ---------------------------------------------------------------------
def test_pix2pix_with_no_adversarial_weight_trains_g_on_l1_alone_and_leaves_d_untouched(synthetic_pairs):
    fam = _family(_cfg("pix2pix", synthetic_pairs, model={"lambda_gan": 0.0}))
    d_before = [p.detach().clone() for p in fam.D.parameters()]
    g_before = [p.detach().clone() for p in fam.G.parameters()]
    fam.set_input(_batch(2))
    losses = fam.optimize()
    assert set(losses) == {"G_L1"} and losses["G_L1"] > 0
    assert all(torch.equal(a, b) for a, b in zip(d_before, fam.D.parameters()))
    assert max(float((a - b).abs().max()) for a, b in zip(g_before, fam.G.parameters())) > 1e-5
    # and the usual weight still trains D beside G
    gan = _family(_cfg("pix2pix", synthetic_pairs))
    d_before = [p.detach().clone() for p in gan.D.parameters()]
    gan.set_input(_batch(2))
    assert {"G_GAN", "G_L1"} <= set(gan.optimize())
    assert max(float((a - b).abs().max()) for a, b in zip(d_before, gan.D.parameters())) > 1e-5


# -- CycleGAN --------------------------------------------------------------------------------
def test_cyclegan_identity_and_pool(synthetic_unpaired):
    from aerocolor.models.cyclegan import ImagePool

    fam = _family(_cfg("cyclegan", synthetic_unpaired, model={"lambda_identity": 0.5, "pool_size": 3}))
    fam.set_input(_batch(2))
    losses = fam.optimize()
    assert losses["idt_G"] > 0 and losses["idt_F"] > 0 and losses["cycle_A"] > 0 and losses["cycle_B"] > 0
    no_idt = _family(_cfg("cyclegan", synthetic_unpaired, model={"lambda_identity": 0.0}))
    no_idt.set_input(_batch(2))
    assert "idt_G" not in no_idt.optimize()

    pool = ImagePool(2)
    first = torch.zeros(2, 1, 4, 4)
    assert torch.equal(pool.query(first), first)  # filling up
    torch.manual_seed(0)
    seen = torch.cat([pool.query(torch.ones(1, 1, 4, 4)) for _ in range(20)])
    assert float(seen.amin()) == 0.0 and float(seen.amax()) == 1.0  # old images come back sometimes


# -- one sentence for odd combinations and the wrong kind of data ----------------------------
def test_odd_combinations_are_refused_in_one_sentence(synthetic_pairs, synthetic_unpaired):
    cases = [
        ("fastcut", synthetic_unpaired, {"nce_idt": True}, "FastCUT is CUT without NCE identity"),
        ("bicyclegan", synthetic_pairs, {"nz": 0}, "latent code of at least 1"),
        ("bicyclegan", synthetic_pairs, {"z_where": "output"}, "choose input, middle or all"),
        ("bicyclegan", synthetic_pairs, {"net": {"netG": "resnet"}}, "use --netG unet"),
        ("cut", synthetic_unpaired, {"lambda_nce": 0}, "lambda_nce"),
        ("cut", synthetic_unpaired, {"gan_mode": "wgangp", "net": {"norm_d": "batch"}}, "batch norm"),
        ("pix2pix", synthetic_pairs, {"lambda_gan": 0, "lambda_l1": 0}, "nothing to learn"),
        ("pix2pix", synthetic_pairs, {"lambda_gan": -1}, "0 or more"),
    ]
    for family, data, model, words in cases:
        with pytest.raises(BadInput, match=words) as info:
            _family(_cfg(family, data, model=model))
        assert info.value.message.count(". ") == 0, info.value.message


def test_paired_families_refuse_unpaired_data_and_unpaired_families_take_pairs(synthetic_pairs,
                                                                              synthetic_unpaired, tmp_path):
    for family in ("bicyclegan", "pix2pix"):
        with pytest.raises(BadInput, match="needs aligned pairs"):
            train(_cfg(family, synthetic_unpaired, str(tmp_path / family)))
        assert not os.path.exists(tmp_path / family / "checkpoints" / "latest.pt")
    # Unpaired families read paired layouts as two unrelated sets (the pairing is not used).
    path = train(_cfg("cyclegan", synthetic_pairs, str(tmp_path / "cg"), epochs=1, decay_epochs=0,
                      steps_per_epoch=1))
    assert checkpoint.card_of(path)["data"]["layout"] == "pairs"


def test_cli_trains_bicyclegan_with_z_flags_and_refuses_fastcut_with_identity(synthetic_pairs,
                                                                             synthetic_unpaired, tmp_path):
    run = str(tmp_path / "bg")
    res = run_cli("train", "--family", "bicyclegan", "--data", synthetic_pairs, "--run", run, "--tile", "64",
                  "--batch", "3", "--epochs", "1", "--decay-epochs", "1", "--steps-per-epoch", "1",
                  "--ngf", "8", "--ndf", "8", "--nz", "3", "--z-where", "middle", "--threads", "2")
    assert res.returncode == 0, res.stderr
    card = checkpoint.card_of(os.path.join(run, "checkpoints", "latest.pt"))
    assert card["nz"] == 3 and card["train"]["model"]["z_where"] == "middle" and card["epoch"] == 2

    res = run_cli("train", "--family", "fastcut", "--data", synthetic_unpaired, "--run", str(tmp_path / "fc"),
                  "--tile", "64", "--nce-idt", "--ngf", "8", "--ndf", "8")
    assert res.returncode == 2
    assert "FastCUT is CUT without NCE identity" in res.stderr
    assert not os.path.exists(tmp_path / "fc" / "checkpoints")
    res = run_cli("train", "--family", "cyclegan", "--data", synthetic_unpaired, "--run", str(tmp_path / "x"),
                  "--nz", "4")
    assert res.returncode == 2 and "--nz does not apply to cyclegan" in res.stderr


@pytest.mark.parametrize("family", ["cyclegan", "fastcut"])
def test_unpaired_families_take_16_bit_one_band_geotiffs(family, tmp_path):
    """trainA of 16-bit single-band GeoTIFFs (as scanned archives come) beside 8-bit colour tiles."""
    from aerocolor.data.synthetic import scene

    for i in range(2):
        rgb = scene(64, 64, 20 + i)
        grey = rgb @ np.array(color.LUMA_WEIGHTS, np.float32)
        os.makedirs(tmp_path / "d" / "trainA", exist_ok=True)
        os.makedirs(tmp_path / "d" / "trainB", exist_ok=True)
        write_geotiff(str(tmp_path / "d" / "trainA" / f"a{i}.tif"), (grey * 60000).astype(np.uint16))
        write_geotiff(str(tmp_path / "d" / "trainB" / f"b{i}.tif"),
                      (rgb.transpose(2, 0, 1) * 255).round().astype(np.uint8))
    path = train(_cfg(family, str(tmp_path / "d"), str(tmp_path / "run"), epochs=1, decay_epochs=0,
                      steps_per_epoch=1, model={"num_patches": 32} if family == "fastcut" else {}))
    losses = checkpoint.load(path)["training"]["history"][-1]["losses"]
    assert losses and all(math.isfinite(v) for v in losses.values())
    # What the model was fed: each 16-bit tile stretched between its percentiles onto [0, 1], the
    # same picture as the 8-bit grey it was made from (not values near 0, as /255 would give).
    from aerocolor.data.datasets import open_dataset

    ds = open_dataset(str(tmp_path / "d"), "train", 64, False, None, stretch=Stretch())
    fed = ds[0]["A"][0].numpy()
    assert fed.min() == 0.0 and fed.max() == 1.0 and (fed > 0.5).mean() > 0.1
    assert os.path.basename(ds.a_files[0]) == "a0.tif"
    truth = scene(64, 64, 20) @ np.array(color.LUMA_WEIGHTS, np.float32)
    assert np.corrcoef(fed.ravel(), truth.ravel())[0, 1] > 0.99
    assert checkpoint.load(path)["card"]["stretch"] == Stretch().to_dict()


@pytest.mark.parametrize("family,key", [("bicyclegan", "G_L1"), ("cut", "NCE"), ("cyclegan", "cycle_B")])
def test_each_familys_own_loss_falls_on_a_fixed_batch(family, key, synthetic_pairs, synthetic_unpaired):
    """Its gradients reach the networks they should: the family's own term falls when training
    on one batch again and again."""
    data = synthetic_unpaired if family in UNPAIRED else synthetic_pairs
    model = {"num_patches": 64} if family == "cut" else {}
    fam = _family(_cfg(family, data, lr_g=1e-3, model=model))
    batch = _batch(2, seed=4)
    seen = []
    for _ in range(20):
        fam.set_input(batch)
        seen.append(fam.optimize()[key])
    first, last = sum(seen[:3]) / 3, sum(seen[-3:]) / 3
    assert last < 0.8 * first, (family, key, seen[:5], seen[-5:])


def test_cyclegan_resumes_exactly_with_its_image_pools(synthetic_unpaired, tmp_path):
    # A pool of 2 fills in two steps; afterwards what D sees depends on the pool's content,
    # so a resumed run matches only if the pools travel with the checkpoint.
    from aerocolor.errors import Cancelled
    from aerocolor.training.trainer import Trainer

    class StopAfter:
        def __init__(self, n):
            self.n = n

        def is_set(self):
            self.n -= 1
            return self.n <= 0

    opts = dict(model={"pool_size": 2}, batch=1, epochs=2, decay_epochs=0, steps_per_epoch=3)
    whole = train(_cfg("cyclegan", synthetic_unpaired, str(tmp_path / "whole"), **opts))
    t = Trainer(_cfg("cyclegan", synthetic_unpaired, str(tmp_path / "part"), **opts), cancel=StopAfter(4))
    t.setup()
    with pytest.raises(Cancelled):
        t.run()
    saved = checkpoint.load(str(tmp_path / "part" / "checkpoints" / "latest.pt"))["training"]
    assert len(saved["family_state"]["pool_A"]) == 2
    resumed = train(_cfg("cyclegan", synthetic_unpaired, str(tmp_path / "part"), **opts), resume=True)
    a, b = checkpoint.load(whole)["nets"], checkpoint.load(resumed)["nets"]
    for net in a:
        for k, v in a[net].items():
            assert torch.allclose(v.float(), b[net][k].float(), atol=1e-6), (net, k)


def test_unpaired_families_are_validated_against_the_truth_when_the_data_are_paired(synthetic_pairs, tmp_path):
    path = train(_cfg("cyclegan", synthetic_pairs, str(tmp_path / "run"), epochs=1, decay_epochs=0))
    card = checkpoint.load(path)["card"]
    assert 0 < card["metrics"]["val"]["L1"] < 1
    assert card["data"]["val_images"] > 0


def test_a_config_is_read_without_torch_and_each_family_declares_its_options_once():
    """config.py imported the models (and torch) to parse a JSON config; the options now live in the
    torch-free family_options, and each family trains with exactly that dataclass."""
    import subprocess
    import sys

    from aerocolor import family_options
    from aerocolor.models import FAMILIES

    assert tuple(FAMILIES) == family_options.FAMILIES
    for name in FAMILIES:
        assert family_class(name).config_cls is family_options.OPTIONS[name]
    script = ("import sys\n"
              "class NoTorch:\n"
              "    def find_spec(self, name, path=None, target=None):\n"
              "        if name.split('.')[0] == 'torch': raise ImportError(name)\n"
              "sys.meta_path.insert(0, NoTorch())\n"
              "from aerocolor.config import TrainConfig\n"
              "for f in ('pix2pix', 'cyclegan', 'cut', 'fastcut', 'bicyclegan'):\n"
              "    cfg = TrainConfig.from_dict({'family': f, 'data': 'd', 'run': 'r', 'model': {'gan_mode': 'wgangp'}})\n"
              "    assert cfg.model.gan_mode == 'wgangp'\n"
              "print('read', 'torch' in sys.modules)\n")
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(os.path.dirname(__file__)), "backend"))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "read False", proc.stderr[-2000:]
    with pytest.raises(BadInput, match="Unknown model family 'pix3pix'"):
        TrainConfig.from_dict({"family": "pix3pix", "data": "d", "run": "r"})
