"""Images as the service preprocesses them, and the labelled image sets the bench builder evaluates on.

resize_crop() is torchvision's Resize(S, BICUBIC) + CenterCrop(S) spelled out with Pillow, as the service's
ImagePreprocessor implements it (docs/models.md, "Image preprocessing"): shorter side to S (the longer side
truncated to int(S * long / short)), centre crop with offsets rounded half to even, RGB.
"""

import json
import os
from typing import List, Tuple

import numpy as np
from PIL import Image


def resize_crop(path: str, size: int) -> np.ndarray:
    """uint8 [S, S, 3]."""
    with Image.open(path) as im:
        im = im.convert("RGB")
        w, h = im.size
        short, long = (w, h) if w <= h else (h, w)
        new_long = int(size * long / short)
        new_w, new_h = (size, new_long) if w <= h else (new_long, size)
        if (new_w, new_h) != (w, h):
            im = im.resize((new_w, new_h), Image.BICUBIC)
        top, left = int(round((new_h - size) / 2.0)), int(round((new_w - size) / 2.0))
        return np.asarray(im.crop((left, top, left + size, top + size)), dtype=np.uint8)


def normalise(images_uint8: np.ndarray, mean: float, std: float) -> np.ndarray:
    """float32 [N, 3, S, S] = (pixel / 255 - mean) / std (one mean/std for all channels)."""
    x = (images_uint8.astype(np.float32) / np.float32(255.0) - np.float32(mean)) / np.float32(std)
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


class LabelledImages:
    """paths, integer labels and class names of one image set."""

    def __init__(self, name: str, paths: List[str], labels: List[int], classes: List[str]):
        self.name, self.paths, self.labels, self.classes = name, paths, np.asarray(labels), classes


def imagenet_classes(tsv: str) -> Tuple[List[str], List[str]]:
    """(synsets, class names) in the classifier's index order."""
    synsets, names = [], []
    with open(tsv, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                s, n = line.rstrip("\n").split("\t")
                synsets.append(s)
                names.append(n)
    return synsets, names


def imagenet_sample(folder: str, tsv: str) -> LabelledImages:
    """One image per class, named <synset>_<name>.jpg; the label is the synset's index in the tsv."""
    synsets, names = imagenet_classes(tsv)
    index = {s: i for i, s in enumerate(synsets)}
    paths, labels = [], []
    for fname in sorted(os.listdir(folder)):
        if fname.endswith(".jpg"):
            paths.append(os.path.join(folder, fname))
            labels.append(index[fname.split("_", 1)[0]])
    return LabelledImages("imagenet-sample", paths, labels, names)


def coop_split(images_root: str, split_json: str, part: str) -> LabelledImages:
    """The images of a CoOp split file part ("train", "val", "test") that exist under images_root; class
    names are the split's, labels renumbered 0..K-1 in the order of the classes present."""
    with open(split_json, encoding="utf-8") as f:
        entries = json.load(f)[part]
    present = [e for e in entries if os.path.exists(os.path.join(images_root, e[0]))]
    original = sorted({e[1] for e in present})
    names = {e[1]: e[2] for e in present}
    remap = {c: i for i, c in enumerate(original)}
    return LabelledImages(part, [os.path.join(images_root, e[0]) for e in present],
                          [remap[e[1]] for e in present], [names[c] for c in original])


def image_folder(root: str) -> LabelledImages:
    """ImageFolder layout <root>/<class>/*.png|jpg; classes sorted by folder name."""
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    paths, labels = [], []
    for i, c in enumerate(classes):
        for fname in sorted(os.listdir(os.path.join(root, c))):
            if fname.lower().endswith((".png", ".jpg", ".jpeg")):
                paths.append(os.path.join(root, c, fname))
                labels.append(i)
    return LabelledImages(os.path.basename(root), paths, labels, classes)
