"""Export a CLIP-style model (ViT or ResNet image tower) as a CraFT model bundle.

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
float16 checkpoints: the copies are float32). The ResNet tower's BatchNorm layers
(eval mode, running statistics) are folded into the preceding convolutions.

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


def multi_head_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, heads: int,
                         mask: Optional[torch.Tensor]) -> torch.Tensor:
    """Scaled dot-product attention over heads, batch first, on already projected inputs.

    q: [N, Tq, w], k and v: [N, Tk, w], mask: None or additive, broadcastable to
    [N, heads, Tq, Tk]. Returns [N, Tq, w] (before the output projection).
    """
    n = q.size(0)
    tq = q.size(1)
    tk = k.size(1)
    width = q.size(2)
    head_dim = width // heads
    q = q.reshape(n, tq, heads, head_dim).transpose(1, 2)            # [N, H, Tq, hd]
    k = k.reshape(n, tk, heads, head_dim).transpose(1, 2)            # [N, H, Tk, hd]
    v = v.reshape(n, tk, heads, head_dim).transpose(1, 2)
    scores = torch.matmul(q * (1.0 / math.sqrt(head_dim)), k.transpose(-2, -1))
    if mask is not None:
        scores = scores + mask
    att = torch.softmax(scores, dim=-1)
    return torch.matmul(att, v).transpose(1, 2).reshape(n, tq, width)


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
        h = self.ln_1(x)
        qkv = F.linear(h, self.in_proj_weight, self.in_proj_bias)      # [N, T, 3w]
        q, k, v = qkv.chunk(3, dim=-1)
        x = x + self.out_proj(multi_head_attention(q, k, v, self.heads, mask))
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


def is_resnet_tower(visual: nn.Module) -> bool:
    """True for CLIP's ModifiedResNet image tower (stem + layer1..4 + attnpool)."""
    return hasattr(visual, "attnpool") and hasattr(visual, "layer4")


def ImageEncoderForBundle(model: nn.Module) -> nn.Module:
    """The image encoder for model.visual: ViTImageEncoderForBundle for a ViT tower,
    ResNetImageEncoderForBundle for CLIP's ModifiedResNet (RN50, RN101, ...).
    Both: forward(pixels [B,3,S,S] float32, already normalised) -> [B,E] float32."""
    if is_resnet_tower(model.visual):
        return ResNetImageEncoderForBundle(model)
    return ViTImageEncoderForBundle(model)


class ViTImageEncoderForBundle(nn.Module):
    """forward(pixels [B,3,S,S] float32, already normalised) -> [B,E] float32."""

    def __init__(self, model: nn.Module):
        super().__init__()
        visual = model.visual
        if not hasattr(visual, "conv1") or not hasattr(visual, "class_embedding"):
            raise NotImplementedError("unsupported image tower %s: expected CLIP's ViT or ModifiedResNet"
                                      % type(visual).__name__)
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


def _fold_conv_bn(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> nn.Conv2d:
    """A float32 conv with bias equal to bn(conv(x)) in eval mode (running statistics)."""
    if conv.groups != 1 or conv.dilation != (1, 1):
        raise NotImplementedError("unsupported convolution " + repr(conv))
    if not bn.track_running_stats or bn.running_mean is None or bn.running_var is None:
        raise NotImplementedError("BatchNorm without running statistics")
    out = nn.Conv2d(conv.in_channels, conv.out_channels, kernel_size=conv.kernel_size,
                    stride=conv.stride, padding=conv.padding, bias=True)
    # in float64, then rounded once to float32
    scale = bn.weight.detach().double() / torch.sqrt(bn.running_var.detach().double() + bn.eps)
    bias = bn.bias.detach().double() - bn.running_mean.detach().double() * scale
    if conv.bias is not None:
        bias = bias + conv.bias.detach().double() * scale
    with torch.no_grad():
        out.weight.copy_((conv.weight.detach().double() * scale.reshape(-1, 1, 1, 1)).float())
        out.bias.copy_(bias.float())
    return out


def _avg_pool(pool: nn.Module) -> nn.Module:
    """nn.Identity or a copy of an nn.AvgPool2d with the same settings."""
    if isinstance(pool, nn.Identity):
        return nn.Identity()
    if not isinstance(pool, nn.AvgPool2d):
        raise NotImplementedError("expected nn.AvgPool2d or nn.Identity, got " + type(pool).__name__)
    return nn.AvgPool2d(pool.kernel_size, stride=pool.stride, padding=pool.padding,
                        ceil_mode=pool.ceil_mode, count_include_pad=pool.count_include_pad,
                        divisor_override=pool.divisor_override)


class BottleneckForBundle(nn.Module):
    """One CLIP Bottleneck with BatchNorm folded into the convolutions."""

    def __init__(self, block: nn.Module):
        super().__init__()
        self.conv1 = _fold_conv_bn(block.conv1, block.bn1)
        self.conv2 = _fold_conv_bn(block.conv2, block.bn2)
        self.avgpool = _avg_pool(block.avgpool)
        self.conv3 = _fold_conv_bn(block.conv3, block.bn3)
        # shortcut: identity, or downsample = ("-1" avg pool / absent, "0" 1x1 conv, "1" bn)
        self.down_pool: nn.Module = nn.Identity()
        self.down_conv: nn.Module = nn.Identity()
        ds = block.downsample
        if ds is not None:
            if len(ds) == 3:
                self.down_pool = _avg_pool(ds[0])
            elif len(ds) != 2:
                raise NotImplementedError("unexpected downsample " + repr(ds))
            self.down_conv = _fold_conv_bn(ds[-2], ds[-1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.conv1(x))
        y = torch.relu(self.conv2(y))
        y = self.conv3(self.avgpool(y))
        return torch.relu(y + self.down_conv(self.down_pool(x)))


class ResNetImageEncoderForBundle(nn.Module):
    """CLIP's ModifiedResNet tower: forward(pixels [B,3,S,S] float32, normalised) -> [B,E] float32.

    Stem (3 convs with folded BatchNorm, ReLU, 2x2 average pool), Bottleneck stages, and the
    attention pooling rebuilt with linear / softmax / matmul (multi_head_attention, shared with the
    transformer blocks): query = the spatial mean token, keys/values = mean + all positions.
    """

    def __init__(self, model: nn.Module):
        super().__init__()
        visual = model.visual
        if not is_resnet_tower(visual):
            raise NotImplementedError("expected CLIP's ModifiedResNet image tower")
        self.conv1 = _fold_conv_bn(visual.conv1, visual.bn1)
        self.conv2 = _fold_conv_bn(visual.conv2, visual.bn2)
        self.conv3 = _fold_conv_bn(visual.conv3, visual.bn3)
        self.avgpool = _avg_pool(visual.avgpool)
        blocks: List[nn.Module] = []
        for stage in (visual.layer1, visual.layer2, visual.layer3, visual.layer4):
            blocks.extend(BottleneckForBundle(b) for b in stage)
        self.blocks = nn.ModuleList(blocks)
        pool = visual.attnpool
        self.heads = int(pool.num_heads)
        if pool.q_proj.out_features % self.heads != 0:
            raise NotImplementedError("attention pool width not divisible by its heads")
        self.positional_embedding = nn.Parameter(_f32(pool.positional_embedding))
        self.q_proj = _copy_linear(pool.q_proj)
        self.k_proj = _copy_linear(pool.k_proj)
        self.v_proj = _copy_linear(pool.v_proj)
        self.c_proj = _copy_linear(pool.c_proj)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.conv1(pixels))
        x = torch.relu(self.conv2(x))
        x = torch.relu(self.conv3(x))
        x = self.avgpool(x)
        for block in self.blocks:
            x = block(x)
        b = x.size(0)
        x = x.reshape(b, x.size(1), -1).permute(0, 2, 1)                   # [B, HW, C]
        x = torch.cat([x.mean(dim=1, keepdim=True), x], dim=1) + self.positional_embedding
        q = self.q_proj(x[:, :1])                                          # [B, 1, C]
        o = multi_head_attention(q, self.k_proj(x), self.v_proj(x), self.heads, None)
        return self.c_proj(o)[:, 0]


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
        o = multi_head_attention(self.query(x), self.key(x), self.value(x), self.heads, mask)
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
                 check_end_positions: Optional[torch.Tensor] = None,
                 image_encoder_class=ImageEncoderForBundle, **metadata_kwargs) -> dict:
    """Script, save, reload and check both encoders; write the embedding table
    and bundle.json. Returns {"metadata", "diffs", "text_encoder", "image_encoder"}
    where the encoders are the reloaded TorchScript modules. tol is the largest max abs
    difference the checks accept (1e-5 suits the tiny model; real checkpoints, whose features
    are larger, are exported with a looser bound). text_encoder_class is TextEncoderForBundle for CLIP,
    BertTextEncoderForBundle for BERT-style towers (which then need check_end_positions).
    image_encoder_class(model) builds the image encoder: ImageEncoderForBundle for CLIP's towers; a
    model whose visual tower is already exportable as is (the demo's MobileNetV2) passes its own."""
    model = model.eval()
    os.makedirs(out_dir, exist_ok=True)
    text_path = os.path.join(out_dir, "text_encoder.pt")
    image_path = os.path.join(out_dir, "image_encoder.pt")

    text_eager = text_encoder_class(model).eval()
    image_eager = image_encoder_class(model).eval()
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
