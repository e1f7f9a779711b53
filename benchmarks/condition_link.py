"""How well a conditional GAN honours the requested class, for several ``pac``.

``python -m benchmarks.condition_link --pac 1,2,5,10 [--row-dim 64]``

Fits :class:`~sksynth.generators.ConditionalGANSampler` on 70 % of
scikit-learn's digits (stratified split, seed 0), asks for 100 images of each
digit, and reports the share that a logistic regression trained on the real
training images recognises as the requested digit (chance: 10 %). This is the
measurement behind the sampler's default critic (packs of 10 behind a row
layer of 96): a plainly packed critic reads each position of a pack with its
own weights and learns the link between a row and its condition less well;
``--row-dim`` gives the critic a layer shared by every row of a pack
(``critic_row_dim``; without it the script runs plain packs).
"""

from __future__ import annotations

import argparse
import os
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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.condition_link",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--pac", default="1,2,5,10", type=lambda s: [int(v) for v in s.split(",")])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--row-dim", type=int, default=None,
                        help="critic_row_dim (default: none, rows packed as they are)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch

    torch.set_num_threads(args.threads)
    for pac in args.pac:
        share, seconds = recognised_share(pac, epochs=args.epochs, batch_size=args.batch_size,
                                          seed=args.seed, row_dim=args.row_dim)
        print(f"pac={pac:<3d} recognised as the requested digit: {share:.1%} "
              f"(fit {seconds:.0f} s)")


if __name__ == "__main__":
    main()
