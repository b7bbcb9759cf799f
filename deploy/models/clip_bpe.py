"""CLIP's byte-level BPE tokenizer, written from the published algorithm (GPT-2 style byte-to-unicode
map, merges ranked by their line in bpe_simple_vocab_16e6.txt, "</w>" marking a word's end).

Used at export time only: export_clip.py tokenises the template prompts with it to check that the
exported text encoder, fed the template's word embeddings, reproduces the model's own text
features. The service has its own Java implementation (dev.craft.service.model.tokenizer).

Text cleaning is CLIP's minus ftfy (not packaged in Debian): HTML entities unescaped twice,
whitespace collapsed, lower-cased. ftfy only changes mis-encoded ("mojibake") text.
"""

import gzip
import html
from functools import lru_cache
from typing import Dict, List, Tuple

import regex

START_TOKEN = "<|startoftext|>"
END_TOKEN = "<|endoftext|>"
# CLIP uses the first 48,894 merges of the file (49152 - 256 - 2 after its header line).
MERGE_COUNT = 49152 - 256 - 2
WORD_PATTERN = regex.compile(
    r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+",
    regex.IGNORECASE)


@lru_cache()
def byte_to_unicode() -> Dict[int, str]:
    """Printable bytes map to themselves; the others to code points from 256 upwards, in order."""
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
                 + list(range(ord("®"), ord("ÿ") + 1)))
    mapping = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


def _pairs(word: Tuple[str, ...]) -> set:
    return {(word[i], word[i + 1]) for i in range(len(word) - 1)}


class ClipBpeTokenizer:
    def __init__(self, vocab_path: str):
        opener = gzip.open if vocab_path.endswith(".gz") else open
        with opener(vocab_path, "rt", encoding="utf-8") as f:
            lines = f.read().split("\n")
        merges = [tuple(line.split()) for line in lines[1:MERGE_COUNT + 1]]
        symbols = list(byte_to_unicode().values())
        symbols = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges]
        symbols += [START_TOKEN, END_TOKEN]
        self.encoder = {s: i for i, s in enumerate(symbols)}
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.start_id = self.encoder[START_TOKEN]
        self.end_id = self.encoder[END_TOKEN]
        self._cache = {START_TOKEN: START_TOKEN, END_TOKEN: END_TOKEN}

    def _bpe(self, token: str) -> str:
        if token in self._cache:
            return self._cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        while len(word) > 1:
            best = min(_pairs(word), key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = tuple(merged)
        result = " ".join(word)
        self._cache[token] = result
        return result

    def encode(self, text: str) -> List[int]:
        """Token ids of the text, without the start and end tokens."""
        text = " ".join(html.unescape(html.unescape(text)).split()).strip().lower()
        table = byte_to_unicode()
        ids = []
        for word in WORD_PATTERN.findall(text):
            mapped = "".join(table[b] for b in word.encode("utf-8"))
            ids.extend(self.encoder[piece] for piece in self._bpe(mapped).split(" "))
        return ids
