"""Conditional vector, training-by-sampling and the tensor-slicing iterator."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from sksynth.nn import ConditionLayout, TensorBatchIterator, TrainingData


def dspan(column, start, categories):
    return SimpleNamespace(
        column=column, kind="discrete", start=start, stop=start + len(categories),
        activation="softmax", categories=tuple(categories),
    )


def make_layout(n=600, seed=0, always=None):
    rng = np.random.default_rng(seed)
    spans = [dspan("a", 1, "xy"), dspan("b", 3, "pqr"), dspan("c", 6, "uvwz")]
    codes = np.column_stack(
        [
            rng.choice(2, n, p=[0.8, 0.2]),
            rng.choice(3, n, p=[0.6, 0.3, 0.1]),
            rng.choice(4, n, p=[0.7, 0.1, 0.1, 0.1]),
        ]
    )
    if always is not None:
        spans.append(dspan("<label>", 10, "01"))
        codes = np.column_stack([codes, rng.choice(2, n, p=[0.9, 0.1])])
    return ConditionLayout(spans, codes, always=always), codes


def test_offsets_and_encoded_index():
    layout, _ = make_layout()
    assert layout.offsets.tolist() == [0, 2, 5]
    assert layout.cond_dim == 9
    assert layout.encoded_index.tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert layout.slot_of("b", "r") == 4
    assert layout.slot_of("c", "w") == 7


@pytest.mark.parametrize("column", ["a", "b", "c"])
def test_training_by_sampling_rows_hold_the_chosen_category_for_every_column(column):
    layout, codes = make_layout()
    codes_t = torch.from_numpy(codes)
    index = layout.training_index(codes_t)
    rows, cond = layout.sample_training(codes_t, index, 2000, torch.Generator().manual_seed(0))
    assert torch.all(cond.sum(1) == 1)
    j = layout.columns.index(column)
    block = cond[:, layout.offsets[j] : layout.offsets[j] + layout.sizes[j]]
    chosen = block.sum(1) == 1
    assert chosen.sum() > 400  # about a third of the rows pick this column
    asked = block[chosen].argmax(1)
    assert torch.equal(codes_t[rows[chosen], j], asked)


def test_training_by_sampling_uses_log_frequencies():
    layout, codes = make_layout(n=5000)
    codes_t = torch.from_numpy(codes)
    index = layout.training_index(codes_t)
    _, cond = layout.sample_training(codes_t, index, 60000, torch.Generator().manual_seed(1))
    counts = np.bincount(codes[:, 2], minlength=4)
    expected = np.log1p(counts) / np.log1p(counts).sum()
    block = cond[:, 5:9]
    chosen = block.sum(1) == 1
    freq = block[chosen].mean(0).numpy()
    np.testing.assert_allclose(freq, expected, atol=0.015)
    assert freq[1] > counts[1] / counts.sum()  # rare categories are drawn more often


def test_always_on_label_is_set_and_matches_the_row():
    layout, codes = make_layout(always="<label>")
    codes_t = torch.from_numpy(codes)
    index = layout.training_index(codes_t)
    rows, cond = layout.sample_training(codes_t, index, 500, torch.Generator().manual_seed(2))
    label_block = cond[:, 9:11]
    assert torch.all(label_block.sum(1) == 1)
    assert torch.equal(label_block.argmax(1), codes_t[rows, 3])
    assert layout.joint_counts.shape == (11, 2)
    assert layout.joint_counts[9:11].sum() == len(codes)


def test_missing_codes_are_never_drawn_and_own_condition_skips_them():
    layout_spans = [dspan("a", 0, "xy"), dspan("b", 2, "pq")]
    codes = np.array([[0, -1], [1, 0], [-1, 1], [0, 1]] * 10)
    layout = ConditionLayout(layout_spans, codes)
    assert layout.counts.tolist() == [20, 10, 10, 20]
    codes_t = torch.from_numpy(codes)
    index = layout.training_index(codes_t)
    rows, cond = layout.sample_training(codes_t, index, 400, torch.Generator().manual_seed(0))
    slot = cond.argmax(1)
    column = (slot >= 2).long()
    assert torch.all(codes_t[rows, column] == slot - 2 * column)
    own = layout.own_condition(codes_t, torch.Generator().manual_seed(0))
    assert torch.all(own.sum(1) <= 1)
    first = own[codes_t[:, 1] == -1]  # rows [0, -1]: slot 0 or nothing
    assert torch.all(first[:, 1:] == 0) and 0 < first[:, 0].sum() < len(first)
    both = own[(codes_t >= 0).all(1)]
    assert torch.all(both.sum(1) == 1)


def test_unknown_condition_values_list_the_valid_ones():
    layout, _ = make_layout()
    with pytest.raises(ValueError, match=r"valid condition columns are \['a', 'b', 'c'\]"):
        layout.slot_of("zzz", 1)
    with pytest.raises(ValueError, match=r"valid values are \['p', 'q', 'r'\]"):
        layout.slot_of("b", "s")


def test_iterator_covers_every_row_once_per_epoch_and_is_reproducible():
    X = torch.arange(23, dtype=torch.float32).reshape(-1, 1)
    it = TensorBatchIterator(X, batch_size=5, generator=torch.Generator().manual_seed(0))
    batches = list(it)
    assert len(batches) == len(it) == 5
    seen = torch.cat([b["X"] for b in batches]).ravel().sort().values
    assert torch.equal(seen, X.ravel())
    again = list(TensorBatchIterator(X, batch_size=5, generator=torch.Generator().manual_seed(0)))
    assert all(torch.equal(a["X"], b["X"]) for a, b in zip(batches, again, strict=True))


def test_iterator_full_batches_in_multiples_of_pac_even_for_tiny_tables():
    X = torch.arange(23, dtype=torch.float32).reshape(-1, 1)
    it = TensorBatchIterator(X, batch_size=8, multiple_of=3, drop_last=True,
                             generator=torch.Generator().manual_seed(0))
    sizes = [b["X"].shape[0] for b in it]
    assert sizes == [6, 6, 6]
    tiny = TensorBatchIterator(X[:4], batch_size=500, multiple_of=10, drop_last=True,
                               generator=torch.Generator().manual_seed(0))
    (batch,) = list(tiny)
    assert batch["X"].shape[0] == 10
    assert set(batch["X"].ravel().tolist()) == {0.0, 1.0, 2.0, 3.0}


def test_iterator_single_batch_holds_every_row_and_packs_still_change_between_epochs():
    X = torch.arange(12, dtype=torch.float32).reshape(-1, 1)
    gen = torch.Generator().manual_seed(0)
    (batch,) = list(TensorBatchIterator(X, batch_size=500, generator=gen))
    assert sorted(batch["X"].ravel().tolist()) == X.ravel().tolist()
    # with packs (pac=3) a batch of every row is still shuffled: packs of
    # neighbouring rows must not repeat from one epoch to the next
    it = TensorBatchIterator(X, batch_size=12, multiple_of=3, generator=gen)
    orders = {tuple(next(iter(it))["X"].ravel().tolist()) for _ in range(5)}
    assert len(orders) > 1


def test_iterator_draws_conditional_batches_by_sampling():
    layout, codes = make_layout(n=100)
    data = TrainingData(torch.randn(100, 9), torch.from_numpy(codes), layout)
    it = TensorBatchIterator(data, batch_size=20, generator=torch.Generator().manual_seed(0))
    batches = list(it)
    assert len(batches) == 5
    assert all(b["cond"].shape == (20, 9) for b in batches)
    own = TrainingData(torch.randn(100, 9), torch.from_numpy(codes), layout, sampling="own")
    batches = list(TensorBatchIterator(own, batch_size=30,
                                       generator=torch.Generator().manual_seed(0)))
    assert [b["X"].shape[0] for b in batches] == [30, 30, 30, 10]
    assert all(torch.all(b["cond"].sum(1) == 1) for b in batches)


@pytest.mark.parametrize("entries", [1, 1080, 1 << 22])  # 1, 2-3 or all batches per draw
def test_conditional_batches_drawn_several_at_a_time_still_describe_their_rows(
    monkeypatch, entries
):
    from sksynth.nn import _iterators

    monkeypatch.setattr(_iterators, "_DRAW_ENTRIES", entries)
    layout, codes = make_layout(n=100)
    codes_t = torch.from_numpy(codes)
    # the row's index in the first feature: a batch's rows can be matched to their codes
    X = torch.arange(100.0)[:, None].repeat(1, 9)
    own = TrainingData(X, codes_t, layout, sampling="own")
    batches = list(TensorBatchIterator(own, batch_size=30,
                                       generator=torch.Generator().manual_seed(0)))
    assert [b["X"].shape[0] for b in batches] == [30, 30, 30, 10]
    rows = torch.cat([b["X"][:, 0] for b in batches]).long()
    assert sorted(rows.tolist()) == list(range(100))  # every row once
    for batch in batches:
        slot = batch["cond"].argmax(1)
        column = torch.bucketize(slot, torch.as_tensor(layout.offsets[1:]), right=True)
        own_code = codes_t[batch["X"][:, 0].long(), column]
        assert torch.all(slot - torch.as_tensor(layout.offsets)[column] == own_code)
    sampled = TrainingData(X, codes_t, layout)
    batches = list(TensorBatchIterator(sampled, batch_size=20,
                                       generator=torch.Generator().manual_seed(0)))
    assert [b["X"].shape[0] for b in batches] == [20] * 5
    for batch in batches:  # each drawn row holds the category its vector asks for
        slot = batch["cond"].argmax(1)
        column = torch.bucketize(slot, torch.as_tensor(layout.offsets[1:]), right=True)
        own_code = codes_t[batch["X"][:, 0].long(), column]
        assert torch.all(slot - torch.as_tensor(layout.offsets)[column] == own_code)
