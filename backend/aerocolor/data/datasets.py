"""Training datasets in the layouts users have, yielding grey A and colour B in [0, 1].

Layouts (one data folder each):
  aligned   train/ val/ test/ hold images with grey A on the left and colour B on the right
  pairs     train/A, train/B (and val/, test/) hold separate images with matching names
  unpaired  trainA/ trainB/ (valA/ valB/ testA/ testB/) hold unrelated grey and colour images

Augmentation (random crop, scale jitter, flips, quarter turns) draws from a generator seeded by
(seed, epoch, index), so a resumed run sees exactly the same samples as an uninterrupted one.
Training samples then get film-scan degradations of A (data/film.py) from a generator of their
own, seeded by (seed, epoch, index, 2): the geometry is the same with film on or off.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import List, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from aerocolor.data.film import FilmConfig, film_degrade, is_grey_of
from aerocolor.data.imageio import Stretch, list_images, read_image, to_grey
from aerocolor.errors import BadInput

LAYOUTS = ("aligned", "pairs", "unpaired")


@dataclass
class Augment:
    crop: bool = True
    flip: bool = True
    rotate: bool = True          # quarter turns: aerial views have no "up"
    scale_jitter: float = 0.15   # zoom by a factor in [1, 1 + jitter] before the crop


def detect_layout(root: str) -> str:
    if not os.path.isdir(root):
        raise BadInput(f"The data folder {root} does not exist; make one with 'aerocolor dataset'.")
    if os.path.isdir(os.path.join(root, "trainA")) or os.path.isdir(os.path.join(root, "trainB")):
        return "unpaired"
    train = os.path.join(root, "train")
    if os.path.isdir(os.path.join(train, "A")) and os.path.isdir(os.path.join(train, "B")):
        return "pairs"
    if list_images(train):
        return "aligned"
    raise BadInput(f"{root} holds no training images; expected train/ (aligned A|B images), "
                   f"train/A + train/B, or trainA/ + trainB/. Make one with 'aerocolor dataset'.")


def split_files(root: str, layout: str, split: str) -> Tuple[List[str], List[str]]:
    """(A files, B files) of one split; for aligned data both lists hold the same files."""
    if layout == "aligned":
        files = list_images(os.path.join(root, split))
        return files, files
    if layout == "pairs":
        a_dir, b_dir = os.path.join(root, split, "A"), os.path.join(root, split, "B")
        a, b = list_images(a_dir), list_images(b_dir)
        names_a = {os.path.splitext(os.path.basename(p))[0]: p for p in a}
        names_b = {os.path.splitext(os.path.basename(p))[0]: p for p in b}
        missing = sorted(set(names_a) ^ set(names_b))
        if missing:
            raise BadInput(f"{os.path.join(root, split)}: {missing[0]} is in only one of A/ and B/; "
                           f"every grey image in A/ needs a colour image of the same name in B/.")
        keys = sorted(names_a)
        return [names_a[k] for k in keys], [names_b[k] for k in keys]
    return list_images(os.path.join(root, split + "A")), list_images(os.path.join(root, split + "B"))


def _to_tensor(img: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))


def _augment(imgs: List[torch.Tensor], tile: int, aug: Optional[Augment],
             rng: Optional[np.random.Generator]) -> List[torch.Tensor]:
    """Apply one random geometry to every tensor of a pair; centre crop when not training."""
    h, w = imgs[0].shape[-2:]
    if aug is not None and rng is not None and aug.scale_jitter > 0:
        s = 1.0 + rng.uniform(0.0, aug.scale_jitter)
        nh, nw = max(tile, round(h * s)), max(tile, round(w * s))
        imgs = [F.interpolate(t[None], size=(nh, nw), mode="bilinear", align_corners=False)[0]
                for t in imgs]
        h, w = nh, nw
    if aug is not None and rng is not None and aug.crop:
        y, x = int(rng.integers(0, h - tile + 1)), int(rng.integers(0, w - tile + 1))
    else:
        y, x = (h - tile) // 2, (w - tile) // 2
    imgs = [t[:, y:y + tile, x:x + tile] for t in imgs]
    if aug is not None and rng is not None:
        if aug.flip and rng.random() < 0.5:
            imgs = [t.flip(-1) for t in imgs]
        if aug.rotate:
            k = int(rng.integers(0, 4))
            if k:
                imgs = [torch.rot90(t, k, (-2, -1)) for t in imgs]
    return [t.contiguous() for t in imgs]


class _Base(Dataset):
    def __init__(self, tile: int, augment: Optional[Augment], seed: int, stretch: Stretch,
                 film: Optional[FilmConfig] = None):
        self.tile = tile
        self.augment = augment
        self.seed = seed
        self.stretch = stretch
        self.film = film  # None or disabled: A stays the plain grey (the trainer passes cfg.film)
        self.epoch = 0  # set by the trainer so augmentation depends on (seed, epoch, index)

    def _rng(self, index: int) -> Optional[np.random.Generator]:
        if self.augment is None:
            return None
        return np.random.default_rng([self.seed, self.epoch, index])

    def _film(self, ta: torch.Tensor, index: int, tb: Optional[torch.Tensor] = None) -> torch.Tensor:
        """A as a film scan, in training only (validation and sample grids stay clean). With tb,
        the colour tile of which ta is the grey, A may be made again through another spectral
        response; a real grey scan beside its colour (not its grey) keeps its own tones."""
        if self.augment is None or self.film is None or not self.film.enabled:
            return ta
        rng = np.random.default_rng([self.seed, self.epoch, index, 2])
        colour = tb if tb is not None and is_grey_of(ta, tb) else None
        return film_degrade(ta, rng, self.film, colour)

    def _check_size(self, img: np.ndarray, path: str) -> None:
        h, w = img.shape[:2]
        if h < self.tile or w < self.tile:
            raise BadInput(f"The tile size {self.tile} is larger than {path} ({w}x{h} px); "
                           f"choose --tile {_fit_tile(min(h, w))} or smaller.")


def _fit_tile(n: int) -> int:
    t = 16
    while t * 2 <= n:
        t *= 2
    return t


class PairedDataset(_Base):
    """Aligned A|B images or A/ + B/ folders; yields {"A": grey (1,T,T), "B": colour (3,T,T)}."""

    paired = True

    def __init__(self, root: str, split: str = "train", tile: int = 256,
                 augment: Optional[Augment] = Augment(), seed: int = 0, stretch: Stretch = Stretch(),
                 film: Optional[FilmConfig] = None):
        super().__init__(tile, augment, seed, stretch, film)
        self.layout = detect_layout(root)
        if self.layout == "unpaired":
            raise BadInput(f"{root} holds unpaired data (trainA/, trainB/); this model needs aligned "
                           f"pairs: use --family cyclegan or cut, or make a paired set with "
                           f"'aerocolor dataset --layout pairs'.")
        self.a_files, self.b_files = split_files(root, self.layout, split)
        self.root, self.split = root, split

    def __len__(self) -> int:
        return len(self.a_files)

    def load_pair(self, index: int) -> Tuple[np.ndarray, np.ndarray]:
        index %= len(self.a_files)  # indices past the end are further passes (Trainer repeat)
        a_path, b_path = self.a_files[index], self.b_files[index]
        if self.layout == "aligned":
            img, _ = read_image(a_path, self.stretch)
            w = img.shape[1]
            if w % 2 or img.shape[2] != 3:
                raise BadInput(f"{a_path} is not an aligned pair: expected an RGB image twice as "
                               f"wide as high, grey on the left and colour on the right.")
            a, b = to_grey(img[:, : w // 2]), img[:, w // 2:]
        else:
            a, _ = read_image(a_path, self.stretch)
            b, _ = read_image(b_path, self.stretch)
            if a.shape[:2] != b.shape[:2]:
                raise BadInput(f"{a_path} is {a.shape[1]}x{a.shape[0]} px but {b_path} is "
                               f"{b.shape[1]}x{b.shape[0]} px; a pair must have the same size.")
            if b.shape[2] != 3:
                raise BadInput(f"{b_path} is not a colour image; B/ must hold 3-band RGB images.")
            a = to_grey(a)
        self._check_size(a, a_path)
        return a, b

    def __getitem__(self, index: int) -> dict:
        a, b = self.load_pair(index)
        ta, tb = _augment([_to_tensor(a), _to_tensor(b)], self.tile, self.augment, self._rng(index))
        # After the geometry, so the degraded A stays aligned with B; B itself never changes.
        return {"A": self._film(ta, index, tb), "B": tb, "index": index}


class UnpairedDataset(_Base):
    """trainA/ (grey) and trainB/ (colour) of any sizes; B is drawn at random for each A."""

    paired = False

    def __init__(self, root: str, split: str = "train", tile: int = 256,
                 augment: Optional[Augment] = Augment(), seed: int = 0, stretch: Stretch = Stretch(),
                 film: Optional[FilmConfig] = None):
        super().__init__(tile, augment, seed, stretch, film)
        self.layout = detect_layout(root)
        if self.layout == "unpaired":
            self.a_files, self.b_files = split_files(root, "unpaired", split)
        else:  # paired data also serves unpaired training: grey from A, colour from B
            self.a_files, self.b_files = split_files(root, self.layout, split)
        self.root, self.split = root, split

    def __len__(self) -> int:
        return max(len(self.a_files), len(self.b_files))

    def _read(self, path: str, half: Optional[str]) -> np.ndarray:
        img, _ = read_image(path, self.stretch)
        if half is not None:
            w = img.shape[1] // 2
            img = img[:, :w] if half == "A" else img[:, w:]
        return img

    def __getitem__(self, index: int) -> dict:
        rng = self._rng(index)
        ia = index % len(self.a_files)
        ib = int(rng.integers(0, len(self.b_files))) if rng is not None else index % len(self.b_files)
        aligned = self.layout == "aligned"
        a = to_grey(self._read(self.a_files[ia], "A" if aligned else None))
        b = self._read(self.b_files[ib], "B" if aligned else None)
        if b.shape[2] != 3:
            raise BadInput(f"{self.b_files[ib]} is not a colour image; the B set must be 3-band RGB.")
        self._check_size(a, self.a_files[ia])
        self._check_size(b, self.b_files[ib])
        rng_b = np.random.default_rng([self.seed, self.epoch, index, 1]) if rng is not None else None
        (ta,) = _augment([_to_tensor(a)], self.tile, self.augment, rng)
        (tb,) = _augment([_to_tensor(b)], self.tile, self.augment, rng_b)
        # B is an unrelated colour tile here, so A gets only the non-spectral film steps.
        return {"A": self._film(ta, index), "B": tb, "index": index}


def open_dataset(root: str, split: str, tile: int, paired: bool, augment: Optional[Augment],
                 seed: int = 0, stretch: Stretch = Stretch(), film: Optional[FilmConfig] = None) -> Optional[Dataset]:
    """The dataset of one split, or None for an optional split that is absent."""
    cls = PairedDataset if paired else UnpairedDataset
    ds = cls(root, split, tile, augment, seed, stretch, film)
    if len(ds) == 0 or (not paired and (not ds.a_files or not ds.b_files)):
        if split == "train":
            raise BadInput(f"{root} holds no training images for this model; check the folder or "
                           f"make one with 'aerocolor dataset'.")
        return None
    return ds
