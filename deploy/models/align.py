"""Fitting and measuring the joint embedding space of a dual encoder built from separate towers.

* ``fit_contrastive``: CLIP-style alignment of frozen image features and frozen sentence embeddings of
  templated captions through two linear projections (image: affine, on standardised features; text:
  linear, as ``BertTextEncoderForBundle`` applies it) and a learned temperature. The loss is symmetric:
  image -> caption cross-entropy over the class captions, and caption -> image over the images of the
  batch (multi-positive: every image of the caption's class counts). Seeded, full precision, fixed
  number of steps, so the result depends only on the inputs and the thread count.
* ``zero_shot_accuracy``: argmax of the cosine similarity to each class's text feature.
* ``linear_probe``: k-shot multinomial logistic regression on frozen features (mean over seeds).
"""

import math
from typing import Dict, List, Sequence

import numpy as np
import torch
import torch.nn.functional as F


def fit_contrastive(image_features: np.ndarray, labels: np.ndarray, caption_embeddings: np.ndarray,
                    embed_dim: int, seed: int, steps: int = 600, batch_size: int = 256, lr: float = 2e-3,
                    weight_decay: float = 1e-4, max_logit_scale: float = 100.0) -> Dict[str, object]:
    """image_features [N, F], labels [N] in 0..K-1, caption_embeddings [K, C, D] (C captions per class).

    Returns {"image_weight" [E, F], "image_bias" [E] (standardisation folded in, for x of the raw
    features), "text_projection" [D, E], "logit_scale" (exp of the fitted log scale), "loss" (last)}."""
    g = torch.Generator().manual_seed(seed)
    x = torch.from_numpy(np.asarray(image_features, dtype=np.float32))
    y = torch.from_numpy(np.asarray(labels, dtype=np.int64))
    t = torch.from_numpy(np.asarray(caption_embeddings, dtype=np.float32))           # [K, C, D]
    k, c, d = t.shape
    mu, sigma = x.mean(0), x.std(0).clamp(min=1e-6)
    xs = (x - mu) / sigma
    f = x.shape[1]
    w_img = torch.nn.Parameter(torch.randn(f, embed_dim, generator=g) / math.sqrt(f))
    b_img = torch.nn.Parameter(torch.zeros(embed_dim))
    w_txt = torch.nn.Parameter(torch.randn(d, embed_dim, generator=g) / math.sqrt(d))
    log_scale = torch.nn.Parameter(torch.tensor(math.log(10.0)))
    opt = torch.optim.AdamW([w_img, b_img, w_txt, log_scale], lr=lr, weight_decay=weight_decay)
    n = x.shape[0]
    loss = torch.tensor(0.0)
    for step in range(steps):
        idx = torch.randperm(n, generator=g)[:batch_size]
        ci = torch.randint(c, (k,), generator=g)                                        # one caption per class
        img = F.normalize(xs[idx] @ w_img + b_img, dim=-1)
        txt = F.normalize(t[torch.arange(k), ci] @ w_txt, dim=-1)                       # [K, E]
        scale = log_scale.clamp(max=math.log(max_logit_scale)).exp()
        logits = scale * img @ txt.t()                                                  # [B, K]
        yb = y[idx]
        loss_i = F.cross_entropy(logits, yb)
        # caption -> image: log-softmax over the batch's images, averaged over the positives
        lt = logits.t().log_softmax(dim=1)                                              # [K, B]
        pos = (yb.unsqueeze(0) == torch.arange(k).unsqueeze(1)).float()
        present = pos.sum(1) > 0
        loss_t = -((lt * pos).sum(1)[present] / pos.sum(1)[present]).mean()
        loss = 0.5 * (loss_i + loss_t)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        weight = (w_img / sigma.unsqueeze(1)).t().contiguous()                          # [E, F]
        bias = b_img - (mu / sigma) @ w_img
        scale = float(log_scale.clamp(max=math.log(max_logit_scale)).exp())
    return {"image_weight": weight, "image_bias": bias, "text_projection": w_txt.detach().clone(),
            "logit_scale": scale, "loss": float(loss)}


def zero_shot_accuracy(image_embeddings: torch.Tensor, text_embeddings: torch.Tensor,
                       labels: np.ndarray) -> float:
    """image [N, E], text [K, E] (raw; normalised here), labels [N]."""
    sims = F.normalize(image_embeddings.float(), dim=-1) @ F.normalize(text_embeddings.float(), dim=-1).t()
    return float((sims.argmax(1).numpy() == np.asarray(labels)).mean())


def _logistic(x: torch.Tensor, y: torch.Tensor, classes: int, l2: float) -> torch.Tensor:
    w = torch.zeros(x.shape[1] + 1, classes, requires_grad=True)
    xb = torch.cat([x, torch.ones(x.shape[0], 1)], 1)
    opt = torch.optim.LBFGS([w], lr=1.0, max_iter=200, history_size=20, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(xb @ w, y) + l2 * (w[:-1] ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach()


def probe_shots(train_labels: np.ndarray, shots: int, seeds: Sequence[int]) -> List[np.ndarray]:
    """The k-shot training indices drawn for each seed (k per class, seeded permutation)."""
    labels = np.asarray(train_labels)
    out = []
    for seed in seeds:
        rng = np.random.RandomState(seed)
        out.append(np.concatenate([rng.permutation(np.flatnonzero(labels == c))[:shots]
                                   for c in range(int(labels.max()) + 1)]))
    return out


def linear_probe(train_features: np.ndarray, train_labels: np.ndarray, test_features: np.ndarray,
                 test_labels: np.ndarray, shots: int, seeds: Sequence[int], l2: float = 1e-3) -> Dict[str, object]:
    """k-shot logistic regression on standardised frozen features; {"mean", "perSeed"}. train_features
    may hold only the rows that probe_shots selects (others may be zero)."""
    classes = int(max(train_labels.max(), test_labels.max())) + 1
    accs: List[float] = []
    for idx in probe_shots(train_labels, shots, seeds):
        xtr = torch.from_numpy(np.asarray(train_features[idx], dtype=np.float32))
        mu, sd = xtr.mean(0), xtr.std(0).clamp(min=1e-6)
        w = _logistic((xtr - mu) / sd, torch.from_numpy(np.asarray(train_labels[idx], dtype=np.int64)), classes, l2)
        xte = (torch.from_numpy(np.asarray(test_features, dtype=np.float32)) - mu) / sd
        pred = (torch.cat([xte, torch.ones(xte.shape[0], 1)], 1) @ w).argmax(1).numpy()
        accs.append(float((pred == np.asarray(test_labels)).mean()))
    return {"mean": float(np.mean(accs)), "perSeed": accs}
