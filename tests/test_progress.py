"""Progress bars: shown on a terminal, naming the work; silent with verbose=0 or off a terminal."""

import io
import sys

import numpy as np
import pandas as pd
import pytest

from sksynth.generators import ConditionalVAESampler
from sksynth.metrics import evaluate
from sksynth.quality import assess


class _Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def table():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=60), "b": rng.choice(["x", "y"], size=60)})
    y = pd.Series(rng.choice(["p", "q"], size=60), name="label")
    return X, y


def _stderr_of(monkeypatch, stream, call):
    monkeypatch.setattr(sys, "stderr", stream)
    call()
    monkeypatch.undo()
    return stream.getvalue()


@pytest.mark.parametrize("verbose", [0, 1])
def test_assess_and_evaluate_bars_follow_verbose(table, monkeypatch, verbose):
    X, y = table
    shown = _stderr_of(
        monkeypatch, _Terminal(), lambda: assess(X, y, random_state=0, verbose=verbose)
    )
    assert ("assess" in shown) == bool(verbose)
    real = X.assign(label=y)
    shown = _stderr_of(
        monkeypatch,
        _Terminal(),
        lambda: evaluate(real, real.sample(frac=1, random_state=0), random_state=0,
                         verbose=verbose),
    )
    assert ("evaluate" in shown) == bool(verbose)


def test_no_bar_when_not_a_terminal(table, monkeypatch):
    X, y = table
    assert _stderr_of(monkeypatch, io.StringIO(), lambda: assess(X, y, random_state=0)) == ""


@pytest.mark.parametrize("verbose", [0, 1])
def test_training_bar_names_the_sampler(table, monkeypatch, verbose):
    X, y = table
    gen = ConditionalVAESampler(epochs=1, verbose=verbose, random_state=0)
    shown = _stderr_of(monkeypatch, _Terminal(), lambda: gen.fit(X, y))
    if verbose:
        assert "ConditionalVAESampler" in shown
        assert "Net" not in shown
    else:
        assert shown == ""
