"""
===========================================
Find the rules of a table and keep them
===========================================

Real rows obey exact rules that a generator does not learn by itself:
``Amount <= Price`` on every loan of the credit table, loan terms on a few
standard values, exact zeros of debt. A classifier spots rows that break them.
This example

1. finds the rules of the bundled credit table with
   :func:`sksynth.rules.find_rules`;
2. trains the same VAE with ``rules=None`` and with the default
   ``rules="auto"``;
3. measures the share of synthetic rows that obey each rule (and, for point
   masses, the share of rows exactly on them).
"""

# %%
# Finding the rules
# -----------------
# :func:`~sksynth.rules.find_rules` returns a :class:`~sksynth.rules.RuleSet`;
# ``to_frame`` shows each rule with its support and exceptions.
import os

import matplotlib.pyplot as plt
import pandas as pd

from sksynth.datasets import load_credit
from sksynth.generators import VAESampler
from sksynth.rules import Inequality, find_rules

QUICK = os.environ.get("SKSYNTH_EXAMPLE_QUICK") == "1"  # tiny settings for the test suite

credit = load_credit().drop(columns="Status")
if QUICK:
    credit = credit.sample(400, random_state=0).reset_index(drop=True)

rules = find_rules(credit)
print(rules.to_frame()[["formula", "kind", "support", "n_exceptions"]].to_string())

# %%
# With a few exceptions allowed, discovery also reports near-rules and the
# rows that break them.
near = find_rules(credit, min_support=0.99, kinds=["order"])
print(near.to_frame()[["formula", "support", "exceptions"]].to_string())

# %%
# Training with and without the rules
# -----------------------------------
# The same model, the same seed: ``rules=None`` learns the raw columns; the
# default keeps the rules it finds (``sampler.rules_``). A declared rule can
# be added by hand, e.g. ``rules=[Inequality("Amount", "Price")]``.
settings = {"epochs": 2 if QUICK else 60, "random_state": 0}
if QUICK:
    settings.update(batch_size=100, hidden_dims=(16,), latent_dim=4)

plain = VAESampler(rules=None, **settings).fit(credit)
kept = VAESampler(**settings).fit(credit)
print(kept.rules_.rules_)

declared = VAESampler(rules=[Inequality("Amount", "Price")], **settings).fit(credit)
print("declared rule kept:", declared.rules_.rules_[0].formula)

# %%
# Share of synthetic rows obeying each rule
# -----------------------------------------
# Every kept rule holds on every row generated with ``rules="auto"``. Point
# masses describe a distribution rather than a row test: for them we compare
# the share of rows that sit exactly on the masses.
n = len(credit)
synthetic = {
    "real": credit,
    "rules=None": plain.sample(n, random_state=1),
    "rules='auto'": kept.sample(n, random_state=1),
}


def obeyed_share(rule, rows):
    if rule.kind == "point masses":
        return rows[rule.column].isin(rule.values).mean()
    return rule.holds(rows).mean()


obeyed = pd.DataFrame(
    {name: [obeyed_share(rule, rows) for rule in rules] for name, rows in synthetic.items()},
    index=[rule.formula for rule in rules],
)
print(obeyed.round(3).to_string())

ax = obeyed.plot.barh(figsize=(7, 0.35 * len(obeyed) + 1.5))
ax.set_xlabel("share of rows that obey the rule (point masses: on the masses)")
ax.set_xlim(0, 1.02)
plt.tight_layout()
plt.show()
