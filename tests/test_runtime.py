"""Process-level choices made for the user: the default precision."""


def test_bf16_is_the_default_only_with_bf16_instructions(monkeypatch):
    """oneDNN's probe says bf16 is supported on any AVX-512 CPU, where it is emulated (3x slower than
    fp32 in a colorize on such a CPU): the default follows the CPU's bf16 instructions instead."""
    import torch

    from aerocolor.runtime import native_bf16

    cpu = torch.device("cpu")
    for avx512_bf16, amx, want in ((False, False, False), (True, False, True), (False, True, True)):
        monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda v=avx512_bf16: v)
        monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda v=amx: v)
        monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: True, raising=False)
        assert native_bf16(cpu) is want
