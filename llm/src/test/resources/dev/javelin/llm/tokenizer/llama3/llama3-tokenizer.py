"""Writes the Llama-3-style tokenizer fixture of BpeTokenizerTest: a byte-level BPE trained with
Hugging Face `tokenizers` on the Brown corpus (Llama 3's pre-tokenizer regex, ignore_merges, two
special tokens) saved as tokenizer.json, and the ids it gives the GPT-2 fixture's texts.
Run: python3 llama3-tokenizer.py BROWN_FOLDER GPT2_CASES_JSON OUT_DIR (BROWN_FOLDER: .cache/brown/package,
which scripts/fetch-brown fills; the first 200 texts, tags stripped, one line per sentence)."""
import json, sys, os, re
from tokenizers import Tokenizer, models, pre_tokenizers, decoders, trainers, Regex

LLAMA3 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
          r"|\s*[\r\n]+|\s+(?!\S)|\s+")
brown, cases_file, out = sys.argv[1:4]
tok = Tokenizer(models.BPE(ignore_merges=True))
tok.pre_tokenizer = pre_tokenizers.Sequence([
    pre_tokenizers.Split(Regex(LLAMA3), behavior="isolated", invert=False),
    pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False)])
tok.decoder = decoders.ByteLevel()
trainer = trainers.BpeTrainer(vocab_size=3000, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                              special_tokens=["<|begin_of_text|>", "<|end_of_text|>"], show_progress=False)
lines = []
for f in sorted(f for f in os.listdir(brown) if re.match(r"c[a-r]\d\d$", f))[:200]:
    for line in open(os.path.join(brown, f), encoding="utf-8"):
        words = [t.rsplit("/", 1)[0] for t in line.split()]
        if words:
            lines.append(" ".join(words))
tok.train_from_iterator(lines, trainer)
os.makedirs(out, exist_ok=True)
tok.save(os.path.join(out, "tokenizer.json"))
texts = [c["text"] for c in json.load(open(cases_file, encoding="utf-8"))["cases"]]
texts += ["<|begin_of_text|>Hello<|end_of_text|> world", "12345678 and 1,234.5", "DON'T Won'T it's"]
cases = []
for t in texts:
    ids = tok.encode(t).ids
    assert tok.decode(ids, skip_special_tokens=False) == t, t
    cases.append({"text": t, "ids": ids})
json.dump({"tokenizer": "tokenizers %s, Llama 3's pre-tokenizer, trained on Brown" % __import__("tokenizers").__version__,
           "cases": cases}, open(os.path.join(out, "llama3-tokenizer-cases.json"), "w"), ensure_ascii=False)
print(len(cases), sum(len(c["ids"]) for c in cases), tok.get_vocab_size())
