"""Data-parallel training over torch.distributed, started by ``torchrun``.

Every process (rank) holds the whole model and trains on its own share of each epoch's
order (Trainer._order); gradients are averaged across ranks just before each optimiser
step, so all ranks keep identical weights, and only rank 0 writes the run folder.

Why not the DistributedDataParallel wrapper: a GAN step runs a network several times per
backward pass, freezes the discriminator for the generator's pass, and the WGAN-GP penalty
differentiates through the critic twice (torch.autograd.grad); DDP's backward hooks do not
support that. Averaging each optimiser's gradients in one flat all-reduce from an
optimiser step hook gives the same update for any family, without touching its code.

Without a torchrun environment (WORLD_SIZE unset or 1) the World has one rank and each of its
operations does nothing, so the trainer reads the same at any size. A user with one GPU changes
nothing. Two GPUs (or two CPU processes) on one machine:

    torchrun --standalone --nproc_per_node 2 -m aerocolor -- train --data DATA --run RUN ...

The ``--`` matters: without it torchrun reads aerocolor's ``--run`` as an abbreviation of its
own ``--run-path`` and stops. Resume the same way with ``train --run RUN --resume``. The
batch size is per process; the learning rate is not scaled.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Dict, Iterable, List, Optional, Sequence

import torch
import torch.distributed as dist
import torch.nn as nn


PER_RANK_BATCH_NORM = "per-rank batch statistics, running averages averaged across ranks"


@dataclass
class World:
    """This process's place among the ranks, and the few operations they do together. At size 1 every
    operation leaves its arguments as they are and talks to no one."""
    rank: int = 0
    size: int = 1
    local_rank: int = 0
    local_size: int = 1

    @property
    def active(self) -> bool:
        return self.size > 1

    @property
    def main(self) -> bool:
        """The rank that reports and writes."""
        return self.rank == 0

    # -- the process group -------------------------------------------------------------------
    def start(self, device_name: str, patience: Optional[timedelta] = None) -> None:
        """Join the process group: NCCL between GPUs, gloo on the CPU. `patience`: how long a rank may
        wait for the others at a collective (torch's default, 30 minutes, unless given)."""
        if not self.active or dist.is_initialized():
            return
        use_cuda = torch.cuda.is_available() and not device_name.startswith("cpu")
        if use_cuda:
            torch.cuda.set_device(self.local_rank)
        kwargs = {"timeout": patience} if patience is not None else {}
        dist.init_process_group("nccl" if use_cuda else "gloo", **kwargs)

    def stop(self) -> None:
        if dist.is_available() and dist.is_initialized():
            dist.destroy_process_group()

    def device(self, device: torch.device) -> torch.device:
        """The GPU this rank was given at start, when training on CUDA."""
        if self.active and device.type == "cuda":
            return torch.device("cuda", torch.cuda.current_device())
        return device

    def barrier(self) -> None:
        if self.active:
            dist.barrier()

    # -- work shared out -----------------------------------------------------------------------
    def share(self, order: List[int]) -> List[int]:
        """This rank's items of an epoch's order. Every rank gets the same number (padded from the
        start, as DistributedSampler does), so all ranks make the same number of steps."""
        if not self.active:
            return order
        order = order + order[: (-len(order)) % self.size]
        return order[self.rank::self.size]

    # -- the nets ------------------------------------------------------------------------------
    def broadcast_nets(self, nets: Iterable[nn.Module]) -> None:
        """Rank 0's weights and buffers to every rank (after building or resuming)."""
        tensors = [t for net in nets for t in list(net.parameters()) + list(net.buffers())]
        if not self.active or not tensors:
            return
        with torch.no_grad():
            flat = torch.cat([t.detach().reshape(-1).to(torch.float64) for t in tensors])
            dist.broadcast(flat, 0)
            offset = 0
            for t in tensors:
                n = t.numel()
                t.copy_(flat[offset:offset + n].view(t.shape).to(t.dtype))
                offset += n

    def average_gradients_before_step(self, optimizer: torch.optim.Optimizer) -> None:
        """Make ``optimizer.step()`` first average its parameters' gradients over all ranks."""
        if not self.active:
            return
        size = self.size

        def hook(opt, _args, _kwargs):
            params = [p for g in opt.param_groups for p in g["params"]]
            # A gradient missing here is missing on every rank (they run the same code); zeros
            # keep the message the same size, and such parameters keep grad None.
            grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in params]
            with torch.no_grad():
                flat = _flat_all_reduce(grads)
                flat /= size
                _copy_back(flat, grads)  # the zeros stand-ins are dropped with this list
            return None

        optimizer.register_step_pre_hook(hook)

    def average_buffers(self, nets: Iterable[nn.Module]) -> None:
        """Mean of the floating buffers (batch-norm statistics) over ranks, before a checkpoint."""
        bufs = [b for net in nets for b in net.buffers() if b.is_floating_point()]
        if self.active and bufs:
            with torch.no_grad():
                flat = _flat_all_reduce(bufs)
                _copy_back(flat / self.size, bufs)

    # -- small values --------------------------------------------------------------------------
    def mean(self, values: Dict[str, float]) -> Dict[str, float]:
        """Each value's mean over ranks."""
        keys = sorted(values)
        if not self.active or not keys:
            return values
        t = torch.tensor([values[k] for k in keys], dtype=torch.float64, device=_comm_device())
        dist.all_reduce(t)
        return {k: float(v) / self.size for k, v in zip(keys, t.tolist())}

    def agree(self, flags: Sequence[bool], now: bool = True) -> List[bool]:
        """Each flag true on every rank when it is true on any (a cancel seen by one process stops all),
        in one collective. Several ranks meet only when `now` (every few steps: each meeting costs a
        collective), and in between act on nothing; one rank acts on its flags at once."""
        if not self.active:
            return list(flags)
        if not now:
            return [False] * len(flags)
        t = torch.tensor([1.0 if f else 0.0 for f in flags], device=_comm_device())
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return [bool(v > 0) for v in t.tolist()]

    def gather(self, mine: Any) -> List[Any]:
        """Every rank's `mine` (anything picklable), in rank order, on every rank."""
        if not self.active:
            return [mine]
        out: List[Any] = [None] * self.size
        dist.all_gather_object(out, mine)
        return out

    def card(self) -> dict:
        """What the model card says of the ranks: batch norm stays per rank (not SyncBatchNorm)."""
        return {"ranks": self.size, "batch_norm": PER_RANK_BATCH_NORM if self.active else None}


def from_env() -> World:
    """The process's place in a torchrun launch (ranks and sizes from its environment)."""
    return World(int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1)),
                 int(os.environ.get("LOCAL_RANK", 0)), int(os.environ.get("LOCAL_WORLD_SIZE", 1)))


def _comm_device() -> torch.device:
    """Where small control tensors must live: NCCL only moves GPU tensors."""
    if dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def _flat_all_reduce(tensors: List[torch.Tensor], op=dist.ReduceOp.SUM) -> torch.Tensor:
    flat = torch.cat([t.detach().reshape(-1).float() for t in tensors])
    dist.all_reduce(flat, op=op)
    return flat


def _copy_back(flat: torch.Tensor, tensors: List[torch.Tensor]) -> None:
    offset = 0
    for t in tensors:
        n = t.numel()
        t.copy_(flat[offset:offset + n].view(t.shape))
        offset += n
