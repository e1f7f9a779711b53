"""
================================================
Assess, clean and re-assess a messy credit table
================================================

Real tables arrive messy: rows exported twice, numbers stored as text with
placeholders such as ``"?"``, flags written ``"yes"``/``"No"``, impossible
values typed by hand. This example takes the bundled credit scoring table
(:func:`sksynth.datasets.load_credit`), adds that kind of mess, and then

1. assesses it with :func:`sksynth.quality.assess`;
2. cleans it with :class:`sksynth.preprocessing.DuplicateRemover` and
   :func:`sksynth.preprocessing.make_cleaner`;
3. assesses the clean table again and compares the two reports.
"""

# %%
# The data, made messy
# --------------------
# The credit table already has missing values (``Income``, ``Assets``,
# ``Debt``) and a 2.5:1 class imbalance. We add what an export from a
# spreadsheet typically adds.
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sksynth.datasets import load_credit

QUICK = os.environ.get("SKSYNTH_EXAMPLE_QUICK") == "1"  # small run: tests and the docs build

credit = load_credit()
if QUICK:
    credit = credit.sample(400, random_state=0).reset_index(drop=True)
rng = np.random.default_rng(0)
n = len(credit)

messy = credit.copy()
# Numbers stored as text, with placeholders for "unknown".
price = messy["Price"].astype(str).astype(object)
price[rng.choice(n, size=n // 50, replace=False)] = "?"
price[rng.choice(n, size=n // 100, replace=False)] = "n/a"
messy["Price"] = price
# A flag written by hand: "yes", "Yes", " no ", ...
records = messy["Records"].astype(str).to_numpy(dtype=object)
shout = rng.random(n) < 0.2
records[shout] = np.char.capitalize(records[shout].astype(str))
messy["Records"] = records
# A few ages typed with an extra digit.
typos = rng.choice(n, size=max(n // 400, 2), replace=False)
messy.loc[typos, "Age"] = messy.loc[typos, "Age"] * 10
# Rows exported twice.
copies = messy.sample(frac=0.04, random_state=0)
messy = pd.concat([messy, copies], ignore_index=True)

print(f"{len(messy)} rows; dtypes of the columns we touched:")
print(messy[["Price", "Records", "Age"]].dtypes.to_string())
print(messy[["Price", "Records", "Age"]].head(8).to_string())

# %%
# Assess the messy table
# ----------------------
# :func:`~sksynth.quality.assess` changes nothing; it describes the table and
# lists warnings, most severe first. With a target it also checks the class
# balance and looks for likely mislabelled rows (cross-validated predictions
# that contradict the label).
from sksynth.quality import assess

cv = 3 if QUICK else 5
before = assess(messy, "Status", cv=cv, random_state=0)
print(before.summary(max_warnings=12))

# %%
# The report also draws its findings: missing values per column, the class
# balance, the outlying values and the label confidence.
figures = before.plot()
figures["overview"].suptitle("Messy table")
plt.show()

# %%
# Clean it
# --------
# Dropping rows and transforming columns are different kinds of steps in
# sksynth: :class:`~sksynth.preprocessing.DuplicateRemover` is an
# imbalanced-learn *sampler* (it drops rows while fitting, never at predict
# time), while the cleaner built by :func:`~sksynth.preprocessing.make_cleaner`
# is a row-preserving *transformer*: it parses numbers stored as text, reads
# yes/no flags as booleans, fills missing values (median or most frequent)
# and clips outlying values to Tukey's fences. Both keep the target apart.
from sksynth.preprocessing import DuplicateRemover, make_cleaner

X_messy, y_messy = messy.drop(columns="Status"), messy["Status"]
remover = DuplicateRemover()
X_dedup, y_dedup = remover.fit_resample(X_messy, y_messy)
print(f"dropped {remover.n_duplicates_} exact duplicate rows")

cleaner = make_cleaner(X_dedup)
X_clean = cleaner.fit_transform(X_dedup)
print("steps:", [name for name, _ in cleaner.steps_])
print(pd.DataFrame({"before": X_dedup.dtypes, "after": X_clean.dtypes}).loc[
    ["Price", "Records", "Age", "Income"]
].to_string())
print(f"missing cells: {int(X_dedup.isna().sum().sum())} before, "
      f"{int(X_clean.isna().sum().sum())} after")
print(f"largest age: {X_dedup['Age'].max()} before, {X_clean['Age'].max()} after clipping")

# %%
# Assess again
# ------------
# The same assessment on the clean table. Duplicates, missing values and the
# typos are gone; what remains is what cleaning cannot fix: the skewed amounts,
# the class imbalance and the rows whose label disagrees with the other
# columns (a reason to look at them, not to delete them blindly).
clean = pd.concat([X_clean, y_dedup], axis=1)  # both keep the kept rows' index
after = assess(clean, "Status", cv=cv, random_state=0)
comparison = pd.concat(
    [before.overview().rename("messy"), after.overview().rename("clean")], axis=1
)
print(comparison.to_string())

# %%
# Missing values per column, before and after.
missing = pd.DataFrame(
    {"messy": before.missing_rate, "clean": after.missing_rate}
).loc[lambda d: d.max(axis=1) > 0]
ax = missing.plot.barh(figsize=(6, 3))
ax.set_xlabel("share of missing values")
ax.set_title("Missing values before and after cleaning")
plt.tight_layout()
plt.show()
