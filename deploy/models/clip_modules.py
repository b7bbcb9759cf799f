"""Minimal re-implementation of the CLIP module structure (ViT and ResNet image towers).

The attribute names follow the ones used by OpenAI's CLIP checkpoints
(``token_embedding``, ``positional_embedding``, ``transformer.resblocks[i].attn``
/ ``ln_1`` / ``mlp.c_fc`` / ``mlp.gelu`` / ``mlp.c_proj`` / ``ln_2``,
``ln_final``, ``text_projection``, ``logit_scale``, ``visual.conv1`` /
``class_embedding`` / ``positional_embedding`` / ``ln_pre`` / ``ln_post`` /
``proj``; for the ResNet tower ``visual.conv1..3`` / ``bn1..3`` / ``relu1..3`` /
``avgpool`` / ``layer1..layer4`` (``Bottleneck`` blocks with ``downsample`` ``-1``
/ ``0`` / ``1``) / ``attnpool`` with ``positional_embedding``, ``q_proj``,
``k_proj``, ``v_proj``, ``c_proj``), so that a state dict of a real CLIP model
(ViT-B/32, RN50, ...) loads into :class:`CLIP` with ``strict=True`` and the export
code in ``bundle_export.py`` works on both.

Only used at build time to create random-weight test bundles; it is not a
faithful copy of any training code.
"""

import math
from collections import OrderedDict
from typing import Optional, Sequence, Union

import torch
import torch.nn.functional as F
from torch import nn


class LayerNorm(nn.LayerNorm):
    """LayerNorm that always computes in float32 and returns the input dtype
    (CLIP checkpoints are often stored in float16)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        in_dtype = x.dtype
        y = nn.functional.layer_norm(
            x.float(), self.normalized_shape, self.weight.float(), self.bias.float(), self.eps)
        return y.to(in_dtype)


class QuickGELU(nn.Module):
    """CLIP's sigmoid approximation of GELU: x * sigmoid(1.702 x)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    """Pre-norm transformer block; works on sequence-first tensors [T, N, width]."""

    def __init__(self, d_model: int, n_head: int, attn_mask: Optional[torch.Tensor] = None,
                 quick_gelu: bool = True):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, n_head)
        self.ln_1 = LayerNorm(d_model)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(d_model, 4 * d_model)),
            ("gelu", QuickGELU() if quick_gelu else nn.GELU()),
            ("c_proj", nn.Linear(4 * d_model, d_model)),
        ]))
        self.ln_2 = LayerNorm(d_model)
        self.attn_mask = attn_mask

    def attention(self, x: torch.Tensor) -> torch.Tensor:
        mask = None
        if self.attn_mask is not None:
            mask = self.attn_mask.to(dtype=x.dtype, device=x.device)
        return self.attn(x, x, x, need_weights=False, attn_mask=mask)[0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.ln_1(x))
        x = x + self.mlp(self.ln_2(x))
        return x


class Transformer(nn.Module):
    def __init__(self, width: int, layers: int, heads: int, attn_mask: Optional[torch.Tensor] = None,
                 quick_gelu: bool = True):
        super().__init__()
        self.width = width
        self.layers = layers
        self.resblocks = nn.Sequential(
            *[ResidualAttentionBlock(width, heads, attn_mask, quick_gelu) for _ in range(layers)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.resblocks(x)


class VisionTransformer(nn.Module):
    def __init__(self, input_resolution: int, patch_size: int, width: int, layers: int,
                 heads: int, output_dim: int, quick_gelu: bool = True):
        super().__init__()
        if input_resolution % patch_size != 0:
            raise ValueError("input_resolution must be a multiple of patch_size")
        self.input_resolution = input_resolution
        self.output_dim = output_dim
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch_size, stride=patch_size, bias=False)
        scale = width ** -0.5
        n_patches = (input_resolution // patch_size) ** 2
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn(n_patches + 1, width))
        self.ln_pre = LayerNorm(width)
        self.transformer = Transformer(width, layers, heads, quick_gelu=quick_gelu)
        self.ln_post = LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, output_dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)                                   # [N, width, g, g]
        x = x.reshape(x.shape[0], x.shape[1], -1)           # [N, width, g*g]
        x = x.permute(0, 2, 1)                              # [N, g*g, width]
        cls = self.class_embedding.to(x.dtype).expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1)                      # [N, g*g+1, width]
        x = x + self.positional_embedding.to(x.dtype)
        x = self.ln_pre(x)
        x = x.permute(1, 0, 2)                              # sequence first
        x = self.transformer(x)
        x = x.permute(1, 0, 2)
        x = self.ln_post(x[:, 0, :])
        return x @ self.proj


class Bottleneck(nn.Module):
    """ResNet bottleneck (1x1, 3x3, 1x1; expansion 4) with CLIP's anti-aliased striding:
    the stride is an average pool after the 3x3 conv (and before the 1x1 projection of the
    shortcut) instead of a strided convolution. All convolutions are bias-free."""

    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1):
        super().__init__()
        out_planes = planes * self.expansion
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu2 = nn.ReLU(inplace=True)
        self.avgpool = nn.AvgPool2d(stride) if stride > 1 else nn.Identity()
        self.conv3 = nn.Conv2d(planes, out_planes, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_planes)
        self.relu3 = nn.ReLU(inplace=True)
        self.stride = stride
        self.downsample = None
        if stride > 1 or inplanes != out_planes:
            # keys "-1" (pool, no parameters), "0" (conv), "1" (bn), as in the checkpoints
            self.downsample = nn.Sequential(OrderedDict([
                ("-1", nn.AvgPool2d(stride) if stride > 1 else nn.Identity()),
                ("0", nn.Conv2d(inplanes, out_planes, 1, bias=False)),
                ("1", nn.BatchNorm2d(out_planes)),
            ]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.relu1(self.bn1(self.conv1(x)))
        y = self.relu2(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(self.avgpool(y)))
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu3(y + shortcut)


class AttentionPool2d(nn.Module):
    """Attention pooling of a [N, C, H, W] feature map: the spatial mean is prepended as a
    query token, a learned positional embedding is added to all H*W+1 tokens, and one
    multi-head attention step (query = the mean token) gives the pooled [N, output_dim]."""

    def __init__(self, spacial_dim: int, embed_dim: int, num_heads: int,
                 output_dim: Optional[int] = None):
        super().__init__()
        self.positional_embedding = nn.Parameter(
            torch.randn(spacial_dim ** 2 + 1, embed_dim) / embed_dim ** 0.5)
        self.k_proj = nn.Linear(embed_dim, embed_dim)
        self.q_proj = nn.Linear(embed_dim, embed_dim)
        self.v_proj = nn.Linear(embed_dim, embed_dim)
        self.c_proj = nn.Linear(embed_dim, output_dim or embed_dim)
        self.num_heads = num_heads

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.flatten(start_dim=2).permute(2, 0, 1)                 # [HW, N, C]
        x = torch.cat([x.mean(dim=0, keepdim=True), x], dim=0)      # [HW+1, N, C]
        x = x + self.positional_embedding[:, None, :].to(x.dtype)
        out, _ = F.multi_head_attention_forward(
            query=x[:1], key=x, value=x,
            embed_dim_to_check=x.shape[-1], num_heads=self.num_heads,
            in_proj_weight=None,
            in_proj_bias=torch.cat([self.q_proj.bias, self.k_proj.bias, self.v_proj.bias]),
            bias_k=None, bias_v=None, add_zero_attn=False, dropout_p=0.0,
            out_proj_weight=self.c_proj.weight, out_proj_bias=self.c_proj.bias,
            training=self.training, need_weights=False,
            use_separate_proj_weight=True,
            q_proj_weight=self.q_proj.weight, k_proj_weight=self.k_proj.weight,
            v_proj_weight=self.v_proj.weight)
        return out.squeeze(0)


class ModifiedResNet(nn.Module):
    """CLIP's ResNet image tower: a 3-conv stem (stride 2, then 1, 1) with an average pool,
    four stages of anti-aliased Bottleneck blocks (widths w, 2w, 4w, 8w; output 32w
    channels at 1/32 of the input resolution) and attention pooling to output_dim."""

    def __init__(self, layers: Sequence[int], output_dim: int, heads: int,
                 input_resolution: int = 224, width: int = 64):
        super().__init__()
        if len(layers) != 4:
            raise ValueError("ModifiedResNet needs 4 stage depths")
        if input_resolution % 32 != 0:
            raise ValueError("input_resolution must be a multiple of 32")
        self.output_dim = output_dim
        self.input_resolution = input_resolution
        half = width // 2
        self.conv1 = nn.Conv2d(3, half, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(half)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(half, half, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(half)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv3 = nn.Conv2d(half, width, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(width)
        self.relu3 = nn.ReLU(inplace=True)
        self.avgpool = nn.AvgPool2d(2)
        self._inplanes = width
        self.layer1 = self._stage(width, layers[0], 1)
        self.layer2 = self._stage(width * 2, layers[1], 2)
        self.layer3 = self._stage(width * 4, layers[2], 2)
        self.layer4 = self._stage(width * 8, layers[3], 2)
        self.attnpool = AttentionPool2d(input_resolution // 32, width * 32, heads, output_dim)

    def _stage(self, planes: int, blocks: int, stride: int) -> nn.Sequential:
        mods = [Bottleneck(self._inplanes, planes, stride)]
        self._inplanes = planes * Bottleneck.expansion
        mods += [Bottleneck(self._inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*mods)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.to(self.conv1.weight.dtype)
        x = self.relu1(self.bn1(self.conv1(x)))
        x = self.relu2(self.bn2(self.conv2(x)))
        x = self.relu3(self.bn3(self.conv3(x)))
        x = self.avgpool(x)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.attnpool(x)


class CLIP(nn.Module):
    def __init__(self, embed_dim: int,
                 image_resolution: int, vision_layers: Union[int, Sequence[int]],
                 vision_width: int, vision_patch_size: Optional[int],
                 context_length: int, vocab_size: int, transformer_width: int,
                 transformer_heads: int, transformer_layers: int,
                 vision_heads: Optional[int] = None, quick_gelu: bool = True):
        """quick_gelu: OpenAI's models (and OpenCLIP's "-quickgelu" ones) use QuickGELU; OpenCLIP's
        other models use the exact GELU."""
        super().__init__()
        self.context_length = context_length
        if isinstance(vision_layers, (tuple, list)):
            # ResNet tower: vision_width is the stem width, the pooled features have 32x it
            if vision_heads is None:
                vision_heads = vision_width * 32 // 64
            self.visual = ModifiedResNet(
                layers=tuple(vision_layers), output_dim=embed_dim, heads=vision_heads,
                input_resolution=image_resolution, width=vision_width)
        else:
            if vision_heads is None:
                vision_heads = max(1, vision_width // 64)
            self.visual = VisionTransformer(
                input_resolution=image_resolution, patch_size=vision_patch_size,
                width=vision_width, layers=vision_layers, heads=vision_heads,
                output_dim=embed_dim, quick_gelu=quick_gelu)
        self.transformer = Transformer(
            width=transformer_width, layers=transformer_layers, heads=transformer_heads,
            attn_mask=self.build_attention_mask(), quick_gelu=quick_gelu)
        self.vocab_size = vocab_size
        self.token_embedding = nn.Embedding(vocab_size, transformer_width)
        self.positional_embedding = nn.Parameter(torch.empty(context_length, transformer_width))
        self.ln_final = LayerNorm(transformer_width)
        self.text_projection = nn.Parameter(torch.empty(transformer_width, embed_dim))
        self.logit_scale = nn.Parameter(torch.ones([]) * math.log(100.0))
        self.initialize_parameters()

    def initialize_parameters(self) -> None:
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.positional_embedding, std=0.01)
        if isinstance(self.visual, ModifiedResNet):
            pool = self.visual.attnpool
            std = pool.c_proj.in_features ** -0.5
            for lin in (pool.q_proj, pool.k_proj, pool.v_proj, pool.c_proj):
                nn.init.normal_(lin.weight, std=std)
            # each residual branch starts as zero (last BN scale 0), as in CLIP
            for stage in (self.visual.layer1, self.visual.layer2, self.visual.layer3,
                          self.visual.layer4):
                for block in stage:
                    nn.init.zeros_(block.bn3.weight)
        width = self.transformer.width
        attn_std = width ** -0.5
        proj_std = width ** -0.5 * (2 * self.transformer.layers) ** -0.5
        fc_std = (2 * width) ** -0.5
        for block in self.transformer.resblocks:
            nn.init.normal_(block.attn.in_proj_weight, std=attn_std)
            nn.init.normal_(block.attn.out_proj.weight, std=proj_std)
            nn.init.normal_(block.mlp.c_fc.weight, std=fc_std)
            nn.init.normal_(block.mlp.c_proj.weight, std=proj_std)
        nn.init.normal_(self.text_projection, std=width ** -0.5)

    def build_attention_mask(self) -> torch.Tensor:
        """Additive causal mask [ctx, ctx]: 0 on/below the diagonal, -inf above."""
        mask = torch.full((self.context_length, self.context_length), float("-inf"))
        return mask.triu_(1)

    @property
    def dtype(self) -> torch.dtype:
        return self.visual.conv1.weight.dtype

    def encode_image(self, image: torch.Tensor) -> torch.Tensor:
        return self.visual(image.to(self.dtype))

    def encode_text(self, text: torch.Tensor) -> torch.Tensor:
        x = self.token_embedding(text).to(self.dtype)       # [N, ctx, width]
        x = x + self.positional_embedding.to(self.dtype)
        x = x.permute(1, 0, 2)
        x = self.transformer(x)
        x = x.permute(1, 0, 2)
        x = self.ln_final(x).to(self.dtype)
        # pool at the end token, which has the largest id in CLIP's vocabulary
        x = x[torch.arange(x.shape[0]), text.argmax(dim=-1)]
        return x @ self.text_projection

    def forward(self, image: torch.Tensor, text: torch.Tensor):
        img = self.encode_image(image)
        txt = self.encode_text(text)
        img = img / img.norm(dim=1, keepdim=True)
        txt = txt / txt.norm(dim=1, keepdim=True)
        logits_per_image = self.logit_scale.exp() * img @ txt.t()
        return logits_per_image, logits_per_image.t()
