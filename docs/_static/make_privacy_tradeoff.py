"""Regenerate ``docs/_static/privacy_tradeoff.png``: fidelity and TSTR/TRTR against epsilon.

Run from the repository root: ``python docs/_static/make_privacy_tradeoff.py
[--epochs N]``. The credit data, a stratified 70/30 split, epsilon 0.3, 1, 3
and 10, numeric bounds declared public as a data owner gives them without
looking at the rows (zero, and the power of ten above the largest value) for
both samplers:
:class:`~sksynth.generators.MarginalPrivateSampler` and
:class:`~sksynth.generators.ConditionalVAESampler` with ``dp=True`` (DP-SGD,
``--epochs`` epochs, default 30). Prints the figures it plots.
"""

import argparse
import warnings

import matplotlib

matplotlib.use("Agg")
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import train_test_split

from sksynth.datasets import load_credit
from sksynth.exceptions import DataQualityWarning
from sksynth.generators import ConditionalVAESampler, MarginalPrivateSampler
from sksynth.metrics import fidelity_score, tstr_score

EPSILONS = [0.3, 1.0, 3.0, 10.0]
parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=30)
args = parser.parse_args()
warnings.simplefilter("ignore", DataQualityWarning)
torch.set_num_threads(1)

X, y = load_credit(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
train = pd.concat([X_train, y_train], axis=1)
test = pd.concat([X_test, y_test], axis=1)
target = y.name
numeric = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
# every numeric column of the credit data is non-negative
bounds = {c: (0.0, float(10 ** np.ceil(np.log10(X_train[c].max())))) for c in numeric}


def marginal(epsilon):
    return MarginalPrivateSampler(epsilon=epsilon, bounds=bounds, random_state=0)


def dp_sgd(epsilon):
    return ConditionalVAESampler(dp=True, target_epsilon=epsilon, epochs=args.epochs,
                                 dp_metadata={"bounds": bounds}, random_state=0)


rows = []
for name, make in [("marginals", marginal), ("DP-SGD (conditional VAE)", dp_sgd)]:
    for epsilon in EPSILONS:
        sampler = make(epsilon).fit(X_train, y_train)
        X_syn, y_syn = sampler.sample(len(X_train), random_state=0)
        synthetic = pd.concat([X_syn, y_syn.rename(target)], axis=1)
        fidelity = float(np.mean(fidelity_score(test, synthetic)))
        ratio = tstr_score(train, synthetic, test, target, random_state=0)
        rows.append({"sampler": name, "epsilon": epsilon, "fidelity": fidelity,
                     "tstr_trtr": float(ratio.loc["roc_auc", "ratio"])})
        print(rows[-1])

results = pd.DataFrame(rows)
fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), sharex=True)
for ax, metric, label in zip(axes, ["fidelity", "tstr_trtr"], ["fidelity", "TSTR / TRTR (ROC AUC)"],
                             strict=True):
    for name, group in results.groupby("sampler"):
        ax.plot(group["epsilon"], group[metric], marker="o", label=name)
    ax.set_xscale("log")
    ax.set_xticks(EPSILONS, [str(e) for e in EPSILONS])
    ax.set_xlabel("epsilon")
    ax.set_ylabel(label)
    ax.set_ylim(0, 1.05)
    ax.grid(alpha=0.3)
axes[0].legend(loc="lower right")
fig.tight_layout()
fig.savefig(Path(__file__).with_name("privacy_tradeoff.png"), dpi=110)
