# Test fixture maker (not part of t5j): HyperFormer's split permutations (torch.randperm with a generator seeded 42)
# and text-to-text examples for GlueTasksTest, from the files next to this script. Run once with the anchor venv:
#   ~/anchor-venv/bin/python make_glue_splits_fixture.py > glue_splits.json
import csv, json, numpy as np, torch

def perm(n):
    g = torch.Generator(); g.manual_seed(42)
    return torch.randperm(n, generator=g).tolist()

def rows(path, header):
    with open(path, encoding="utf-8-sig") as f:
        r = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return r[1:] if header else r

out = {"perm_1200_first_10": perm(1200)[:10]}
rte = rows("RTE/dev.tsv", True)
p = perm(len(rte))
lab = {"entailment": "0", "not_entailment": "1"}
fmt = lambda r: {"inputs": " ".join(["rte", "sentence1:", r[1], "sentence2:", r[2]]), "targets": lab[r[3]]}
out["rte_validation_first_3"] = [fmt(rte[i]) for i in p[:len(rte) // 2][:3]]
out["rte_test_first_3"] = [fmt(rte[i]) for i in p[len(rte) // 2:][:3]]
out["rte_sizes"] = [len(p[:len(rte) // 2]), len(p[len(rte) // 2:])]
cola = rows("CoLA/dev.tsv", False)
p = perm(len(cola))
out["cola_test_first_3"] = [{"inputs": "cola sentence: " + cola[i][3], "targets": cola[i][1]} for i in p[len(
        cola) // 2:][:3]]
out["stsb_targets"] = {s: str(np.round((float(s) * 5) / 5, decimals=1)) for s in ["4.750", "3.250", "0.000", "2.600",
        "1.333", "5.000"]}
print(json.dumps(out, indent=1))
