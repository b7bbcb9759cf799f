"""Export a CLIP-style model (ViT image tower) as a CraFT model bundle.

A bundle is a directory with

* ``text_encoder.pt``   TorchScript, forward(word_embeddings, end_positions) -> features
* ``image_encoder.pt``  TorchScript, forward(pixels) -> features
* ``token_embedding.npy`` float32 [V, d] token embedding table (npy v1.0, '<f4', C order)
* ``bundle.json``       metadata (see docs/models.md)

The exported encoders do not call the original modules: they are rebuilt here
from the parameters (plain linear / layer_norm / softmax / matmul ops), which
keeps the TorchScript free of version-dependent kernels such as the fused
MultiheadAttention fast path, lets the text encoder accept a variable sequence
length T, and works on any model with OpenAI CLIP's attribute names (including
float16 checkpoints: the copies are float32).

Features are returned raw (not L2-normalised); the service normalises.
"""

import json
import math
import os
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
CLIP_START_TOKEN = 49406
CLIP_END_TOKEN = 49407
CLIP_PAD_TOKEN = 0
CLIP_BPE_FILE = "bpe_simple_vocab_16e6.txt"


def _f32(t: torch.Tensor) -> torch.Tensor:
    return t.detach().to(device="cpu", dtype=torch.float32).clone()


def _copy_layer_norm(ln: nn.LayerNorm) -> nn.LayerNorm:
    out = nn.LayerNorm(ln.normalized_shape, eps=ln.eps)
    with torch.no_grad():
        out.weight.copy_(_f32(ln.weight))
        out.bias.copy_(_f32(ln.bias))
    return out


def _copy_linear(lin: nn.Linear) -> nn.Linear:
    out = nn.Linear(lin.in_features, lin.out_features, bias=lin.bias is not None)
    with torch.no_grad():
        out.weight.copy_(_f32(lin.weight))
        if lin.bias is not None:
            out.bias.copy_(_f32(lin.bias))
    return out


class ExportBlock(nn.Module):
    """Batch-first re-implementation of one CLIP ResidualAttentionBlock.

    x: [N, T, width]; mask: optional additive [T, T] mask.
    """

    def __init__(self, block: nn.Module):
        super().__init__()
        attn = block.attn
        if not isinstance(attn, nn.MultiheadAttention) or not attn._qkv_same_embed_dim:
            raise NotImplementedError("expected nn.MultiheadAttention with packed in_proj")
        if attn.in_proj_bias is None:
            raise NotImplementedError("expected attention with in_proj_bias")
        self.width = int(attn.embed_dim)
        self.heads = int(attn.num_heads)
        self.head_dim = self.width // self.heads
        self.ln_1 = _copy_layer_norm(block.ln_1)
        self.in_proj_weight = nn.Parameter(_f32(attn.in_proj_weight))
        self.in_proj_bias = nn.Parameter(_f32(attn.in_proj_bias))
        self.out_proj = _copy_linear(attn.out_proj)
        self.ln_2 = _copy_layer_norm(block.ln_2)
        self.c_fc = _copy_linear(block.mlp.c_fc)
        self.c_proj = _copy_linear(block.mlp.c_proj)
        gelu_name = type(block.mlp.gelu).__name__
        if gelu_name == "QuickGELU":
            self.quick_gelu = True
        elif isinstance(block.mlp.gelu, nn.GELU) and block.mlp.gelu.approximate == "none":
            self.quick_gelu = False
        else:
            raise NotImplementedError("unsupported activation " + gelu_name)

    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor]) -> torch.Tensor:
        n = x.size(0)
        t = x.size(1)
        h = self.ln_1(x)
        qkv = F.linear(h, self.in_proj_weight, self.in_proj_bias)      # [N, T, 3w]
        q, k, v = qkv.chunk(3, dim=-1)
        q = q.reshape(n, t, self.heads, self.head_dim).transpose(1, 2)  # [N, H, T, hd]
        k = k.reshape(n, t, self.heads, self.head_dim).transpose(1, 2)
        v = v.reshape(n, t, self.heads, self.head_dim).transpose(1, 2)
        scores = torch.matmul(q * (1.0 / math.sqrt(self.head_dim)), k.transpose(-2, -1))
        if mask is not None:
            scores = scores + mask
        att = torch.softmax(scores, dim=-1)
        o = torch.matmul(att, v).transpose(1, 2).reshape(n, t, self.width)
        x = x + self.out_proj(o)
        h = self.c_fc(self.ln_2(x))
        if self.quick_gelu:
            h = h * torch.sigmoid(1.702 * h)
        else:
            h = F.gelu(h)
        x = x + self.c_proj(h)
        return x


class TextEncoderForBundle(nn.Module):
    """forward(word_embeddings [K,T,d] float32, end_positions [K] int64) -> [K,E] float32.

    word_embeddings are rows of the token embedding table (possibly with learned
    offsets added); T may be anything from max(end_positions)+1 to the context
    length. Positions after the end token do not influence the result (causal
    mask), so trimming to max(end_positions)+1 is exact.
    """

    def __init__(self, model: nn.Module):
        super().__init__()
        self.context_length = int(model.positional_embedding.shape[0])
        self.positional_embedding = nn.Parameter(_f32(model.positional_embedding))
        mask = None
        first = model.transformer.resblocks[0]
        if getattr(first, "attn_mask", None) is not None:
            mask = _f32(first.attn_mask)
        if mask is None:
            mask = torch.full((self.context_length, self.context_length), float("-inf")).triu_(1)
        self.register_buffer("attn_mask", mask)
        self.blocks = nn.ModuleList([ExportBlock(b) for b in model.transformer.resblocks])
        self.ln_final = _copy_layer_norm(model.ln_final)
        self.text_projection = nn.Parameter(_f32(model.text_projection))

    def forward(self, word_embeddings: torch.Tensor, end_positions: torch.Tensor) -> torch.Tensor:
        k = word_embeddings.size(0)
        t = word_embeddings.size(1)
        x = word_embeddings + self.positional_embedding[:t]
        mask = self.attn_mask[:t, :t]
        for block in self.blocks:
            x = block(x, mask)
        x = self.ln_final(x)
        x = x[torch.arange(k, device=x.device), end_positions]
        return x @ self.text_projection


class ImageEncoderForBundle(nn.Module):
    """forward(pixels [B,3,S,S] float32, already normalised) -> [B,E] float32."""

    def __init__(self, model: nn.Module):
        super().__init__()
        visual = model.visual
        if not hasattr(visual, "conv1") or not hasattr(visual, "class_embedding"):
            raise NotImplementedError("only the ViT image tower is supported")
        conv = visual.conv1
        self.conv1 = nn.Conv2d(conv.in_channels, conv.out_channels, kernel_size=conv.kernel_size,
                               stride=conv.stride, bias=False)
        with torch.no_grad():
            self.conv1.weight.copy_(_f32(conv.weight))
        self.class_embedding = nn.Parameter(_f32(visual.class_embedding))
        self.positional_embedding = nn.Parameter(_f32(visual.positional_embedding))
        self.ln_pre = _copy_layer_norm(visual.ln_pre)
        self.blocks = nn.ModuleList([ExportBlock(b) for b in visual.transformer.resblocks])
        self.ln_post = _copy_layer_norm(visual.ln_post)
        self.proj = nn.Parameter(_f32(visual.proj))

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        x = self.conv1(pixels)
        b = x.size(0)
        x = x.reshape(b, x.size(1), -1).permute(0, 2, 1)
        cls = self.class_embedding.reshape(1, 1, -1).expand(b, 1, x.size(2))
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x)
        for block in self.blocks:
            x = block(x, None)
        x = self.ln_post(x[:, 0, :])
        return x @ self.proj


class BertLayerForBundle(nn.Module):
    """Batch-first re-implementation of one post-LN BERT layer (HuggingFace names in the source).

    x: [N, T, width]; mask: additive [N, 1, 1, T] key mask (0 for real tokens, -inf for padding).
    """

    def __init__(self, layer: nn.Module, heads: int):
        super().__init__()
        sa = layer.attention.self
        self.width = int(sa.query.in_features)
        self.heads = int(heads)
        self.head_dim = self.width // self.heads
        self.query = _copy_linear(sa.query)
        self.key = _copy_linear(sa.key)
        self.value = _copy_linear(sa.value)
        self.attn_out = _copy_linear(layer.attention.output.dense)
        self.ln_attn = _copy_layer_norm(layer.attention.output.LayerNorm)
        self.fc_in = _copy_linear(layer.intermediate.dense)
        self.fc_out = _copy_linear(layer.output.dense)
        self.ln_out = _copy_layer_norm(layer.output.LayerNorm)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        n = x.size(0)
        t = x.size(1)
        q = self.query(x).reshape(n, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.key(x).reshape(n, t, self.heads, self.head_dim).transpose(1, 2)
        v = self.value(x).reshape(n, t, self.heads, self.head_dim).transpose(1, 2)
        scores = torch.matmul(q * (1.0 / math.sqrt(self.head_dim)), k.transpose(-2, -1)) + mask
        att = torch.softmax(scores, dim=-1)
        o = torch.matmul(att, v).transpose(1, 2).reshape(n, t, self.width)
        x = self.ln_attn(x + self.attn_out(o))
        return self.ln_out(x + self.fc_out(F.gelu(self.fc_in(x))))


def _bert_heads(layer: nn.Module) -> int:
    heads = getattr(layer, "heads", None)                                   # bert_modules.BertLayer
    if heads is None:
        heads = layer.attention.self.num_attention_heads                    # transformers.BertLayer
    return int(heads)


class BertTextEncoderForBundle(nn.Module):
    """forward(word_embeddings [K,T,d] float32, end_positions [K] int64) -> [K,E] float32.

    A BERT-style bidirectional text tower (model.bert with HuggingFace's names, model.text_projection
    [hidden, E]): adds position and token-type-0 embeddings, embedding LayerNorm, post-LN layers with an
    attention mask built from the end positions (positions <= end are real), mean pooling over the real
    tokens (sentence-transformers), projection. Padding after the end is masked out, so any T from
    max(end_positions)+1 to the context length gives the same result.
    """

    def __init__(self, model: nn.Module):
        super().__init__()
        emb = model.bert.embeddings
        self.context_length = int(emb.position_embeddings.weight.shape[0])
        self.position_embeddings = nn.Parameter(_f32(emb.position_embeddings.weight))
        self.token_type_embedding = nn.Parameter(_f32(emb.token_type_embeddings.weight[0]))
        self.ln_embeddings = _copy_layer_norm(emb.LayerNorm)
        self.layers = nn.ModuleList([BertLayerForBundle(layer, _bert_heads(layer))
                                     for layer in model.bert.encoder.layer])
        self.text_projection = nn.Parameter(_f32(model.text_projection))

    def forward(self, word_embeddings: torch.Tensor, end_positions: torch.Tensor) -> torch.Tensor:
        k = word_embeddings.size(0)
        t = word_embeddings.size(1)
        x = word_embeddings + self.position_embeddings[:t] + self.token_type_embedding
        x = self.ln_embeddings(x)
        positions = torch.arange(t, device=x.device)
        real = positions.unsqueeze(0) <= end_positions.unsqueeze(1)                   # [K, T]
        mask = torch.zeros(k, 1, 1, t, dtype=x.dtype, device=x.device)
        mask = mask.masked_fill(torch.logical_not(real).view(k, 1, 1, t), float("-inf"))
        for layer in self.layers:
            x = layer(x, mask)
        w = real.to(x.dtype).unsqueeze(-1)                                            # [K, T, 1]
        pooled = (x * w).sum(dim=1) / w.sum(dim=1)
        return pooled @ self.text_projection


# ----------------------------------------------------------------------------- npy

def write_npy_f32(path: str, array: np.ndarray) -> None:
    """Write a C-ordered little-endian float32 array as .npy format version 1.0."""
    arr = np.ascontiguousarray(np.asarray(array, dtype="<f4"))
    with open(path, "wb") as f:
        np.lib.format.write_array(f, arr, version=(1, 0), allow_pickle=False)
    with open(path, "rb") as f:
        if f.read(8) != b"\x93NUMPY\x01\x00":
            raise AssertionError("unexpected npy version written to " + path)


# ----------------------------------------------------------------------------- checks

def max_abs_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.float() - b.float()).abs().max())


def check_text_encoder(model: nn.Module, encoder: nn.Module, token_ids: torch.Tensor,
                       tol: float = 1e-5,
                       end_positions: Optional[torch.Tensor] = None) -> Dict[str, float]:
    """Compare the exported text encoder with model.encode_text and check that
    trimming T and batching do not change the result. end_positions defaults to
    the argmax of each row (CLIP's end token has the largest id)."""
    with torch.no_grad():
        ref = model.encode_text(token_ids).float()
        emb = model.token_embedding(token_ids).float()
        ends = token_ids.argmax(dim=-1) if end_positions is None else end_positions
        full = encoder(emb, ends)
        t = int(ends.max()) + 1
        assert t < emb.shape[1], "check sequences must leave room to trim"
        trimmed = encoder(emb[:, :t].contiguous(), ends)
        singles = torch.cat([encoder(emb[i:i + 1, :int(ends[i]) + 1].contiguous(), ends[i:i + 1])
                             for i in range(emb.shape[0])])
    diffs = {
        "text_vs_encode_text": max_abs_diff(full, ref),
        "text_full_vs_trimmed": max_abs_diff(full, trimmed),
        "text_batch_vs_single_trimmed": max_abs_diff(full, singles),
    }
    for name, d in diffs.items():
        assert d < tol, "%s: max abs diff %g >= %g" % (name, d, tol)
    return diffs


def check_image_encoder(model: nn.Module, encoder: nn.Module, pixels: torch.Tensor,
                        tol: float = 1e-5) -> Dict[str, float]:
    with torch.no_grad():
        ref = model.encode_image(pixels).float()
        out = encoder(pixels)
        singles = torch.cat([encoder(pixels[i:i + 1]) for i in range(pixels.shape[0])])
    diffs = {
        "image_vs_encode_image": max_abs_diff(out, ref),
        "image_batch_vs_single": max_abs_diff(out, singles),
    }
    for name, d in diffs.items():
        assert d < tol, "%s: max abs diff %g >= %g" % (name, d, tol)
    return diffs


# ----------------------------------------------------------------------------- bundle

def bundle_metadata(model: nn.Module, name: str, model_id: str, description: str,
                    start_token: int = CLIP_START_TOKEN, end_token: int = CLIP_END_TOKEN,
                    pad_token: int = CLIP_PAD_TOKEN, tokenizer_file: str = CLIP_BPE_FILE,
                    mean: Sequence[float] = CLIP_MEAN, std: Sequence[float] = CLIP_STD,
                    architecture: str = "clip", pooling: str = "end-token",
                    tokenizer_kind: str = "clip-bpe", context_length: Optional[int] = None,
                    vocabulary: str = "open") -> dict:
    """bundle.json content. The defaults describe a CLIP model; a BERT-style text tower passes
    architecture, pooling "mean", tokenizer_kind "wordpiece", its file, tokens and context_length."""
    if context_length is None:
        context_length = int(model.positional_embedding.shape[0])
    logit_scale = round(float(model.logit_scale.detach().float().exp()), 4)
    return {
        "format": 1,
        "name": name,
        "modelId": model_id,
        "description": description,
        "architecture": architecture,
        "embedDim": int(model.text_projection.shape[1]),
        "vocabulary": vocabulary,
        "logitScale": logit_scale,
        "text": {
            "encoder": "text_encoder.pt",
            "tokenEmbedding": "token_embedding.npy",
            "tokenWidth": int(model.token_embedding.embedding_dim),
            "contextLength": int(context_length),
            "pooling": pooling,
            "tokenizer": {"kind": tokenizer_kind, "file": tokenizer_file},
            "startToken": int(start_token),
            "endToken": int(end_token),
            "padToken": int(pad_token),
        },
        "image": {
            "encoder": "image_encoder.pt",
            "size": int(model.visual.input_resolution),
            "resize": "bicubic-shorter-side",
            "crop": "center",
            "pixelScale": 255.0,
            "mean": [float(m) for m in mean],
            "std": [float(s) for s in std],
        },
    }


def write_bundle(model: nn.Module, out_dir: str, name: str, model_id: str, description: str,
                 check_token_ids: torch.Tensor, check_pixels: torch.Tensor,
                 tol: float = 1e-5, text_encoder_class: type = TextEncoderForBundle,
                 check_end_positions: Optional[torch.Tensor] = None, **metadata_kwargs) -> dict:
    """Script, save, reload and check both encoders; write the embedding table
    and bundle.json. Returns {"metadata", "diffs", "text_encoder", "image_encoder"}
    where the encoders are the reloaded TorchScript modules. tol is the largest max abs
    difference the checks accept (1e-5 suits the tiny model; real checkpoints, whose features
    are larger, are exported with a looser bound). text_encoder_class is TextEncoderForBundle for CLIP,
    BertTextEncoderForBundle for BERT-style towers (which then need check_end_positions)."""
    model = model.eval()
    os.makedirs(out_dir, exist_ok=True)
    text_path = os.path.join(out_dir, "text_encoder.pt")
    image_path = os.path.join(out_dir, "image_encoder.pt")

    text_eager = text_encoder_class(model).eval()
    image_eager = ImageEncoderForBundle(model).eval()
    diffs: Dict[str, float] = {}
    # the eager wrappers first (a failure here is an export bug, not a scripting one)
    for k, v in check_text_encoder(model, text_eager, check_token_ids, tol,
                                          check_end_positions).items():
        diffs["eager_" + k] = v
    for k, v in check_image_encoder(model, image_eager, check_pixels, tol).items():
        diffs["eager_" + k] = v

    torch.jit.save(torch.jit.script(text_eager), text_path)
    torch.jit.save(torch.jit.script(image_eager), image_path)
    text_ts = torch.jit.load(text_path, map_location="cpu").eval()
    image_ts = torch.jit.load(image_path, map_location="cpu").eval()
    diffs.update(check_text_encoder(model, text_ts, check_token_ids, tol, check_end_positions))
    diffs.update(check_image_encoder(model, image_ts, check_pixels, tol))

    table = model.token_embedding.weight.detach().float().cpu().numpy()
    emb_path = os.path.join(out_dir, "token_embedding.npy")
    write_npy_f32(emb_path, table)
    reread = np.load(emb_path)
    assert reread.dtype == np.dtype("<f4") and reread.shape == table.shape
    assert np.array_equal(reread, table), "token_embedding.npy does not round-trip"

    metadata = bundle_metadata(model, name, model_id, description, **metadata_kwargs)
    with open(os.path.join(out_dir, "bundle.json"), "w", encoding="utf-8") as f:
        json.dump(metadata, f, indent=2)
        f.write("\n")
    return {"metadata": metadata, "diffs": diffs, "text_encoder": text_ts,
            "image_encoder": image_ts}


def clip_token_ids(content: List[int], context_length: int = 77,
                   start_token: int = CLIP_START_TOKEN, end_token: int = CLIP_END_TOKEN,
                   pad_token: int = CLIP_PAD_TOKEN) -> List[int]:
    """[start, *content, end, pad...] of length context_length (like clip.tokenize)."""
    ids = [start_token] + list(content) + [end_token]
    if len(ids) > context_length:
        raise ValueError("sequence longer than the context length")
    return ids + [pad_token] * (context_length - len(ids))
