"""
=================================================
Replacing a sensitive table with a synthetic copy
=================================================

A credit table describes real people. Sharing a synthetic copy instead is
only worth it if the copy is *useful* (a model trained on it works on real
people) and *private* (it does not give the real rows away). This example
releases four tables in place of the real training rows and measures both
sides with the same yardsticks:

- the real rows themselves (no privacy at all: the reference);
- the real rows with noise added (a common, weak anonymisation);
- a synthetic table from a :class:`~sksynth.generators.ConditionalGANSampler`;
- a synthetic table from a :class:`~sksynth.generators.ConditionalVAESampler`.

Utility is *train on synthetic, test on real* (:func:`sksynth.metrics.tstr_score`).
Privacy uses real rows the generator never saw (a holdout):
:func:`~sksynth.metrics.dcr_share` (share of released rows closer to a
training row than to a holdout row; 0.5 means no closer to the training rows
than to anyone else), :func:`~sksynth.metrics.membership_inference_auc` (can
an attacker tell who was in the training set? 0.5: no better than chance) and
:func:`~sksynth.metrics.exact_copy_rate`.

These are empirical checks, not guarantees: a good score says this attack
failed on this data, not that no attack can succeed (that is what
differential privacy would promise).
"""

# %%
# The sensitive table, split
# --------------------------
# The generators only ever see ``train``; ``holdout`` stands for the people
# who were not in the data.
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from sksynth.datasets import load_credit
from sksynth.generators import ConditionalGANSampler, ConditionalVAESampler

QUICK = os.environ.get("SKSYNTH_EXAMPLE_QUICK") == "1"  # small run: tests and the docs build

# Two rows of the table are exact copies of each other: drop the copies, so
# that no person is both in the training rows and in the holdout.
credit = load_credit().drop_duplicates()
if QUICK:
    credit = credit.sample(400, random_state=0)
train, holdout = train_test_split(
    credit, test_size=0.3, stratify=credit["Status"], random_state=0
)
X_train, y_train = train.drop(columns="Status"), train["Status"]
print(f"train: {len(train)} rows, holdout: {len(holdout)} rows")

# %%
# The released tables
# -------------------
# The generators are fitted on the features with the label as condition, and
# sample as many rows as the training table has, the label drawn in its
# training proportions.
epochs = 2 if QUICK else 100
small = dict(hidden_dims=(32,), latent_dim=8) if QUICK else {}


def synthesise(generator):
    generator.fit(X_train, y_train)
    X_new, y_new = generator.sample(len(train), random_state=0)
    return pd.concat([X_new, y_new], axis=1)[list(train.columns)]


def noisy_copy(table, scale=0.1, seed=0):
    """The real rows with Gaussian noise of ``scale`` standard deviations on numbers."""
    rng = np.random.default_rng(seed)
    noisy = table.copy()
    for column in noisy.select_dtypes("number"):
        values = noisy[column]
        noise = rng.normal(0, scale * values.std(), size=len(values))
        noisy[column] = (values + noise).round().astype(values.dtype)
    return noisy


released = {
    "real copy": train,
    "noisy copy": noisy_copy(train),
    "conditional GAN": synthesise(
        ConditionalGANSampler(epochs=epochs, random_state=0, **small)
    ),
    "conditional VAE": synthesise(
        ConditionalVAESampler(epochs=epochs, random_state=0, **small)
    ),
}
print(released["conditional GAN"].head().to_string())

# %%
# Utility and privacy, side by side
# ---------------------------------
from sksynth.metrics import dcr_share, exact_copy_rate, membership_inference_auc, tstr_score

rows = {}
for name, table in released.items():
    utility = tstr_score(train, table, holdout, "Status", metric="roc_auc", random_state=0)
    rows[name] = {
        "ROC AUC on real": utility.loc["roc_auc", "synthetic"],
        "TSTR ratio": utility.loc["roc_auc", "ratio"],
        "DCR share": dcr_share(train, table, holdout, random_state=0),
        "MIA AUC": membership_inference_auc(train, table, holdout, random_state=0),
        "exact copies": exact_copy_rate(train, table),
    }
scores = pd.DataFrame(rows).T
print(scores.round(3).to_string())
print("ideal: TSTR ratio 1, DCR share 0.5, MIA AUC 0.5, exact copies 0")

# %%
# The real copy is perfectly useful and not private at all: every row is a
# copy and the membership attack always wins. (Its DCR share is not 1 only
# because the training rows are subsampled to the holdout's size before the
# distances are compared, so a copied row's source is often left out.) Noise
# hardly helps: each noisy row is still closest to the real row it came from,
# so the attack still finds who was in the training set. The synthetic rows
# are no closer to the training rows than to people the generator never saw
# (DCR share and attack AUC near 0.5), and they keep part (GAN, with this
# short training) or nearly all (VAE) of the table's value for training a
# classifier.
fig, axes = plt.subplots(1, 3, figsize=(12, 3.2), sharey=True)
for ax, (metric, ideal) in zip(
    axes, [("TSTR ratio", 1.0), ("DCR share", 0.5), ("MIA AUC", 0.5)]
):
    ax.barh(scores.index, scores[metric], color=["C3", "C1", "C0", "C2"])
    ax.axvline(ideal, color="k", linestyle="--", linewidth=1)
    ax.set_title(f"{metric} (ideal {ideal:g})")
    ax.set_xlim(0, 1.05)
axes[0].invert_yaxis()
plt.tight_layout()
plt.show()

# %%
# Distances to the closest record
# -------------------------------
# :func:`sksynth.metrics.evaluate` gathers these metrics (and fidelity) in one
# report; its privacy figure shows, for every synthetic row, the distance to
# the closest training row and to the closest holdout row. Two overlapping
# distributions are what we want.
from sksynth.metrics import evaluate

report = evaluate(
    train, released["conditional GAN"], target="Status", holdout=holdout,
    detection=False, random_state=0,
)
print(report.scores.round(3).to_string())
report.plot_privacy()
plt.show()
