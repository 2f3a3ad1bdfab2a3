"""Network shapes for several tile sizes and channel counts; the WGAN-GP penalty."""
import pytest
import torch

from aerocolor.models.losses import GANLoss, gradient_penalty
from aerocolor.nets.patchgan import PatchDiscriminator
from aerocolor.nets.resnet import ResnetGenerator
from aerocolor.nets.unet import UNetGenerator, unet_depth_for


@pytest.mark.parametrize("tile", [64, 128, 256])
@pytest.mark.parametrize("in_ch,out_ch", [(1, 3), (1, 2), (3, 3)])
def test_generators_keep_the_tile_size(tile, in_ch, out_ch):
    x = torch.rand(2, in_ch, tile, tile) * 2 - 1
    unet = UNetGenerator(in_ch, out_ch, ngf=4, depth=unet_depth_for(tile)).eval()
    res = ResnetGenerator(in_ch, out_ch, ngf=4, blocks=2).eval()
    for net in (unet, res):
        with torch.no_grad():
            y = net(x)
        assert y.shape == (2, out_ch, tile, tile)
        assert float(y.abs().max()) <= 1.0


def test_unet_depth_follows_the_tile():
    assert [unet_depth_for(t) for t in (64, 128, 256, 512)] == [6, 7, 8, 8]
    with pytest.raises(ValueError):
        unet_depth_for(100)
    # A 512 px tile at depth 8 still runs: the bottleneck is 2x2.
    assert UNetGenerator(1, 2, ngf=2, depth=8)(torch.zeros(1, 1, 512, 512)).shape == (1, 2, 512, 512)


@pytest.mark.parametrize("tile", [64, 128, 256])
@pytest.mark.parametrize("in_ch", [3, 4])
def test_patchgan_scores_patches(tile, in_ch):
    d = PatchDiscriminator(in_ch, ndf=4, n_layers=3)
    out = d(torch.rand(2, in_ch, tile, tile))
    # Three stride-2 convolutions and two 4x4 stride-1 ones: tile/8 - 2 patches a side.
    assert out.shape == (2, 1, tile // 8 - 2, tile // 8 - 2)


@pytest.mark.parametrize("z_where", ["input", "middle", "all"])
def test_unet_takes_a_latent_code_where_asked(z_where):
    net = UNetGenerator(1, 2, ngf=4, depth=6, nz=8, z_where=z_where).eval()
    x = torch.rand(1, 1, 64, 64)
    a, b = net(x, torch.zeros(1, 8)), net(x, torch.ones(1, 8))
    assert a.shape == (1, 2, 64, 64)
    assert float((a - b).abs().mean()) > 0


class _LinearCritic(torch.nn.Module):
    def __init__(self, w):
        super().__init__()
        self.w = torch.nn.Parameter(w)

    def forward(self, x):
        return (x * self.w).flatten(1).sum(1)


def test_gradient_penalty_equals_the_formula_on_a_linear_critic():
    # D(x) = <w, x> has gradient w everywhere, so the penalty is weight * (||w|| - 1)^2 exactly.
    w = torch.randn(3, 4, 4)
    critic = _LinearCritic(w)
    real, fake = torch.rand(5, 3, 4, 4), torch.rand(5, 3, 4, 4)
    gp = gradient_penalty(critic, real, fake, weight=10.0)
    assert torch.allclose(gp, 10.0 * (w.norm() - 1.0) ** 2, rtol=1e-5)
    gp.backward()  # create_graph: the penalty trains the critic
    assert critic.w.grad is not None and float(critic.w.grad.abs().sum()) > 0


def test_gradient_penalty_uses_points_between_real_and_fake():
    # D(x) = 0.5 * ||x||^2 has gradient x: the penalty depends on where it is evaluated.
    class Quad(torch.nn.Module):
        def forward(self, x):
            return 0.5 * (x ** 2).flatten(1).sum(1)

    real, fake = torch.full((1, 1, 2, 2), 2.0), torch.zeros(1, 1, 2, 2)
    torch.manual_seed(0)
    alpha = float(torch.rand(1))
    torch.manual_seed(0)
    gp = gradient_penalty(Quad(), real, fake, weight=1.0)
    mixed_norm = (alpha * real).norm()
    assert torch.allclose(gp, (mixed_norm - 1.0) ** 2, rtol=1e-5)


def test_gan_losses():
    pred = torch.tensor([[2.0, -1.0]])
    assert torch.allclose(GANLoss("lsgan")(pred, True), ((pred - 1) ** 2).mean())
    assert torch.allclose(GANLoss("wgangp")(pred, True), -pred.mean())
    v = GANLoss("vanilla")(pred, False)
    assert torch.allclose(v, torch.nn.functional.softplus(pred).mean())
