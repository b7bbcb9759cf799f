"""Write the tiny random-weight BERT-style bundle used by the Java tests.

    /usr/bin/python3 deploy/models/make_tiny_bert_bundle.py [--out DIR]

Writes DIR (default deploy/models/bundles/tiny-bert/) with text_encoder.pt (a
2-layer post-LN BERT encoder, mean pooling, projection), image_encoder.pt (the
tiny CLIP ViT tower), token_embedding.npy, a small hand-made WordPiece
tokenizer.json (HuggingFace format), bundle.json and reference.json (same format
as the tiny CLIP bundle's; the service must reproduce it within 1e-4).
"""

import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bert_modules import BertDualEncoder  # noqa: E402
from bundle_export import BertTextEncoderForBundle, write_bundle  # noqa: E402
import reference_outputs  # noqa: E402

SEED = 20241201
PROMPT_SEED = 2001
PIXEL_SEED = 2002
CHECK_SEED = 2003

NAME = "tiny-bert-random"
MODEL_ID = "tiny-bert-random-v1"
DESCRIPTION = ("Tiny random-weight dual encoder with a BERT-style text tower (WordPiece, mean pooling) "
               "and a small vocabulary, for tests only: its predictions are meaningless.")
CONTEXT_LENGTH = 64

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PUNCTUATION = list(".,!?-'()/:;\"&")
WORDS = ("a an the this that is it of in on with and or photo picture image photograph drawing painting "
         "sketch rendering close up view small large big little bad good cropped bright dark blurry clean "
         "dirty cool weird nice my one two type kind pet animal food vehicle flower plant person "
         "cat dog bird fish gold horse deer frog cow sheep bear lion tiger zebra monkey rabbit mouse "
         "car bus truck train ship boat plane air bike bicycle motor cycle tree house bridge "
         "rose tulip daisy sun apple banana orange pizza cake bread "
         "red green blue black white yellow brown").split()
SUBWORDS = ["##s", "##es", "##ed", "##ing", "##er", "##ly", "##y", "##fish", "##plane", "##boat",
            "##cycle", "##flower", "##house", "##dog", "##cat", "##bird"]
CJK = ["猫", "狗"]
PREFIX_WORDS = ["a", "photo", "of", "a"]          # "a photo of a {}."
CLASS_WORDS = [["cat"], ["dog"], ["gold", "##fish"]]
CLASS_NAMES = ["cat", "dog", "goldfish"]
NUM_PROMPTS = 2
NUM_IMAGES = 3
MIN_SPREAD = 0.1


def vocabulary() -> list:
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    digits = [str(i) for i in range(10)]
    tokens = SPECIAL + PUNCTUATION + digits + letters + ["##" + c for c in letters + digits]
    for w in WORDS + SUBWORDS + CJK:
        if w not in tokens:
            tokens.append(w)
    return tokens


def tokenizer_json(tokens: list) -> dict:
    ids = {t: i for i, t in enumerate(tokens)}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": ids[t], "content": t, "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": True} for t in SPECIAL],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", ids["[SEP]"]],
                           "cls": ["[CLS]", ids["[CLS]"]]},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": ids},
    }


def build_model(vocab_size: int, pad_token: int) -> BertDualEncoder:
    torch.manual_seed(SEED)
    model = BertDualEncoder(embed_dim=32, vocab_size=vocab_size, hidden=32, layers=2, heads=4,
                            context_length=CONTEXT_LENGTH, pad_token=pad_token,
                            image_resolution=32, vision_layers=2, vision_width=32, vision_patch_size=8,
                            vision_heads=4)
    # Perturb LayerNorm affine terms and biases (default 1 / 0) so that every parameter reaches the
    # output and the export checks would notice a dropped term.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name or name.endswith(("ln_1.weight", "ln_2.weight", "ln_pre.weight",
                                                            "ln_post.weight")):
                p.add_(0.1 * torch.randn_like(p))
            elif name.endswith("bias"):
                p.add_(0.05 * torch.randn_like(p))
    return model.eval()


def padded(ids: list, pad: int) -> list:
    if len(ids) > CONTEXT_LENGTH:
        raise ValueError("sequence longer than the context length")
    return ids + [pad] * (CONTEXT_LENGTH - len(ids))


def main() -> None:
    reference_outputs.fix_hash_seed()
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(here, "bundles", "tiny-bert"))
    args = parser.parse_args()

    torch.set_num_threads(1)
    tokens = vocabulary()
    ids = {t: i for i, t in enumerate(tokens)}
    cls_id, sep_id, pad_id = ids["[CLS]"], ids["[SEP]"], ids["[PAD]"]
    model = build_model(len(tokens), pad_id)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(tokens), f, indent=1, ensure_ascii=False)
        f.write("\n")

    # ---- fixed inputs: [CLS] a photo of a <class> . [SEP] [PAD]..., as ClassPrompts builds them
    prefix = [ids[w] for w in PREFIX_WORDS]
    sequences = [[cls_id] + prefix + [ids[w] for w in c] + [ids["."], sep_id] for c in CLASS_WORDS]
    token_ids = torch.tensor([padded(s, pad_id) for s in sequences], dtype=torch.int64)   # [K, 64]
    end_positions = torch.tensor([len(s) - 1 for s in sequences], dtype=torch.int64)      # [K]
    prefix_length = len(prefix)
    d = model.token_embedding.embedding_dim
    g = torch.Generator().manual_seed(PROMPT_SEED)
    prompts = torch.zeros(NUM_PROMPTS, prefix_length, d)
    prompts[1] = 0.5 * torch.randn(prefix_length, d, generator=g)                         # [P, L, d]
    size = model.visual.input_resolution
    g = torch.Generator().manual_seed(PIXEL_SEED)
    pixels = torch.randn(NUM_IMAGES, 3, size, size, generator=g)

    # export checks: random non-special ids of varied lengths, [CLS] ... [SEP] [PAD]...
    g = torch.Generator().manual_seed(CHECK_SEED)
    lengths = [1, 7, 20, 40]   # the longest ends at 41, so trimming to T=42 of 64 is a real test
    check_seqs = [[cls_id] + torch.randint(len(SPECIAL), len(tokens), (n,), generator=g).tolist() + [sep_id]
                  for n in lengths]
    check_ids = torch.cat([torch.tensor([padded(s, pad_id) for s in check_seqs]), token_ids])
    check_ends = torch.cat([torch.tensor([len(s) - 1 for s in check_seqs]), end_positions])
    check_pixels = torch.cat([pixels, torch.randn(2, 3, size, size, generator=g)])

    result = write_bundle(model, args.out, NAME, MODEL_ID, DESCRIPTION, check_ids, check_pixels,
                          text_encoder_class=BertTextEncoderForBundle, check_end_positions=check_ends,
                          architecture="bert-dual-encoder", pooling="mean", tokenizer_kind="wordpiece",
                          tokenizer_file="tokenizer.json", start_token=cls_id, end_token=sep_id,
                          pad_token=pad_id, context_length=CONTEXT_LENGTH)
    meta, diffs = result["metadata"], result["diffs"]
    text_ts, image_ts = result["text_encoder"], result["image_encoder"]
    logit_scale = float(meta["logitScale"])

    # ---- reference outputs, computed as the service does
    outputs = reference_outputs.compute(model, args.out, text_ts, image_ts, logit_scale, token_ids, end_positions,
                                        prompts, pixels, prefix_length, diffs)
    logits = outputs["logits"]
    spreads = reference_outputs.check_spreads(logits, MIN_SPREAD)

    reference = {
        "format": 1,
        "modelId": MODEL_ID,
        "description": ("Fixed inputs and outputs for checking that the service reproduces the "
                        "Python computation of this bundle (tolerance 1e-4). Text: '" + "', '".join(CLASS_NAMES)
                        + "' in 'a photo of a {}.' as [CLS] prefix class . [SEP] [PAD]...; word embeddings = "
                        "tokenEmbedding[tokenIds] with prompts[p] added to positions 1..prefixLength, full "
                        + str(CONTEXT_LENGTH) + "-token sequences, mean-pooled over positions <= endPositions. "
                        "logits[p][b][k] = logitScale * normalize(imageFeatures[b]) . "
                        "normalize(textFeatures[p][k]). Arrays are nested row-major lists matching 'shape'."),
        "logitScale": logit_scale,
        "prefixLength": prefix_length,
        "template": "a photo of a {}.",
        "classNames": CLASS_NAMES,
        **reference_outputs.arrays(token_ids, end_positions, prompts, pixels, outputs),
    }
    reference_outputs.dump(os.path.join(args.out, "reference.json"), reference)
    print("bundle written to", args.out, "(vocabulary %d tokens)" % len(tokens))
    reference_outputs.report(args.out, diffs, spreads, logits)

if __name__ == "__main__":
    main()
