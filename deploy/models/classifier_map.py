"""The bench bundle's text-to-classifier map: class-name prompts -> rows of the ImageNet classifier.

A kernel (Nadaraya-Watson) regression fitted on the 1000 ImageNet class names only. Keys: MiniLM embeddings
of each class name, averaged over a few prompt templates (an ensemble at fit time), centred on their mean
over the classes and L2-normalised. Values: the classifier's weight rows (1280-d, the space of the pooled
image features). A prompt's pooled MiniLM embedding q is centred and normalised the same way, and mapped to

    map(q) = sum_c softmax_c(<q, key_c> / tau) * W[c]

so an unseen class name lands on a similarity-weighted mix of the weight rows of the ImageNet classes whose
names it resembles; the service then scores images by cosine with their pooled features. Measured on the
image sets of build_bench.py (chosen over a ridge map, DeViSE-style, and ConSE, which scored lower on
held-out ImageNet classes and DTD-10 val; see docs/models.md, "The bench bundle").
"""

from typing import Dict, List

import numpy as np
import torch
import torch.nn as nn

# Fit-time prompt ensemble (the service's template first); the keys average the class name over these.
TEMPLATES = ["a photo of a {}.", "a picture of a {}.", "an image of a {}.", "a close-up photo of a {}.",
             "a blurry photo of a {}.", "a photo of the {}.", "a good photo of a {}.", "a cropped photo of a {}.",
             "a bright photo of a {}.", "a dark photo of a {}."]
TAU = 0.1


def _normalise(x: torch.Tensor) -> torch.Tensor:
    return x / torch.sqrt((x * x).sum(dim=-1, keepdim=True)).clamp_min(1e-12)


class KernelMap(nn.Module):
    """pooled [K, 384] -> [K, 1280]; TorchScript-able."""

    def __init__(self, key_embeddings: torch.Tensor, values: torch.Tensor, tau: float = TAU):
        super().__init__()
        centre = key_embeddings.mean(dim=0)
        self.centre = nn.Parameter(centre.float().clone(), requires_grad=False)
        self.keys = nn.Parameter(_normalise(key_embeddings - centre).float().clone(), requires_grad=False)
        self.values = nn.Parameter(values.float().clone(), requires_grad=False)
        self.inv_tau = 1.0 / float(tau)

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        q = _normalise(pooled - self.centre)
        attention = torch.softmax((q @ self.keys.t()) * self.inv_tau, dim=-1)
        return attention @ self.values


class MappedTextEncoder(nn.Module):
    """forward(word_embeddings [K,T,384], end_positions [K]) -> [K,1280]: the BERT tower (mean pooling,
    bundle_export.BertTextEncoderForBundle) followed by the map."""

    def __init__(self, tower: nn.Module, text_map: KernelMap):
        super().__init__()
        self.tower = tower
        self.text_map = text_map

    def forward(self, word_embeddings: torch.Tensor, end_positions: torch.Tensor) -> torch.Tensor:
        return self.text_map(self.tower(word_embeddings, end_positions))


def key_embeddings(embed, class_names: List[str], templates: List[str] = TEMPLATES) -> torch.Tensor:
    """[C, 384]: embed(list of texts) -> [N, 384] (mean-pooled, padding masked), averaged over the templates.
    The texts go to embed() sorted by length, so that its batches carry little padding."""
    texts = [t.format(c) for t in templates for c in class_names]
    order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
    embedded = embed([texts[i] for i in order])
    vectors = torch.empty_like(embedded)
    vectors[torch.tensor(order)] = embedded
    return vectors.view(len(templates), len(class_names), -1).mean(dim=0)


def held_out_class_logits(keys: torch.Tensor, values: torch.Tensor, queries: torch.Tensor,
                          image_features: torch.Tensor, labels: np.ndarray, folds: int = 5,
                          seed: int = 0) -> Dict[str, np.ndarray]:
    """Zero-shot cosine scores on held-out classes: the classes are split into folds; for each fold the map
    is built from the other classes' keys and values only, and the fold's images are scored against the
    fold's classes (prompts = queries, the service template's embeddings). Returns per-image cosine rows
    (padded with -inf to the largest fold) and the target index within the fold."""
    classes = keys.shape[0]
    order = np.random.RandomState(seed).permutation(classes)
    chunks = np.array_split(order, folds)
    width = max(len(c) for c in chunks)
    rows, targets = [], []
    img = _normalise(image_features)
    for held in chunks:
        held = np.sort(held)
        seen = np.setdiff1d(np.arange(classes), held)
        mapper = KernelMap(keys[seen], values[seen])
        with torch.no_grad():
            text = _normalise(mapper(queries[held]))
        mask = np.isin(labels, held)
        cos = (img[mask] @ text.t()).numpy()
        padded = np.full((cos.shape[0], width), -np.inf, dtype=np.float64)
        padded[:, :cos.shape[1]] = cos
        rows.append(padded)
        targets.append(np.searchsorted(held, labels[mask]))
    return {"cosine": np.concatenate(rows), "target": np.concatenate(targets)}


def fit_logit_scale(cosine: np.ndarray, target: np.ndarray) -> float:
    """The scale s minimising the mean cross-entropy of softmax(s * cosine) (temperature fit; golden-section
    search on log s in [0, 7])."""
    def nll(log_s: float) -> float:
        z = np.exp(log_s) * cosine
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(target)), target].mean())
    lo, hi = 0.0, 7.0
    g = (np.sqrt(5.0) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = nll(a), nll(b)
    for _ in range(60):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = nll(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = nll(b)
    return float(np.exp((lo + hi) / 2))
