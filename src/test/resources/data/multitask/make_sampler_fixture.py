# Test fixture maker (not part of t5j): the draws of ruse/HyperFormer's multi-task batch sampler, written here from its
# description (reference B.4: generator seeded seed+epoch; randperm per task; rank shard; multinomial over
# (n_i/sum n)^(1/T); randint per batch), for MultitaskSamplerTest. Run once with the anchor venv:
#   ~/anchor-venv/bin/python make_sampler_fixture.py > sampler.json
import json, torch

def draws(sizes, batch, temperature, replicas, rank, seed, epoch):
    g = torch.Generator(); g.manual_seed(seed + epoch)
    shards = []
    for n in sizes:
        perm = torch.randperm(n, generator=g).tolist()
        shards.append(perm[rank:(n // replicas) * replicas:replicas])
    total = sum(sizes)
    w = torch.tensor([(n / total) ** (1.0 / temperature) for n in sizes], dtype=torch.double)
    w = w / w.sum()
    nb = (total + batch - 1) // batch // replicas
    out = []
    for t in torch.multinomial(w, nb, replacement=True, generator=g).tolist():
        pick = torch.randint(0, len(shards[t]), (batch,), generator=g).tolist()
        out.append({"task": t, "indices": [shards[t][i] for i in pick]})
    return {"weights": w.tolist(), "batches": out}

cases = []
for rank in (0, 1):
    for epoch in (0, 1):
        d = draws([100, 37, 5], 4, 10.0, 2, rank, 3, epoch)
        d.update({"rank": rank, "epoch": epoch})
        cases.append(d)
print(json.dumps({"sizes": [100, 37, 5], "batch": 4, "temperature": 10.0, "replicas": 2, "seed": 3, "cases": cases}))
