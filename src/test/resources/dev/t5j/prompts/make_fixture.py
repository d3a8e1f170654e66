# Makes the golden fixture of PromptParityTest (run once, by hand; never part of the build or the tests):
#   ~/anchor-venv/bin/python src/test/resources/dev/t5j/prompts/make_fixture.py ../shared/data
# (venv from ../shared/tools/anchors/setup-venv.sh: jinja2 3.1.6, PyYAML 6.0.3).
# 1. Turns a few rows of each dataset under DATA into the HF `datasets` field layout (rows/<key>.jsonl).
# 2. Renders every template of the matching promptsource templates.yaml on them with promptsource's
#    Template.apply / get_answer_choices_list, copied from promptsource/templates.py (HEAD 7dab96a), after t-zero's
#    removeHyphen; Python's `random` is seeded with the row number before each row (the `choice` filter).
import csv, json, os, random, sys
from collections import Counter
import yaml
from jinja2 import BaseLoader, Environment

DATA = sys.argv[1]
OUT = os.path.dirname(os.path.abspath(__file__))
TEXT_VAR_LENGTH = 2048
PIPE = "3ed2dface8203c4c9dfb1a5dc58e41e0"
env = Environment(loader=BaseLoader)
env.globals.update(zip=zip)


def most_frequent(items):
    if not items:
        return
    c = Counter(items).most_common()
    return [x[0] for x in c if x[1] == c[0][1]]


env.filters["highlight"] = lambda s: "<span style='color: #F08080'>" + s + "</span>"
env.filters["choice"] = lambda c: random.choice(c)
env.filters["most_frequent"] = most_frequent


def escape(ex):
    return {k: v.replace("|||", PIPE) if isinstance(v, str) else v for k, v in ex.items()}


def choices_list(t, ex):
    if t.get("answer_choices") is None:
        return None
    r = env.from_string(t["answer_choices"]).render(**escape(ex))
    return [c.strip().replace(PIPE, "|||") for c in r.split("|||")]


def apply(t, ex):
    jinja = t["jinja"].replace("}}", f" | string | truncate({TEXT_VAR_LENGTH}) }}}}")
    p = escape(ex)
    p["answer_choices"] = choices_list(t, ex)
    return [part.replace(PIPE, "|||").strip() for part in env.from_string(jinja).render(**p).split("|||")]


def remove_hyphen(ex):
    return {k.replace("-", "_"): v for k, v in ex.items()}


class L(yaml.SafeLoader):
    pass


L.add_constructor("!Template", lambda l, n: l.construct_mapping(n, deep=True))
L.add_constructor("!TemplateMetadata", lambda l, n: l.construct_mapping(n, deep=True))


# ---- HF layouts (the fields the templates read), from the original files ----
def jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(x) for x in f if x.strip()]


def tsv(path, header=True):
    with open(path, encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return (rows[0], rows[1:]) if header else (None, rows)


def glue(sub):
    d = f"{DATA}/glue"
    if sub == "cola":
        _, r = tsv(f"{d}/CoLA/dev.tsv", header=False)
        return [{"sentence": x[3], "label": int(x[1]), "idx": i} for i, x in enumerate(r)]
    if sub == "sst2":
        _, r = tsv(f"{d}/SST-2/dev.tsv")
        return [{"sentence": x[0], "label": int(x[1]), "idx": i} for i, x in enumerate(r)]
    if sub == "mrpc":
        _, r = tsv(f"{d}/MRPC/dev.tsv")
        return [{"sentence1": x[3], "sentence2": x[4], "label": int(x[0]), "idx": i} for i, x in enumerate(r)]
    if sub == "stsb":
        _, r = tsv(f"{d}/STS-B/dev.tsv")
        return [{"sentence1": x[7], "sentence2": x[8], "label": float(x[9]), "idx": i} for i, x in enumerate(r)]
    if sub == "qnli":
        _, r = tsv(f"{d}/QNLI/dev.tsv")
        return [{"question": x[1], "sentence": x[2], "label": ["entailment", "not_entailment"].index(x[3]), "idx": i}
                for i, x in enumerate(r)]
    if sub == "rte":
        _, r = tsv(f"{d}/RTE/dev.tsv")
        return [{"sentence1": x[1], "sentence2": x[2], "label": ["entailment", "not_entailment"].index(x[3]), "idx": i}
                for i, x in enumerate(r)]


def fix_wsc(ex):  # HF super_glue wsc.fixed (_fix_wst)
    for k in ("span1", "span2"):
        text, index = ex[k + "_text"], ex[k + "_index"]
        if text in ex["text"] or text in ("Kamenev and Zinoviev", "Kamenev, Zinoviev, and Stalin"):
            continue
        if "theyscold" in text:
            ex["span2_index"] = 10
        first = ex["text"].split()[index]
        text = (text[0].lower() if first[0].islower() else text[0].upper()) + text[1:]
        ex[k + "_text"] = text.rstrip(".").replace("\n", " ")
    return ex


def super_glue(sub):
    d = f"{DATA}/superglue"
    if sub == "rte":
        return [{"premise": x["premise"], "hypothesis": x["hypothesis"], "idx": x["idx"],
                 "label": ["entailment", "not_entailment"].index(x["label"])} for x in jsonl(f"{d}/RTE/val.jsonl")]
    if sub == "boolq":
        return [{"question": x["question"], "passage": x["passage"], "idx": x["idx"], "label": int(x["label"])}
                for x in jsonl(f"{d}/BoolQ/val.jsonl")]
    if sub == "wic":
        return [{k: x[k] for k in ("word", "sentence1", "sentence2", "start1", "start2", "end1", "end2", "idx")}
                | {"label": int(x["label"])} for x in jsonl(f"{d}/WiC/val.jsonl")]
    if sub == "wsc.fixed":
        return [fix_wsc({"text": x["text"], "span1_index": x["target"]["span1_index"],
                         "span2_index": x["target"]["span2_index"], "span1_text": x["target"]["span1_text"],
                         "span2_text": x["target"]["span2_text"], "idx": x["idx"], "label": int(x["label"])})
                for x in jsonl(f"{d}/WSC/val.jsonl")]


def ag_news():
    with open(f"{DATA}/ag_news/test.csv", encoding="utf-8") as f:
        return [{"text": t + " " + d, "label": int(c) - 1} for c, t, d in csv.reader(f)]


def cos_e():
    expl = {x["id"]: x["explanation"] for x in jsonl(f"{DATA}/cos_e/cose_dev_v1.0_processed.jsonl")}
    out = []
    for x in jsonl(f"{DATA}/cos_e/dev_rand_split.jsonl"):
        ch = [c["text"] for c in x["question"]["choices"]]
        out.append({"id": x["id"], "question": x["question"]["stem"], "choices": ch,
                    "answer": ch[ord(x["answerKey"]) - ord("A")],
                    "abstractive_explanation": expl[x["id"]]["open-ended"],
                    "extractive_explanation": expl[x["id"]]["selected"]})
    return out


def dream():
    with open(f"{DATA}/dream/dev.json", encoding="utf-8") as f:
        data = json.load(f)
    out = []
    for turns, qs, did in data:
        for q in qs:
            out.append({"id": len(out), "dialogue_id": did, "dialogue": turns, "question": q["question"],
                        "choice": q["choice"], "answer": q["answer"]})
    return out


def ropes():
    with open(f"{DATA}/ropes/dev-v1.0.json", encoding="utf-8") as f:
        data = json.load(f)
    return [{"id": qa["id"], "background": p["background"], "situation": p["situation"], "question": qa["question"],
             "answers": {"text": [a["text"] for a in qa["answers"]]}}
            for art in data["data"] for p in art["paragraphs"] for qa in p["qas"]]


def rotten_tomatoes():  # HF: 80/10/10 of each file, validation = [int(.8n+.5), int(.9n+.5))
    def lines(n):
        with open(f"{DATA}/rotten_tomatoes/rt-polarity.{n}", encoding="latin-1") as f:
            return [x.strip() for x in f]
    pos, neg = lines("pos"), lines("neg")
    i1, i2 = int(len(pos) * 0.8 + 0.5), int(len(pos) * 0.9 + 0.5)
    return [{"text": t, "label": 1} for t in pos[i1:i2]] + [{"text": t, "label": 0} for t in neg[i1:i2]]


TREC_COARSE = ["ABBR", "ENTY", "DESC", "HUM", "LOC", "NUM"]


def trec():
    fine = []  # HF fine label order: order of first appearance is not it; use the HF list below
    out = []
    with open(f"{DATA}/trec/TREC_10.label", encoding="latin-1") as f:
        for x in f:
            lab, text = x.rstrip("\n").split(" ", 1)
            c, fl = lab.split(":")
            out.append({"text": text.strip(), "coarse_label": TREC_COARSE.index(c), "fine_label": TREC_FINE.index(lab)})
    return out


TREC_FINE = ["ABBR:abb", "ABBR:exp", "ENTY:animal", "ENTY:body", "ENTY:color", "ENTY:cremat", "ENTY:currency",
             "ENTY:dismed", "ENTY:event", "ENTY:food", "ENTY:instru", "ENTY:lang", "ENTY:letter", "ENTY:other",
             "ENTY:plant", "ENTY:product", "ENTY:religion", "ENTY:sport", "ENTY:substance", "ENTY:symbol",
             "ENTY:techmeth", "ENTY:termeq", "ENTY:veh", "ENTY:word", "DESC:def", "DESC:desc", "DESC:manner",
             "DESC:reason", "HUM:gr", "HUM:ind", "HUM:title", "HUM:desc", "LOC:city", "LOC:country", "LOC:mount",
             "LOC:other", "LOC:state", "NUM:code", "NUM:count", "NUM:date", "NUM:dist", "NUM:money", "NUM:ord",
             "NUM:other", "NUM:period", "NUM:perc", "NUM:speed", "NUM:temp", "NUM:volsize", "NUM:weight"]


def nq_open():
    return [{"question": x["question"], "answer": x["answer"]} for x in jsonl(f"{DATA}/nq-open/NQ-open.dev.jsonl")]


def fever():  # HF fever v1.0 paper_dev: one row per evidence sentence
    out = []
    for x in jsonl(f"{DATA}/fever/paper_dev.jsonl"):
        for ev_set in x["evidence"]:
            for a, e, url, s in ev_set:
                out.append({"id": x["id"], "label": x["label"], "claim": x["claim"], "evidence_annotation_id": a,
                            "evidence_id": e if e is not None else -1, "evidence_wiki_url": url or "",
                            "evidence_sentence_id": s if s is not None else -1})
    return out


DATASETS = {  # templates folder -> rows
    "ag_news": ag_news, "cos_e/v1.0": cos_e, "cos_e/v1.11": cos_e, "dream": dream, "ropes": ropes,
    "rotten_tomatoes": rotten_tomatoes, "trec": trec, "nq_open": nq_open, "fever/v1.0": fever,
    **{f"glue/{s}": (lambda s=s: glue(s)) for s in ("cola", "sst2", "mrpc", "stsb", "qnli", "rte")},
    **{f"super_glue/{s}": (lambda s=s: super_glue(s)) for s in ("rte", "boolq", "wic", "wsc.fixed")},
}


def pick(rows):
    """The first 3 rows, then the first row of each label value not yet seen (covers the label branches)."""
    out, seen = list(rows[:3]), set()
    key = next((k for k in ("label", "coarse_label", "answer") if k in rows[0]), None)
    for r in out:
        seen.add(json.dumps(r.get(key)))
    for r in rows[3:]:
        if len(out) >= 8:
            break
        v = json.dumps(r.get(key))
        if key and v not in seen and key != "answer":
            seen.add(v)
            out.append(r)
    return out


os.makedirs(f"{OUT}/rows", exist_ok=True)
golden = []
for folder, fn in DATASETS.items():
    rows = pick(fn())
    key = folder.replace("/", "__")
    with open(f"{OUT}/rows/{key}.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(f"{DATA}/promptsource/templates/{folder}/templates.yaml", encoding="utf-8") as f:
        ts = yaml.load(f, Loader=L)["templates"]
    for t in sorted(ts.values(), key=lambda t: t["name"]):
        for i, r in enumerate(rows):
            ex = remove_hyphen(r)
            g = {"templates": folder, "template": t["name"], "row": i}
            try:
                random.seed(i)
                parts = apply(t, ex)
                g.update(parts=parts, answer_choices=choices_list(t, ex))
            except Exception as e:  # the Java side must fail on the same rows
                g["error"] = type(e).__name__ + ": " + str(e)
            golden.append(g)
with open(f"{OUT}/golden.jsonl", "w", encoding="utf-8") as f:
    for g in golden:
        f.write(json.dumps(g, ensure_ascii=False) + "\n")
print(len(golden), "renders,", sum("error" in g for g in golden), "errors")

# ---- Jinja2 behaviour the Java environment re-creates, on synthetic values (engine.jsonl) ----
long_text = " ".join(f"word{i}" for i in range(600))
CASES = [
    ("{{ t | truncate(2048) }}", {"t": long_text}),
    ("{{ t | truncate(20) }}", {"t": "abcdefghij klmnopqrstuvwxyz"}),
    ("{{ t | truncate(20) }}", {"t": "abcdefghijklmnopqrstuvwxyz"}),
    ("{{ t | truncate(20) }}", {"t": "abcdefghijklmnopqrstuvw"}),
    ("{{ x | string | truncate(2048) }}", {"x": [1, "a", 2.5, True, None, {"k": "it's"}]}),
    ("{{ x }} {{ y }} {{ z }} {{ w }} {{ v }}", {"x": 5.0, "y": 1e-05, "z": 0.0001, "w": 1e16, "v": 123456.789}),
    ("{{ x | round }} {{ x | round(1) }} {{ y | round }} {{ z | round(2, 'floor') }}", {"x": 2.5, "y": 3.5, "z": 2.678}),
    ("{{ xs | join(', ') }}|{{ ', '.join(xs[:2]) }}|{{ xs | length }}|{{ xs[-1] }}|{{ xs[1:] }}", {"xs": ["a", "b", "c"]}),
    ("{{ t.split() }} {{ t.lower() }} {{ t.upper() }} {{ t.strip() }} {{ t.split('b') }}", {"t": "  aB  bc \n"}),
    ("{{ xs.index('b') }} {{ xs | most_frequent }} {{ ys | most_frequent }}", {"xs": ["a", "b", "b", "a", "c"], "ys": []}),
    ("{{ xs | choice }} {{ xs | choice }} {{ xs | choice }}", {"xs": ["p", "q", "r", "s", "t"]}),
    ("{% for a, b in zip(xs, ys) %}{{ a }}={{ b }};{% endfor %}", {"xs": ["a", "b"], "ys": [1, 2, 3]}),
    ("{{ t | highlight }} {{ t | replace('a', 'o') }} {{ (n // 2) }} {{ (n % 3) }} {{ (n / 2) }}", {"t": "banana", "n": 7}),
    ("{% if x %}yes{% else %}no{% endif %} {{ 'A' ~ n }} {{ xs | first }} {{ xs | last }} {{ t | title }}",
     {"x": [], "n": 3, "xs": ["u", "v"], "t": "hello wORLD"}),
    ("{{ d.items() | list }} {{ d['k'] }} {{ d.k }}", {"d": {"k": "v", "m": 1}}),
]
with open(f"{OUT}/engine.jsonl", "w", encoding="utf-8") as f:
    for src, v in CASES:
        random.seed(0)
        try:
            out = {"out": env.from_string(src).render(**v)}
        except Exception as e:
            out = {"error": type(e).__name__ + ": " + str(e)}
        f.write(json.dumps({"jinja": src, "vars": v} | out, ensure_ascii=False) + "\n")
