# Test fixture maker (not part of t5j): reference values of HyperFormer's GLUE metrics (metrics/metrics.py formulas,
# sklearn/scipy) on fixed inputs, for GlueMetricsTest. Run once with the anchor venv:
#   ~/anchor-venv/bin/python make_glue_metrics_fixture.py > glue_metrics.json
import json, numpy as np, scipy.stats, sklearn.metrics

rng = np.random.default_rng(7)
def to_int(s):
    try: return int(s)
    except ValueError: return -1
def to_float(s):
    try: return float(s)
    except ValueError: return -1.0
cases = []
# Binary classification with invalid predictions ("x", "2", ""), as decoded text.
t = [str(v) for v in rng.integers(0, 2, 40)]
p = [str(v) for v in rng.integers(0, 2, 40)]
p[3], p[10], p[17] = "x", "2", ""
ti, pi = np.array([to_int(s) for s in t]), np.array([to_int(s) for s in p])
pf = pi.copy(); bad = np.logical_and(pf != 0, pf != 1); pf[bad] = 1 - ti[bad]
cases.append({"targets": t, "predictions": p, "f1": 100 * sklearn.metrics.f1_score(ti, pf),
              "mcc": 100 * sklearn.metrics.matthews_corrcoef(ti, pi)})
# Three classes.
t3 = [str(v) for v in rng.integers(0, 3, 30)]
p3 = [str(v) for v in rng.integers(0, 3, 30)]
cases.append({"targets": t3, "predictions": p3,
              "mcc": 100 * sklearn.metrics.matthews_corrcoef([to_int(s) for s in t3], [to_int(s) for s in p3])})
# STS-B style regression with ties and one unparsable prediction.
ts = [str(round(v, 1)) for v in rng.uniform(0, 5, 35)]
ps = [str(round(v, 1)) for v in rng.uniform(0, 5, 35)]
ps[5], ts[8], ts[9] = "oops", "2.0", "2.0"
tf, pfl = [to_float(s) for s in ts], [to_float(s) for s in ps]
cases.append({"targets": ts, "predictions": ps, "pearson_corrcoef": 100 * scipy.stats.pearsonr(tf, pfl)[0],
              "spearman_corrcoef": 100 * scipy.stats.spearmanr(tf, pfl)[0]})
print(json.dumps(cases, indent=1))
