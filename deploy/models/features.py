"""Image features of an ImageSet through an image tower's ``features`` method, batched, preprocessed as the
service does, and cached under ``$CRAFT_CACHE/work/features/`` (keyed by the tower's identity, the input
size, the thread count and the images), so rebuilds skip the slow part without changing any result."""

import hashlib
import os
import sys
from typing import Callable

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import datasets  # noqa: E402
import parts  # noqa: E402


def extract(features: Callable[[torch.Tensor], torch.Tensor], images: "datasets.ImageSet", size: int,
            tower_key: str, batch_size: int = 32) -> np.ndarray:
    """float32 [N, F]; tower_key names the weights and the feature layer (part of the cache key)."""
    key = hashlib.sha256(("%s|%d|%d|%s" % (tower_key, size, torch.get_num_threads(), images.digest()))
                         .encode()).hexdigest()[:24]
    path = os.path.join(parts.cache_root(), "work", "features", "%s-%s.npy" % (images.name, key))
    if os.path.exists(path):
        return np.load(path)
    out = []
    with torch.no_grad():
        for i in range(0, len(images), batch_size):
            x = torch.from_numpy(np.stack([datasets.preprocess(images.image(j), size)
                                           for j in range(i, min(i + batch_size, len(images)))]))
            out.append(features(x).numpy())
    result = np.concatenate(out).astype(np.float32)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp-%d.npy" % os.getpid()
    np.save(tmp, result)
    os.replace(tmp, path)
    return result
