"""Encoder: fit and transform time of TabularEncoder against ctgan's DataTransformer.

Both encoders do mode-specific normalisation (a Bayesian Gaussian mixture of
at most 10 modes per numeric column) and one-hot categories; each is timed as
the best of ``repeats`` fits on the same table.
"""

import time


def _best_time(fit, repeats_here):
    best = float("inf")
    for _ in range(repeats_here):
        start = time.perf_counter()
        fit()
        best = min(best, time.perf_counter() - start)
    return best


def _tables(quick=False):
    import numpy as np
    from sklearn.datasets import load_breast_cancer

    from sksynth.datasets import load_credit

    credit = load_credit()
    tables = {"credit 4454x14": credit}
    cancer = load_breast_cancer(as_frame=True).frame
    cancer["target"] = cancer["target"].astype(str).astype("category")
    tables["breast_cancer 569x31"] = cancer
    if not quick:
        rng = np.random.default_rng(0)
        big = credit.sample(50_000, replace=True, random_state=0).reset_index(drop=True)
        for col in ["Income", "Assets", "Debt"]:
            big[col] = big[col] + rng.normal(0, 1, len(big)).round()
        tables["credit 50000x14"] = big
    return tables


def time_encoders(repeats=3, quick=False, log=print):
    """Time both encoders' fit and transform on each table; one dict per table."""
    from ctgan.data_transformer import DataTransformer

    from sksynth.encoding import TabularEncoder

    from ._env import quiet

    rows = []
    for name, frame in _tables(quick).items():
        discrete = [c for c in frame if str(frame[c].dtype) in ("category", "object", "str")]
        repeats_here = repeats if len(frame) < 20_000 else 1  # ctgan takes minutes there
        with quiet():
            peer = _best_time(lambda: DataTransformer().fit(frame, discrete), repeats_here)
            ours = _best_time(lambda: TabularEncoder(random_state=0).fit(frame), repeats_here)
            quantile = _best_time(
                lambda: TabularEncoder(continuous="quantile", random_state=0).fit(frame), repeats
            )
            fitted_peer = DataTransformer()
            fitted_peer.fit(frame, discrete)
            fitted_ours = TabularEncoder(random_state=0).fit(frame)
            peer_t = _best_time(lambda: fitted_peer.transform(frame), repeats_here)
            ours_t = _best_time(lambda: fitted_ours.transform(frame), repeats)
        row = {
            "table": name,
            "rows": int(frame.shape[0]),
            "columns": int(frame.shape[1]),
            "ctgan_fit_seconds": peer,
            "sksynth_fit_seconds": ours,
            "sksynth_quantile_fit_seconds": quantile,
            "fit_speedup": peer / ours,
            "ctgan_transform_seconds": peer_t,
            "sksynth_transform_seconds": ours_t,
            "transform_speedup": peer_t / ours_t,
        }
        log(
            f"  encoder {name:22s} fit: ctgan {peer:.2f}s, sksynth {ours:.2f}s "
            f"(x{row['fit_speedup']:.1f}); transform: ctgan {peer_t:.3f}s, sksynth "
            f"{ours_t:.3f}s (x{row['transform_speedup']:.1f})"
        )
        rows.append(row)
    return rows


SUMMARY_KEYS = {"rows": ("table",)}


def add_arguments(parser):
    parser.add_argument("--repeats", type=int, default=None,
                        help="fits per encoder and table, the best one counts (default 3)")


def run(args):
    """Both encoders on each table (quick: the two small tables, one repeat)."""
    repeats = getattr(args, "repeats", None) or (1 if args.quick else 3)
    return {"rows": time_encoders(repeats=repeats, quick=args.quick, log=args.log)}
