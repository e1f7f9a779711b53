"""Chunk bounds, chunk seeds and the Parquet chunk writer (sksynth.utils._chunks)."""

import pandas as pd
import pytest

from sksynth.utils._chunks import (
    check_chunking,
    chunk_bounds,
    chunk_seed,
    require_pyarrow,
    write_parquet,
)


def test_chunking_is_checked_and_bounds_cover_every_row():
    assert check_chunking(10, 4) == (10, 4)
    assert chunk_bounds(10, 4) == [(0, 4), (4, 8), (8, 10)]
    with pytest.raises(ValueError, match="chunk_size must be a positive integer"):
        check_chunking(10, 0)


def test_first_chunk_keeps_the_seed_and_others_get_their_own():
    assert chunk_seed(42, 0) == 42
    assert chunk_seed(42, 1) == chunk_seed(42, 1)
    assert chunk_seed(42, 1) != 42


def test_parquet_chunks_are_written_in_order(tmp_path):
    assert require_pyarrow().__name__ == "pyarrow"
    path = tmp_path / "t.parquet"
    assert write_parquet((pd.DataFrame({"a": [i, i + 1]}) for i in range(3)), path) == 6
    assert pd.read_parquet(path)["a"].tolist() == [0, 1, 1, 2, 2, 3]
