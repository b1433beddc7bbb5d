#!/usr/bin/env python3
"""Writes wordpiece-fixture.json: texts and the token ids Hugging Face `tokenizers` gives them with
all-MiniLM-L6-v2's tokenizer.json (scripts/fetch-onnx-models caches it), for WordPieceTokenizerTest.

    pip install tokenizers   # 0.23.2 wrote the committed fixture
    python3 make_wordpiece_fixture.py [~/.cache/javelin/onnx/all-minilm-l6-v2/all-minilm-l6-v2-tokenizer.json]
"""
import json
import os
import sys

from tokenizers import Tokenizer

TEXTS = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "Javelin compiles models to Java; ONNX Runtime runs them natively.",
    "UPPER case and MiXeD CaSe words",
    "café naïve résumé Über façade",  # accents stripped
    "Straße, İstanbul, ΣΟΦΟΣ, Москва",  # German sharp s, dotted I, final sigma, Cyrillic
    "中文字符和English混合",  # CJK ideographs spaced out
    "日本語のテキスト、カタカナ",  # kana are not CJK ideographs
    "emoji 😀 and symbols ™ © ® €100 ½",
    "tabs\tand\nnewlines\r\nand  double  spaces",
    "zero\u200bwidth\u200djoiner and soft\u00adhyphen",  # format characters dropped
    "non\u00a0breaking\u2003em space",  # space separators
    "control\u0007bell and nul\u0000byte and replacement\ufffdchar",
    "don't won't it's y'all",
    "https://example.com/path?q=1&r=two#frag user@example.org",
    "3.14159 1,000,000 -42 +7 1e-5 0x1F",
    "unaffable unbelievably antidisestablishmentarianism",
    "a" * 101,  # longer than max_input_chars_per_word: [UNK]
    "pneumonoultramicroscopicsilicovolcanoconiosis",
    "¿Qué tal? «Très bien» — „gut“ … ‘quotes’",
    "Ωmega ångström Ørsted ǅ",
    "",
    "   ",
    "word " * 200,  # truncated to 128 tokens
]


def random_texts(count, seed=19):
    """Seeded strings mixing ASCII, Latin-1, accents, Greek, Cyrillic, CJK, kana, Hangul, emoji,
    combining marks, spaces and controls: the characters the rules above treat differently."""
    import random
    r = random.Random(seed)
    ranges = [(0x20, 0x7E), (0x20, 0x7E), (0xA0, 0xFF), (0x100, 0x17F), (0x300, 0x36F), (0x370, 0x3FF),
              (0x400, 0x4FF), (0x2000, 0x206F), (0x3000, 0x30FF), (0x4E00, 0x4FFF), (0xAC00, 0xAD00),
              (0x1F600, 0x1F64F), (0x0, 0x1F), (0xFF00, 0xFF5E)]
    texts = []
    for _ in range(count):
        chars = []
        for _ in range(r.randint(1, 40)):
            lo, hi = r.choice(ranges)
            chars.append(chr(r.randint(lo, hi)))
            if r.random() < 0.2:
                chars.append(" ")
        texts.append("".join(chars))
    return texts


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser(
        "~/.cache/javelin/onnx/all-minilm-l6-v2/all-minilm-l6-v2-tokenizer.json")
    tok = Tokenizer.from_file(path)
    cases = []
    for text in TEXTS + random_texts(200):
        e = tok.encode(text)
        n = sum(e.attention_mask)
        cases.append({"text": text, "ids": e.ids[:n], "length": len(e.ids)})
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wordpiece-fixture.json")
    with open(out, "w", encoding="ascii") as f:
        f.write("[\n" + ",\n".join(json.dumps(c, ensure_ascii=True) for c in cases) + "\n]\n")
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()
