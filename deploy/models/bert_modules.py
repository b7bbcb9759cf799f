"""Minimal BERT text tower (post-LN encoder, mean pooling) with HuggingFace's
attribute names, plus a dual encoder that pairs it with the CLIP ViT image
tower of ``clip_modules``.

The attribute names follow ``transformers.BertModel`` (``embeddings.word_embeddings``
/ ``position_embeddings`` / ``token_type_embeddings`` / ``LayerNorm``,
``encoder.layer[i].attention.self.query|key|value``, ``attention.output.dense|LayerNorm``,
``intermediate.dense``, ``output.dense|LayerNorm``), so that weights of a real
BERT-style model (such as MiniLM-L6-v2, whose ONNX initializers carry these
names) can be loaded into :class:`BertModel` and exported with
``bundle_export.BertTextEncoderForBundle``.

Only used at build time; the reference forward here is written in HuggingFace's
style (extended attention mask, sentence-transformers mean pooling), independently
of the exporter's re-implementation.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

from clip_modules import VisionTransformer


class _Namespace(nn.Module):
    """A plain container so that nested attribute names match HuggingFace's."""


class BertEmbeddings(nn.Module):
    def __init__(self, vocab_size: int, hidden: int, max_positions: int, type_vocab_size: int = 2,
                 eps: float = 1e-12):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab_size, hidden)
        self.position_embeddings = nn.Embedding(max_positions, hidden)
        self.token_type_embeddings = nn.Embedding(type_vocab_size, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        t = input_ids.shape[1]
        positions = torch.arange(t, device=input_ids.device).unsqueeze(0)
        token_types = torch.zeros_like(input_ids)
        x = (self.word_embeddings(input_ids) + self.position_embeddings(positions)
             + self.token_type_embeddings(token_types))
        return self.LayerNorm(x)


class BertLayer(nn.Module):
    def __init__(self, hidden: int, heads: int, intermediate: int, eps: float = 1e-12):
        super().__init__()
        self.heads = heads
        self.attention = _Namespace()
        self.attention.self = _Namespace()
        self.attention.self.query = nn.Linear(hidden, hidden)
        self.attention.self.key = nn.Linear(hidden, hidden)
        self.attention.self.value = nn.Linear(hidden, hidden)
        self.attention.output = _Namespace()
        self.attention.output.dense = nn.Linear(hidden, hidden)
        self.attention.output.LayerNorm = nn.LayerNorm(hidden, eps=eps)
        self.intermediate = _Namespace()
        self.intermediate.dense = nn.Linear(hidden, intermediate)
        self.output = _Namespace()
        self.output.dense = nn.Linear(intermediate, hidden)
        self.output.LayerNorm = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x: torch.Tensor, extended_mask: torch.Tensor) -> torch.Tensor:
        n, t, w = x.shape
        hd = w // self.heads

        def split(y: torch.Tensor) -> torch.Tensor:
            return y.view(n, t, self.heads, hd).permute(0, 2, 1, 3)

        sa = self.attention.self
        q, k, v = split(sa.query(x)), split(sa.key(x)), split(sa.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd) + extended_mask
        probs = scores.softmax(dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(n, t, w)
        x = self.attention.output.LayerNorm(self.attention.output.dense(ctx) + x)
        h = F.gelu(self.intermediate.dense(x))
        return self.output.LayerNorm(self.output.dense(h) + x)


class BertModel(nn.Module):
    def __init__(self, vocab_size: int, hidden: int, layers: int, heads: int, intermediate: int,
                 max_positions: int):
        super().__init__()
        self.embeddings = BertEmbeddings(vocab_size, hidden, max_positions)
        self.encoder = _Namespace()
        self.encoder.layer = nn.ModuleList(
            [BertLayer(hidden, heads, intermediate) for _ in range(layers)])

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Last hidden states [N, T, hidden]; attention_mask is 1 for real tokens, 0 for padding."""
        extended = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        x = self.embeddings(input_ids)
        for layer in self.encoder.layer:
            x = layer(x, extended)
        return x


def mean_pooling(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """sentence-transformers' mean over real tokens."""
    m = attention_mask.unsqueeze(-1).float()
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)


class BertDualEncoder(nn.Module):
    """A BERT text tower (mean pooling, linear projection to E) and a CLIP ViT image tower.

    Exposes what ``bundle_export`` expects of a model: ``token_embedding``, ``text_projection``,
    ``logit_scale``, ``visual``, ``encode_text(token_ids)`` and ``encode_image(pixels)``.
    """

    def __init__(self, embed_dim: int, vocab_size: int, hidden: int, layers: int, heads: int,
                 context_length: int, pad_token: int,
                 image_resolution: int, vision_layers: int, vision_width: int, vision_patch_size: int,
                 vision_heads: int):
        super().__init__()
        self.context_length = context_length
        self.pad_token = pad_token
        self.bert = BertModel(vocab_size, hidden, layers, heads, 4 * hidden, context_length)
        self.text_projection = nn.Parameter(hidden ** -0.5 * torch.randn(hidden, embed_dim))
        self.visual = VisionTransformer(input_resolution=image_resolution, patch_size=vision_patch_size,
                                        width=vision_width, layers=vision_layers, heads=vision_heads,
                                        output_dim=embed_dim)
        self.logit_scale = nn.Parameter(torch.ones([]) * math.log(100.0))
        for module in self.bert.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, std=0.02)

    @property
    def token_embedding(self) -> nn.Embedding:
        return self.bert.embeddings.word_embeddings

    def encode_text(self, token_ids: torch.Tensor) -> torch.Tensor:
        """Features of padded id sequences; the attention mask is ``token_ids != pad_token``."""
        mask = (token_ids != self.pad_token).long()
        return mean_pooling(self.bert(token_ids, mask), mask) @ self.text_projection

    def encode_image(self, image: torch.Tensor) -> torch.Tensor:
        return self.visual(image)
