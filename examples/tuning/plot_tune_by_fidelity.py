"""
================================================
Tuning a generator by fidelity with GridSearchCV
================================================

Which latent size, how many epochs? A generator has no labels to predict,
but it can still be cross-validated: fit it on the training folds, sample as
many rows as the held-out fold has, and score how closely the sample matches
the held-out rows. :func:`sksynth.metrics.make_fidelity_scorer` builds that
scorer (the mean of the column-shape and column-pair similarities of
:func:`~sksynth.metrics.fidelity_score`, 1 is a perfect match), so
:class:`~sklearn.model_selection.GridSearchCV` can select a generator like
any other estimator.

Scoring on *held-out* rows matters: a generator that memorised its training
rows would score perfectly on them, and no better than it deserves on rows it
never saw.
"""

# %%
# The table and the search
# ------------------------
# The whole credit table, label included: the generator models every column.
import os

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.model_selection import GridSearchCV, KFold

from sksynth.datasets import load_credit
from sksynth.generators import VAESampler
from sksynth.metrics import fidelity_score, make_fidelity_scorer

QUICK = os.environ.get("SKSYNTH_EXAMPLE_QUICK") == "1"  # small run: tests and the docs build

credit = load_credit()
if QUICK:
    credit = credit.sample(300, random_state=0)

search = GridSearchCV(
    VAESampler(hidden_dims=(32,) if QUICK else (128, 128), batch_size=256, random_state=0),
    param_grid={
        "latent_dim": [4, 16] if QUICK else [8, 64],
        "epochs": [1, 2] if QUICK else [10, 40],
    },
    scoring=make_fidelity_scorer(),
    cv=KFold(n_splits=2 if QUICK else 3, shuffle=True, random_state=0),
)
search.fit(credit)

results = pd.DataFrame(search.cv_results_)[
    ["param_latent_dim", "param_epochs", "mean_test_score", "std_test_score", "mean_fit_time"]
].sort_values("mean_test_score", ascending=False)
print(results.round(3).to_string(index=False))
print("best parameters:", search.best_params_)

# %%
# Fidelity against training length, per latent size. The error bars are one
# standard deviation across the folds.
fig, ax = plt.subplots(figsize=(6, 3.5))
for latent_dim, rows in results.groupby("param_latent_dim"):
    rows = rows.sort_values("param_epochs")
    ax.errorbar(
        rows["param_epochs"].astype(int), rows["mean_test_score"], yerr=rows["std_test_score"],
        marker="o", capsize=3, label=f"latent_dim={latent_dim}",
    )
ax.set_xlabel("epochs")
ax.set_ylabel("fidelity on held-out rows")
ax.legend()
ax.set_title("VAESampler on the credit table, 3-fold CV")
plt.tight_layout()
plt.show()

# %%
# The selected generator
# ----------------------
# ``GridSearchCV`` refits the best parameters on the whole table;
# ``best_estimator_`` samples a synthetic copy. Its fidelity to the table it
# was fitted on is close to the cross-validated score: this generator does
# not imitate its training rows much better than rows it never saw.
best = search.best_estimator_
synthetic = best.sample(len(credit), random_state=0)
print(f"fidelity of a fresh sample to the whole table: {fidelity_score(credit, synthetic):.3f}")
print(synthetic.head().to_string())
