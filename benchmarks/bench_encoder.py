"""Fit time of TabularEncoder against the ``ctgan`` package's DataTransformer.

Not a test (pytest does not collect it). Run it by hand, with ``ctgan``
importable (it is not a dependency of sksynth)::

    OMP_NUM_THREADS=1 PYTHONPATH=<dir with ctgan> python tests/encoding/bench_vs_ctgan.py
"""

import sys
import time


def _best_time(fit, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fit()
        best = min(best, time.perf_counter() - start)
    return best


def _tables():
    import numpy as np
    from sklearn.datasets import load_breast_cancer

    from sksynth.datasets import load_credit

    credit = load_credit()
    rng = np.random.default_rng(0)
    big = credit.sample(50_000, replace=True, random_state=0).reset_index(drop=True)
    for col in ["Income", "Assets", "Debt"]:
        big[col] = big[col] + rng.normal(0, 1, len(big)).round()
    cancer = load_breast_cancer(as_frame=True).frame
    cancer["target"] = cancer["target"].astype(str).astype("category")
    return {"credit 4454x14": credit, "credit 50000x14": big, "breast_cancer 569x31": cancer}


def main(repeats=3):
    from ctgan.data_transformer import DataTransformer

    from sksynth.encoding import TabularEncoder

    out = sys.stdout
    for name, frame in _tables().items():
        discrete = [c for c in frame if str(frame[c].dtype) in ("category", "object", "str")]
        peer = _best_time(lambda: DataTransformer().fit(frame, discrete), repeats)
        ours = _best_time(lambda: TabularEncoder(random_state=0).fit(frame), repeats)
        quantile = _best_time(
            lambda: TabularEncoder(continuous="quantile", random_state=0).fit(frame), repeats
        )
        out.write(
            f"{name}: fit: ctgan DataTransformer {peer:.2f}s, TabularEncoder(mode) {ours:.2f}s "
            f"(x{peer / ours:.1f} faster), TabularEncoder(quantile) {quantile:.3f}s "
            f"(x{peer / quantile:.0f})\n"
        )
        fitted_peer = DataTransformer()
        fitted_peer.fit(frame, discrete)
        fitted_ours = TabularEncoder(random_state=0).fit(frame)
        peer = _best_time(lambda: fitted_peer.transform(frame), repeats)
        ours = _best_time(lambda: fitted_ours.transform(frame), repeats)
        out.write(
            f"{' ' * len(name)}  transform: ctgan {peer:.3f}s, TabularEncoder(mode) {ours:.3f}s "
            f"(x{peer / ours:.1f} faster)\n"
        )


if __name__ == "__main__":
    main()
