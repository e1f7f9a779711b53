"""Regenerate ``docs/_static/readme_marginals.png`` and print its caption's figures.

Run from the repository root: ``python docs/_static/make_readme_figure.py``.
The same split and settings as ``make demo``'s generation stage, at 200 epochs.
"""

import time

import matplotlib

matplotlib.use("Agg")
import pandas as pd
import torch
from sklearn.model_selection import train_test_split

from sksynth.datasets import load_credit
from sksynth.generators import ConditionalVAESampler
from sksynth.metrics import evaluate

torch.set_num_threads(1)
X, y = load_credit(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
start = time.perf_counter()
generator = ConditionalVAESampler(epochs=200, random_state=0).fit(X_train, y_train)
seconds = time.perf_counter() - start
X_syn, y_syn = generator.sample(len(X_train), random_state=0)
report = evaluate(
    pd.concat([X_train, y_train], axis=1),
    pd.concat([X_syn, y_syn], axis=1),
    target=y.name,
    holdout=pd.concat([X_test, y_test], axis=1),
)
columns = ["Age", "Income", "Seniority", "Home", "Job", "Status"]
fig = report.plot_marginals(columns, n_cols=3)
fig.savefig("docs/_static/readme_marginals.png", dpi=100)
print(f"fit {seconds:.1f} s (one thread)")
print(report.scores.round(3).to_string())
