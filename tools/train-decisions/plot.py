#!/usr/bin/env python3
"""Precision-recall of the decision stage beside plain cosine, QQP test split (from scored.jsonl)."""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.metrics import average_precision_score, precision_recall_curve  # noqa: E402

scored, out = sys.argv[1], sys.argv[2]
rows = [json.loads(line) for line in open(scored)]
test = [r for r in rows if r["split"] == "test" and r["src"] == "qqp"]
y = [r["y"] for r in test]
fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=120)
for label, key in (("cosine (bge-small-en-v1.5-q)", "cos"), ("decision stage (shipped weights)", "p")):
    s = [r[key] for r in test]
    precision, recall, _ = precision_recall_curve(y, s)
    ax.plot(recall, precision, label=f"{label}, AP {average_precision_score(y, s):.3f}")
ax.axhline(0.9, color="grey", lw=0.6, ls="--")
ax.set_xlabel("recall (share of duplicate pairs served)")
ax.set_ylabel("precision (as labelled)")
ax.set_title(f"QQP question-disjoint test split ({len(test)} pairs)")
ax.set_ylim(0.35, 1.0)
ax.legend(loc="lower left")
fig.tight_layout()
fig.savefig(out)
print(f"wrote {out}")
