# Test-fixture generator (never part of t5j): ids that sentencepiece 0.2.2 gives for the T5 spiece.model on varied
# lines, written to sp022_ids.jsonl.gz for SentencePiece022FixtureTest. Run with the anchor venv
# (tools/anchors/setup-venv.sh installs sentencepiece 0.2.2):  python make_sp022_fixture.py DATA_DIR
# where DATA_DIR holds the public data sets named in SOURCE.md (nq-open, ag_news, trec, fever, wiki-passages, mmlu).
import csv, glob, gzip, json, os, random, sys
import sentencepiece as spm

assert spm.__version__ == "0.2.2", spm.__version__
here = os.path.dirname(os.path.abspath(__file__))
data = sys.argv[1]
sp = spm.SentencePieceProcessor(model_file=os.path.join(here, "spiece.model"))
r = random.Random(2026)


def rand_unicode(n):
    out = []
    for _ in range(r.randint(0, n)):
        k = r.randint(0, 11)
        if k <= 2: c = ord("a") + r.randint(0, 25)
        elif k == 3: c = ord(" \t\n\u3000\u00a0"[r.randint(0, 4)])
        elif k == 4: c = 0x20 + r.randint(0, 0x5E)
        elif k == 5: c = 0xC0 + r.randint(0, 0x18F)
        elif k == 6: c = 0x4E00 + r.randint(0, 0x1FFF)
        elif k == 7: c = 0x1F600 + r.randint(0, 0x4F)
        elif k == 8: c = 0x300 + r.randint(0, 0x6F)
        elif k == 9: c = 0xFF01 + r.randint(0, 0x5D)
        elif k == 10: c = r.randint(1, 0x1F)
        else:
            c = r.randint(1, 0x10FFFF)
            while 0xD800 <= c <= 0xDFFF: c = r.randint(1, 0x10FFFF)
        out.append(chr(c))
    return "".join(out)


def repeats():
    # runs of one or two characters: where equal-score segmentations (ties) are common
    alph = list(".-=_!?*#~o0aehl1 xz,:;'\"")
    parts = []
    for _ in range(r.randint(1, 4)):
        c = r.choice(alph) if r.random() < 0.7 else r.choice(alph) + r.choice(alph)
        parts.append(c * r.randint(1, 14) + (" " if r.random() < 0.3 else ""))
    return "".join(parts)


real = []
for line in open(os.path.join(data, "nq-open/NQ-open.dev.jsonl"), encoding="utf-8"):
    real.append(json.loads(line)["question"])
for row in csv.reader(open(os.path.join(data, "ag_news/test.csv"), encoding="utf-8")):
    real.append(row[1] + " " + row[2])
for line in open(os.path.join(data, "trec/TREC_10.label"), encoding="latin-1"):
    real.append(line.split(" ", 1)[1].strip())
for line in open(os.path.join(data, "fever/paper_dev.jsonl"), encoding="utf-8"):
    real.append(json.loads(line)["claim"])
for line in open(os.path.join(data, "wiki-passages/passages.jsonl"), encoding="utf-8"):
    real.append(json.loads(line)["text"][:200])
for f in sorted(glob.glob(os.path.join(data, "mmlu/test/*.csv")))[:20]:
    for row in csv.reader(open(f, encoding="utf-8")):
        real.append(" | ".join(row[:5]))
r.shuffle(real)

texts = ["Nooooooo way", ".......", "test........."]
texts += real[:1500] + [rand_unicode(40) for _ in range(2000)] + [repeats() for _ in range(1000)]
with gzip.open(os.path.join(here, "sp022_ids.jsonl.gz"), "wt", encoding="utf-8") as out:
    for t in texts:
        out.write(json.dumps({"text": t, "ids": sp.encode(t)}, ensure_ascii=False) + "\n")
print(len(texts), "lines")
