def test_tiny_checkpoint_loads(tiny_checkpoint):
    from aerocolor.checkpoint import load_generator

    card, net = load_generator(tiny_checkpoint)
    assert card["family"] == "pix2pix" and card["tile"] == 64
