# Generates clip_extra_cases.json: expected ids from a Python port of CLIP's simple_tokenizer without ftfy,
# which uses Python's own html.unescape, str.lower and the `regex` module (Debian: python3-regex), so the Java
# ports of those steps are checked against the originals.
# Usage: python3 clip_extra_cases.py < texts.json  (texts.json: a JSON list of strings; output: the ids per text)
import gzip, html, json, regex as re, sys
def b2u():
    bs = list(range(ord("!"), ord("~")+1))+list(range(ord("¡"), ord("¬")+1))+list(range(ord("®"), ord("ÿ")+1))
    cs = bs[:]; n = 0
    for b in range(256):
        if b not in bs: bs.append(b); cs.append(256+n); n += 1
    return dict(zip(bs, [chr(c) for c in cs]))
be = b2u()
merges = gzip.open('/work/shared/assets/tokenizer/bpe_simple_vocab_16e6.txt.gz').read().decode('utf-8').split('\n')[1:49152-256-2+1]
merges = [tuple(m.split()) for m in merges]
vocab = list(be.values()); vocab = vocab + [v+'</w>' for v in vocab] + [''.join(m) for m in merges] + ['<|startoftext|>', '<|endoftext|>']
enc = dict(zip(vocab, range(len(vocab)))); ranks = dict(zip(merges, range(len(merges))))
pat = re.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""", re.IGNORECASE)
def bpe(token):
    if token in ('<|startoftext|>', '<|endoftext|>'): return [token]
    word = list(token[:-1]) + [token[-1]+'</w>']
    while len(word) > 1:
        pairs = [(ranks.get((a,b), 1e18), a, b) for a,b in zip(word, word[1:])]
        r, a, b = min(pairs)
        if r == 1e18: break
        nw = []; i = 0
        while i < len(word):
            if i < len(word)-1 and word[i] == a and word[i+1] == b: nw.append(a+b); i += 2
            else: nw.append(word[i]); i += 1
        word = nw
    return word
def encode(text):
    text = html.unescape(html.unescape(text)).strip()
    text = re.sub(r'\s+', ' ', text).strip().lower()
    out = []
    for t in re.findall(pat, text):
        t = ''.join(be[b] for b in t.encode('utf-8'))
        out.extend(enc[s] for s in bpe(t))
    return out
if __name__ == '__main__':
    cases = json.load(sys.stdin)
    rows = [json.dumps({"text": c, "ids": encode(c)}, ensure_ascii=True) for c in cases]
    print('[\n' + ',\n'.join(rows) + '\n]')
