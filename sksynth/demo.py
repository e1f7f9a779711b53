"""The main job, end to end on the bundled credit table (``make demo``).

Run it with ``python -m sksynth.demo --out demo_output``. It

1. loads the bundled credit scoring table (:func:`sksynth.datasets.load_credit`);
2. assesses its quality and writes an HTML report with figures, then keeps one
   copy of each repeated row;
3. cleans it with :func:`sksynth.preprocessing.make_cleaner` and writes a dataset card;
4. fits a conditional VAE (the best of our generators on this table in
   ``docs/benchmarks.md``) on a training split and samples a synthetic table;
5. evaluates the synthetic table against real data (fidelity, detection, utility,
   privacy) and writes an HTML report;
6. runs a cross-validated augmentation experiment (no resampling, SMOTENC, the
   conditional VAE and GAN) inside imbalanced-learn pipelines;

and prints a short summary and where every output went.

The whole run keeps PyTorch and the OpenMP/BLAS pools to sksynth's thread
setting (``sksynth.set_config(n_threads=...)``; ``--threads`` here), so that the
training and the scikit-learn models between its steps do not compete for cores.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from sksynth import config_context
from sksynth.utils import atomic_write, limit_threads, progress_bar

__all__ = ["main"]


def _log(message: str) -> None:
    print(message, flush=True)


def _timed(label: str):
    class _Timer:
        def __enter__(self):
            self.start = time.perf_counter()
            return self

        def __exit__(self, *exc):
            if exc[0] is None:
                _log(f"  {label}: {time.perf_counter() - self.start:.1f} s")

    return _Timer()


def _quality_stage(X, y, out: Path):
    from sksynth.quality import assess

    with _timed("quality assessment"):
        report = assess(X, y, random_state=0)
        path = out / "quality_report.html"
        report.to_html(path)
    _log(report.summary())
    return path


def _cleaning_stage(X, y, out: Path):
    from sksynth.datasets import make_card
    from sksynth.preprocessing import make_cleaner

    with _timed("cleaning"):
        cleaner = make_cleaner(X)
        X_clean = cleaner.fit_transform(X)
        card = make_card(
            pd.concat([X_clean, y], axis=1),
            name="credit_data (cleaned)",
            source="sksynth.datasets.load_credit",
            steps=cleaner,
            target=y.name,
        )
        card_path = out / "credit_clean_card.json"
        with atomic_write(card_path) as fh:
            fh.write(card.to_json())
    changes = cleaner.changes_.sum()
    _log(
        f"  filled {int(changes['imputed'])} missing values, changed no other value "
        f"({int(cleaner.outliers_.sum())} outlying values flagged, kept); card: {card_path}"
    )
    return X_clean, card_path


def _generation_stage(X_train, y_train, X_test, y_test, out: Path, epochs: int):
    from sksynth.generators import ConditionalVAESampler
    from sksynth.metrics import evaluate

    with _timed(f"conditional VAE fit ({epochs} epochs)"):
        generator = ConditionalVAESampler(epochs=epochs, random_state=0)
        generator.fit(X_train, y_train)
    with _timed("sampling"):
        X_syn, y_syn = generator.sample(len(X_train), random_state=0)
        synthetic = pd.concat([X_syn, y_syn], axis=1)
        with atomic_write(out / "credit_synthetic.csv") as fh:
            synthetic.to_csv(fh, index=False)
    with _timed("evaluation"):
        real_train = pd.concat([X_train, y_train], axis=1)
        holdout = pd.concat([X_test, y_test], axis=1)
        report = evaluate(real_train, synthetic, target=y_train.name, holdout=holdout,
                          random_state=0)
        path = out / "evaluation_report.html"
        report.to_html(path)
    return report.scores, path


def _augmentation_stage(X, y, epochs: int, gan_epochs: int):
    from imblearn.over_sampling import SMOTENC
    from imblearn.pipeline import make_pipeline
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_validate

    from sksynth.generators import ConditionalGANSampler, ConditionalVAESampler
    from sksynth.preprocessing import make_cleaner, make_encoder

    categorical = [c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)]
    candidates = {
        "no resampling": None,
        "SMOTENC": SMOTENC(categorical_features=categorical, random_state=0),
        "ConditionalVAESampler": ConditionalVAESampler(epochs=epochs, random_state=0),
        "ConditionalGANSampler": ConditionalGANSampler(epochs=gan_epochs, random_state=0),
    }
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    rows = []
    bar = progress_bar(len(candidates), "augmentation CV", unit="sampler")
    with _timed("augmentation cross-validation"):
        for name, sampler in candidates.items():
            bar.set_postfix_str(name)
            steps = [make_cleaner(X)]
            if sampler is not None:
                steps.append(sampler)
            steps += [make_encoder(X), HistGradientBoostingClassifier(random_state=0)]
            result = cross_validate(
                make_pipeline(*steps),
                X,
                y,
                cv=cv,
                scoring=["balanced_accuracy", "f1_macro", "roc_auc"],
            )
            rows.append(
                {
                    "sampler": name,
                    "balanced_accuracy": result["test_balanced_accuracy"].mean(),
                    "f1_macro": result["test_f1_macro"].mean(),
                    "roc_auc": result["test_roc_auc"].mean(),
                }
            )
            bar.update()
    bar.close()
    return pd.DataFrame(rows).set_index("sampler")


def main(argv=None) -> int:
    """Run the demo; return the process exit code.

    Parameters
    ----------
    argv : list of str, default=None
        Command-line arguments (``--out``, ``--epochs``); ``None`` reads
        ``sys.argv``.

    Returns
    -------
    code : int
        0 on success.
    """
    parser = argparse.ArgumentParser(prog="python -m sksynth.demo", description=__doc__)
    parser.add_argument("--out", default="demo_output", help="output folder")
    parser.add_argument("--epochs", type=int, default=200, help="conditional VAE epochs")
    parser.add_argument("--gan-epochs", type=int, default=60, help="conditional GAN epochs")
    parser.add_argument("--quick", action="store_true", help="tiny settings (for tests)")
    parser.add_argument(
        "--threads", type=int, default=None, help="threads to use (default: sksynth's choice)"
    )
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    epochs = 2 if args.quick else args.epochs
    gan_epochs = 2 if args.quick else args.gan_epochs

    with config_context(n_threads=args.threads):
        return _run(args, out, epochs, gan_epochs)


@limit_threads
def _run(args, out: Path, epochs: int, gan_epochs: int) -> int:
    start = time.perf_counter()

    from sklearn.model_selection import train_test_split

    from sksynth.datasets import load_credit

    X, y = load_credit(return_X_y=True)
    _log(f"sksynth demo: credit table, {X.shape[0]} rows x {X.shape[1]} columns")
    if args.quick:
        X, _, y, _ = train_test_split(X, y, train_size=600, stratify=y, random_state=0)
    outputs = {"quality report": _quality_stage(X, y, out)}
    # the table repeats a few rows exactly: keep one of each, so that no row lands in both
    # the training and the held-out split (which the privacy scores would flag)
    repeated = pd.concat([X, y], axis=1).duplicated().to_numpy()
    if repeated.any():
        X, y = X[~repeated], y[~repeated]
        _log(f"  dropped {int(repeated.sum())} repeated row(s) before splitting")
    X_clean, outputs["dataset card"] = _cleaning_stage(X, y, out)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    scores, outputs["evaluation report"] = _generation_stage(
        X_train, y_train, X_test, y_test, out, epochs
    )
    outputs["synthetic table"] = out / "credit_synthetic.csv"
    augmentation = _augmentation_stage(X, y, epochs, gan_epochs)
    with atomic_write(out / "summary.json") as fh:
        json.dump(
            {
                "scores": {k: float(v) for k, v in scores.items()},
                "augmentation": json.loads(augmentation.to_json(orient="index")),
            },
            fh,
            indent=2,
        )
    outputs["summary"] = out / "summary.json"

    _log("\nSynthetic data scores (1.0 best; detection AUC 0.5 best):")
    _log(scores.round(3).to_string())
    _log("\nAugmentation, 3-fold cross-validated (HistGradientBoosting):")
    _log(augmentation.round(3).to_string())
    _log(f"\nDone in {time.perf_counter() - start:.0f} s. Outputs:")
    for label, path in outputs.items():
        _log(f"  {label:18s} {Path(path).resolve()}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
