"""Chunked sampling: iter_samples and to_parquet (bounded memory, seeds, atomic files)."""

import sys

import numpy as np
import pandas as pd
import pytest

from sksynth.generators import ConditionalVAESampler, VAESampler
from sksynth.utils._chunks import chunk_bounds, chunk_seed, write_parquet

TINY = dict(epochs=1, batch_size=40, hidden_dims=(16,), latent_dim=4, random_state=0)


@pytest.fixture(scope="module")
def fitted():
    from conftest import make_mixed_frame

    X = make_mixed_frame(160, seed=3)
    y = pd.Series(np.where(X.pop("married"), "yes", "no"), name="married")
    return X, y, ConditionalVAESampler(**TINY).fit(X, y)


@pytest.fixture(scope="module")
def fitted_unlabelled():
    from conftest import make_mixed_frame

    X = make_mixed_frame(120, seed=4)
    return X, VAESampler(**TINY).fit(X)


def test_chunks_have_the_requested_sizes(fitted_unlabelled):
    _, sampler = fitted_unlabelled
    sizes = [len(c) for c in sampler.iter_samples(23, chunk_size=10, random_state=0)]
    assert sizes == [10, 10, 3]
    assert list(sampler.iter_samples(0, chunk_size=10, random_state=0)) == []


def test_same_seed_same_chunk_size_same_rows(fitted_unlabelled):
    _, sampler = fitted_unlabelled
    a = pd.concat(sampler.iter_samples(30, chunk_size=7, random_state=11), ignore_index=True)
    b = pd.concat(sampler.iter_samples(30, chunk_size=7, random_state=11), ignore_index=True)
    pd.testing.assert_frame_equal(a, b)
    c = pd.concat(sampler.iter_samples(30, chunk_size=7, random_state=12), ignore_index=True)
    assert not a.equals(c)


def test_one_chunk_is_sample_with_that_seed(fitted_unlabelled):
    _, sampler = fitted_unlabelled
    (only,) = sampler.iter_samples(15, chunk_size=100, random_state=5)
    pd.testing.assert_frame_equal(only, sampler.sample(15, random_state=5))


def test_each_chunk_is_sample_with_its_own_seed(fitted_unlabelled):
    """Chunk i can be regenerated alone (another process, a Dask task)."""
    _, sampler = fitted_unlabelled
    chunks = list(sampler.iter_samples(25, chunk_size=10, random_state=9))
    for i, (start, stop) in enumerate(chunk_bounds(25, 10)):
        alone = sampler.sample(stop - start, random_state=chunk_seed(9, i))
        pd.testing.assert_frame_equal(chunks[i], alone)
    assert len({chunk_seed(9, i) for i in range(1000)}) == 1000


def test_no_chunk_bigger_than_chunk_size(fitted_unlabelled, monkeypatch):
    _, sampler = fitted_unlabelled
    asked = []
    original = type(sampler).sample

    def spy(self, n_samples, **kwargs):
        asked.append(n_samples)
        return original(self, n_samples, **kwargs)

    monkeypatch.setattr(type(sampler), "sample", spy)
    for _ in sampler.iter_samples(95, chunk_size=20, random_state=0):
        pass
    assert max(asked) <= 20 and sum(asked) == 95


def test_random_state_none_continues_the_own_sequence(fitted_unlabelled):
    _, sampler = fitted_unlabelled
    a = next(sampler.iter_samples(5, chunk_size=5))
    b = next(sampler.iter_samples(5, chunk_size=5))
    assert not a.equals(b)


def test_labels_per_row_are_sliced_per_chunk(fitted):
    _, _, sampler = fitted
    wanted = np.array(["yes", "no"] * 6 + ["yes"])
    chunks = list(sampler.iter_samples(13, chunk_size=5, y=wanted, random_state=0))
    labels = np.concatenate([y.to_numpy() for _, y in chunks])
    np.testing.assert_array_equal(labels, wanted)
    (X_one, y_one), *_ = sampler.iter_samples(4, chunk_size=2, y="no", random_state=0)
    assert y_one.tolist() == ["no", "no"]


def test_bad_arguments_fail_before_iterating(fitted):
    _, _, sampler = fitted
    with pytest.raises(ValueError, match="chunk_size must be a positive integer"):
        sampler.iter_samples(10, chunk_size=0)
    with pytest.raises(ValueError, match="n_samples must be a non-negative integer"):
        sampler.iter_samples(-1)
    with pytest.raises(ValueError, match="Unknown class"):
        sampler.iter_samples(10, y="maybe")
    with pytest.raises(ValueError, match="Unknown value 'castle' for condition column 'home'"):
        sampler.iter_samples(10, conditions={"home": "castle"})


def test_conditions_hold_in_every_chunk(fitted):
    _, _, sampler = fitted
    for X_chunk, _ in sampler.iter_samples(12, chunk_size=5, conditions={"home": "owner"}):
        assert (X_chunk["home"] == "owner").all()


# ------------------------------------------------------------------------ Parquet


def test_to_parquet_writes_the_chunks(fitted, tmp_path):
    X, y, sampler = fitted
    path = sampler.to_parquet(tmp_path / "s.parquet", 27, chunk_size=10, random_state=4)
    table = pd.read_parquet(path)
    chunks = list(sampler.iter_samples(27, chunk_size=10, random_state=4))
    expected = pd.concat([c[0] for c in chunks], ignore_index=True)
    expected["married"] = np.concatenate([c[1].to_numpy() for c in chunks])
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)
    assert table["home"].dtype == X["home"].dtype  # categories survive
    import pyarrow.parquet as pq

    assert pq.ParquetFile(path).num_row_groups == 3


def test_to_parquet_label_column(fitted, tmp_path):
    _, _, sampler = fitted
    path = sampler.to_parquet(tmp_path / "s.parquet", 5, label_column="class", random_state=0)
    assert "class" in pd.read_parquet(path).columns
    with pytest.raises(ValueError, match="label_column='home' is already a column"):
        sampler.to_parquet(tmp_path / "t.parquet", 5, label_column="home")
    assert not (tmp_path / "t.parquet").exists()


def test_to_parquet_from_arrays_and_zero_rows(tmp_path):
    X = np.random.default_rng(0).normal(size=(60, 3))
    sampler = VAESampler(**TINY).fit(X)
    path = sampler.to_parquet(tmp_path / "a.parquet", 12, chunk_size=5, random_state=0)
    table = pd.read_parquet(path)
    assert list(table.columns) == ["x0", "x1", "x2"] and len(table) == 12
    np.testing.assert_allclose(
        table.to_numpy(), np.vstack(list(sampler.iter_samples(12, 5, random_state=0)))
    )
    empty = pd.read_parquet(sampler.to_parquet(tmp_path / "e.parquet", 0))
    assert empty.shape == (0, 3)


def test_interrupted_to_parquet_leaves_the_old_file(fitted_unlabelled, tmp_path, monkeypatch):
    _, sampler = fitted_unlabelled
    path = tmp_path / "s.parquet"
    sampler.to_parquet(path, 10, random_state=0)
    before = path.read_bytes()
    original = type(sampler).sample
    calls = []

    def failing(self, n_samples, **kwargs):
        calls.append(n_samples)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return original(self, n_samples, **kwargs)

    monkeypatch.setattr(type(sampler), "sample", failing)
    with pytest.raises(KeyboardInterrupt):
        sampler.to_parquet(path, 30, chunk_size=10, random_state=0)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.parquet"]


def test_missing_pyarrow_names_the_extra(fitted_unlabelled, tmp_path, monkeypatch):
    _, sampler = fitted_unlabelled
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ImportError, match=r"sksynth\[io\]"):
        sampler.to_parquet(tmp_path / "s.parquet", 10)


def test_write_parquet_refuses_nothing_and_folders(tmp_path):
    with pytest.raises(ValueError, match="no chunk"):
        write_parquet(iter([]), tmp_path / "x.parquet")
    assert not (tmp_path / "x.parquet").exists()
    with pytest.raises(ValueError, match="is a folder"):
        write_parquet([pd.DataFrame({"a": [1]})], tmp_path)
