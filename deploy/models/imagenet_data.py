"""The image sets of the bench builder that datasets.py does not cover, and the pixel forms the TFLite
MobileNetV2 needs.

* ImageNet sample: ../shared/assets/datasets/imagenet-sample, one photo per ImageNet-1k class, named
  <synset>_<class name>.jpg; labels are indices in vision/imagenet_classes.tsv (the classifier's Keras order).
* ImageFolder exports (<dir>/<split>/<class>/*.png, as datasets.export_image_folder writes them; "_" in a
  folder name is a space in the class name).
"""

import os
import sys
from typing import List, Tuple

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import datasets  # noqa: E402


def imagenet_classes(tsv: str) -> Tuple[List[str], List[str]]:
    """(synsets, class names) in the classifier's index order."""
    synsets, names = [], []
    with open(tsv, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                synset, name = line.rstrip("\n").split("\t")
                synsets.append(synset)
                names.append(name)
    return synsets, names


def imagenet_sample(folder: str, tsv: str) -> datasets.ImageSet:
    synsets, names = imagenet_classes(tsv)
    index = {s: i for i, s in enumerate(synsets)}
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".jpg"))
    labels = [index[os.path.basename(f).split("_", 1)[0]] for f in files]
    return datasets.ImageSet("imagenet-sample", names, labels, files=files)


def image_folder(root: str, split: str) -> datasets.ImageSet:
    """root/split/<class>/*.png|jpg; classes sorted by folder name, "_" read as a space."""
    base = os.path.join(root, split)
    folders = sorted(d for d in os.listdir(base) if os.path.isdir(os.path.join(base, d)))
    files, labels = [], []
    for i, d in enumerate(folders):
        for f in sorted(os.listdir(os.path.join(base, d))):
            if f.lower().endswith((".png", ".jpg", ".jpeg")):
                files.append(os.path.join(base, d, f))
                labels.append(i)
    return datasets.ImageSet("%s-%s" % (os.path.basename(root.rstrip("/")), split),
                             [d.replace("_", " ") for d in folders], labels, files=files)


def service_uint8(image: Image.Image, size: int) -> np.ndarray:
    """uint8 [S, S, 3]: the service's resized and cropped pixels (datasets.preprocess gives them / 255)."""
    return np.rint(datasets.preprocess(image, size) * 255.0).astype(np.uint8).transpose(1, 2, 0)


def normalise(images_uint8: np.ndarray, mean: float, std: float) -> np.ndarray:
    """float32 [N, 3, S, S] = (pixel / 255 - mean) / std, as the service normalises (one value per channel)."""
    x = (images_uint8.astype(np.float32) / np.float32(255.0) - np.float32(mean)) / np.float32(std)
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))
