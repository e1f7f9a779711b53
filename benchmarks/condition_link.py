"""Condition link: how often the conditional GAN's images show the digit asked for.

``python -m benchmarks.run --part condition-link --pac 1,10 [--row-dim 96]``

Fits :class:`~sksynth.generators.ConditionalGANSampler` on 70 % of
scikit-learn's digits (stratified split, seed 0), asks for 100 images of each
digit, and reports the share that a logistic regression trained on the real
training images recognises as the requested digit (chance: 10 %). A plainly
packed critic reads each position of a pack with its own weights and learns the
link between a row and its condition less well; ``--row-dim`` gives the critic
a layer shared by every row of a pack (``critic_row_dim``; without it the part
runs plain packs).
"""

from __future__ import annotations

import time


def recognised_share(pac, *, epochs=100, batch_size=100, seed=0, row_dim=None):
    """Share of generated digits recognised as the requested one, and the fit's seconds."""
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    from sksynth.generators import ConditionalGANSampler

    X, y = load_digits(return_X_y=True, as_frame=True)
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    classifier = LogisticRegression(max_iter=3000).fit(X_train, y_train)
    start = time.perf_counter()
    sampler = ConditionalGANSampler(epochs=epochs, batch_size=batch_size, pac=pac,
                                    critic_row_dim=row_dim,
                                    random_state=seed).fit(X_train, y_train)
    seconds = time.perf_counter() - start
    asked = np.repeat(np.arange(10), 100)
    X_new, _ = sampler.sample(len(asked), y=asked, random_state=0)
    return float((classifier.predict(X_new) == asked).mean()), seconds


SUMMARY_KEYS = {"rows": ("pac", "row_dim", "epochs", "batch_size")}


def add_arguments(parser):
    parser.add_argument("--pac", default=None, type=lambda s: [int(v) for v in s.split(",")],
                        help="comma-separated pack sizes (default 1,2,5,10)")
    parser.add_argument("--row-dim", type=int, default=None,
                        help="critic_row_dim (default: none, rows packed as they are)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs (default 100)")
    parser.add_argument("--batch-size", type=int, default=None, help="batch size (default 100)")


def run(args):
    """The recognised share for every pack size."""
    epochs = getattr(args, "epochs", None) or (1 if args.quick else 100)
    batch_size = getattr(args, "batch_size", None) or 100
    rows = []
    for pac in getattr(args, "pac", None) or [1, 2, 5, 10]:
        row_dim = getattr(args, "row_dim", None)
        share, seconds = recognised_share(pac, epochs=epochs, batch_size=batch_size,
                                          seed=args.seed, row_dim=row_dim)
        rows.append({"pac": pac, "row_dim": row_dim, "epochs": epochs, "batch_size": batch_size,
                     "recognised_share": share, "fit_seconds": seconds})
        args.log(f"  pac={pac:<3d} row_dim={row_dim} recognised as the requested digit: "
                 f"{share:.1%} (fit {seconds:.0f} s)")
    return {"rows": rows}
