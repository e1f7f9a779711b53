"""The generative-sampler template: validation, containers, errors, parameters."""

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from skorch.callbacks import Callback, EarlyStopping

from sksynth.generators import (
    BaseGenerativeSampler,
    ConditionalGANSampler,
    ConditionalVAESampler,
    GANSampler,
    VAESampler,
)


class StopAfterFirstEpoch(Callback):
    """Ends training after one epoch: the planned epochs stay readable."""

    def on_epoch_end(self, net, **kwargs):
        raise KeyboardInterrupt


FAST = dict(epochs=1, batch_size=40, hidden_dims=(8,), latent_dim=4, random_state=0,
            continuous="quantile")
ALL = [GANSampler, VAESampler, ConditionalGANSampler, ConditionalVAESampler]


def numeric_xy(n=90, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)).astype(np.float32)
    y = np.array([0] * (2 * n // 3) + [1] * (n - 2 * n // 3), dtype=np.int32)
    return X, y


@pytest.mark.parametrize("cls", ALL)
def test_samplers_are_base_generative_samplers_without_transform(cls):
    sampler = cls(**FAST)
    assert isinstance(sampler, BaseGenerativeSampler)
    assert not hasattr(sampler, "transform")
    assert clone(sampler).get_params() == sampler.get_params()


@pytest.mark.parametrize("cls", ALL)
def test_fit_resample_keeps_the_callers_dataframe_rows_and_dtypes(cls, mixed_xy):
    X, y = mixed_xy
    X_before, y_before = X.copy(), y.copy()
    X_res, y_res = cls(**FAST).fit_resample(X, y)
    pd.testing.assert_frame_equal(X, X_before)  # caller's data untouched
    pd.testing.assert_series_equal(y, y_before)
    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    assert y_res.name == "target"
    assert list(X_res.columns) == list(X.columns)
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    assert list(X_res["home"].cat.categories) == list(X["home"].cat.categories)
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X.reset_index(drop=True))
    np.testing.assert_array_equal(y_res.to_numpy()[: len(y)], y.to_numpy())
    counts = y_res.value_counts()
    assert counts[0] == counts[1] == (y == 0).sum()
    new = X_res.iloc[len(X):]
    assert new["home"].isin(X["home"].cat.categories).all()
    assert new["married"].dtype == bool
    assert (new["age"] == new["age"].round()).all()


@pytest.mark.parametrize("container", ["ndarray", "list", "csr", "csc"])
def test_fit_resample_returns_the_input_container(container):
    X, y = numeric_xy()
    data = {"ndarray": X, "list": X.tolist(), "csr": sparse.csr_matrix(X),
            "csc": sparse.csc_matrix(X)}[container]
    X_res, y_res = VAESampler(**FAST).fit_resample(data, y)
    if container == "ndarray":
        assert isinstance(X_res, np.ndarray) and X_res.dtype == np.float32
        assert y_res.dtype == np.int32
        np.testing.assert_array_equal(X_res[: len(X)], X)
    elif container == "list":
        assert isinstance(X_res, list) and len(X_res) == 120
    else:
        assert sparse.issparse(X_res) and X_res.format == container
    assert np.bincount(np.asarray(y_res)).tolist() == [60, 60]


def test_sampling_strategy_float_and_dict():
    X, y = numeric_xy(120)
    _, y_res = GANSampler(**FAST, sampling_strategy=0.75).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [80, 60]
    _, y_res = GANSampler(**FAST, sampling_strategy={1: 70}).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [80, 70]


@pytest.mark.parametrize("cls", [GANSampler, ConditionalVAESampler])
def test_fit_then_sample_returns_the_training_containers(cls, mixed_xy):
    X, y = mixed_xy
    sampler = cls(**FAST).fit(X, y)
    X_new, y_new = sampler.sample(30)
    assert isinstance(X_new, pd.DataFrame) and X_new.shape == (30, X.shape[1])
    assert X_new.dtypes.to_dict() == X.dtypes.to_dict()
    assert isinstance(y_new, pd.Series) and y_new.name == "target"
    assert y_new.dtype == y.dtype and set(y_new) <= {0, 1}
    X_new, y_new = sampler.sample(7, y=1)
    assert (y_new == 1).all() and len(X_new) == 7
    labels = np.array([0, 1, 1, 0, 1])
    _, y_new = sampler.sample(5, y=labels)
    np.testing.assert_array_equal(y_new.to_numpy(), labels)
    X_only = cls(**FAST).fit(X)
    out = X_only.sample(12)
    assert isinstance(out, pd.DataFrame) and len(out) == 12
    arr = cls(**FAST).fit(X[["income", "age"]].to_numpy()).sample(4)
    assert isinstance(arr, np.ndarray) and arr.shape == (4, 2)


def test_fitted_attributes(mixed_xy):
    X, y = mixed_xy
    sampler = GANSampler(**FAST).fit(X, y)
    assert set(sampler.nets_) == {0, 1}
    assert sampler.n_features_in_ == 6
    assert list(sampler.feature_names_in_) == list(X.columns)
    np.testing.assert_array_equal(sampler.classes_, [0, 1])
    assert set(sampler.history_) == {0, 1}
    sampler = ConditionalGANSampler(**FAST).fit(X, y)
    assert len(sampler.history_) == 1 and sampler.net_.history is sampler.history_
    assert not hasattr(GANSampler(**FAST).fit(X[["income", "age"]].to_numpy()), "feature_names_in_")


def test_random_state_gives_identical_output_and_leaves_global_state_alone(mixed_xy):
    X, y = mixed_xy
    np_state, torch_state = np.random.get_state()[1].copy(), torch.get_rng_state()
    a = ConditionalGANSampler(**FAST).fit(X, y)
    b = ConditionalGANSampler(**FAST).fit(X, y)
    Xa, ya = a.sample(50)
    Xb, yb = b.sample(50)
    pd.testing.assert_frame_equal(Xa, Xb)
    pd.testing.assert_series_equal(ya, yb)
    Xa2, _ = a.sample(50)
    assert not Xa2.equals(Xa)  # the sampler's own sequence moves on
    pd.testing.assert_frame_equal(a.sample(20, random_state=5)[0], b.sample(20, random_state=5)[0])
    r1 = VAESampler(**FAST).fit_resample(X, y)
    r2 = VAESampler(**FAST).fit_resample(X, y)
    pd.testing.assert_frame_equal(r1[0], r2[0])
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)
    assert torch.equal(torch.get_rng_state(), torch_state)


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_y_is_refused(bad):
    X, y = numeric_xy()
    y = y.astype(float)
    y[3] = bad
    with pytest.raises(ValueError, match=r"y contains"):
        GANSampler(**FAST).fit_resample(X, y)
    with pytest.raises(ValueError, match=r"y contains"):
        GANSampler(**FAST).fit(X, y)


def test_inf_in_X_names_the_column(mixed_frame):
    X = mixed_frame.copy()
    X.loc[2, "income"] = np.inf
    with pytest.raises(ValueError, match="income"):
        VAESampler(**FAST).fit(X)


def test_single_class_is_refused():
    X, _ = numeric_xy()
    with pytest.raises(ValueError, match="class"):
        VAESampler(**FAST).fit_resample(X, np.zeros(len(X)))


def test_too_small_class_says_how_many_rows_are_needed():
    X, _ = numeric_xy(30)
    y = np.array([0] * 29 + [1])
    with pytest.raises(ValueError, match=r"Class 1 has 1 row\(s\).*at least 2 rows"):
        GANSampler(**FAST).fit_resample(X, y)
    X_res, y_res = ConditionalVAESampler(**FAST).fit_resample(X, y)  # one model: fine
    assert (y_res == 1).sum() == 29


def test_sample_before_fit_and_bad_sample_arguments(mixed_xy):
    X, y = mixed_xy
    with pytest.raises(NotFittedError):
        GANSampler(**FAST).sample(3)
    sampler = ConditionalVAESampler(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="n_samples"):
        sampler.sample(-1)
    with pytest.raises(ValueError, match=r"Unknown class"):
        sampler.sample(3, y=7)
    with pytest.raises(ValueError, match=r"Unknown condition column\(s\) \['nope'\].*home"):
        sampler.sample(3, conditions={"nope": 1})
    with pytest.raises(ValueError, match=r"Unknown value 'castle'.*'owner', 'parents', 'rent'"):
        sampler.sample(3, conditions={"home": "castle"})
    with pytest.raises(ValueError, match="unconditional"):
        GANSampler(**FAST).fit(X).sample(3, conditions={"home": "rent"})
    with pytest.raises(ValueError, match="fitted without y"):
        VAESampler(**FAST).fit(X).sample(3, y=1)


def test_condition_columns_must_be_discrete_columns(mixed_frame):
    with pytest.raises(ValueError, match=r"condition_columns \['income'\]"):
        ConditionalGANSampler(**FAST, condition_columns=["income"]).fit(mixed_frame)
    sampler = ConditionalGANSampler(**FAST, condition_columns=["job"]).fit(mixed_frame)
    assert sampler.condition_.columns == ["job"]
    with pytest.raises(ValueError, match=r"valid condition columns are \['job'\]"):
        sampler.sample(2, conditions={"home": "rent"})


def test_invalid_hyperparameters_name_the_parameter():
    X, y = numeric_xy()
    with pytest.raises(ValueError, match="hidden_dims"):
        GANSampler(**{**FAST, "hidden_dims": (8, 0)}).fit(X)
    with pytest.raises(ValueError, match="critic_dims"):
        ConditionalGANSampler(**FAST, critic_dims=(8, -1)).fit(X, y)
    with pytest.raises(ValueError, match="critic_row_dim"):
        ConditionalGANSampler(**FAST, critic_row_dim=0).fit(X, y)
    with pytest.raises(ValueError, match="critic_dropout"):
        GANSampler(**FAST, critic_dropout=1.0).fit(X)
    with pytest.raises(ValueError, match="encoder_dims"):
        ConditionalVAESampler(**FAST, encoder_dims=(8, 0)).fit(X, y)
    with pytest.raises(ValueError, match="epochs"):
        GANSampler(**{**FAST, "epochs": 0}).fit(X)
    with pytest.raises(ValueError, match="epochs"):
        VAESampler(**{**FAST, "epochs": "long"}).fit(X)
    with pytest.raises(ValueError, match="epochs"):  # "auto" is the VAEs' own
        GANSampler(**{**FAST, "epochs": "auto"}).fit(X)
    with pytest.raises(ValueError, match="loss"):
        GANSampler(**FAST, loss="hinge").fit(X)
    with pytest.raises(ValueError, match="train_loss"):
        VAESampler(**FAST, callbacks=[EarlyStopping()]).fit(X)
    with pytest.raises(ValueError, match="encoder_params"):
        VAESampler(**FAST, encoder_params={"bogus": 1}).fit(X)


@pytest.mark.parametrize("cls", [GANSampler, ConditionalGANSampler])
def test_critic_dims_sets_the_critics_widths_apart_from_the_generators(cls):
    X, y = numeric_xy()

    def linear_widths(module):
        return [m.out_features for m in module.modules() if isinstance(m, torch.nn.Linear)]

    y = y if cls is ConditionalGANSampler else None  # one net (net_) for the whole table
    same = cls(**FAST, critic_row_dim=None).fit(X, y)
    apart = cls(**{**FAST, "hidden_dims": (8,)}, critic_dims=(6, 5), critic_row_dim=None)
    apart.fit(X, y)
    assert linear_widths(apart.net_.critic_)[:2] == [6, 5]
    assert linear_widths(same.net_.critic_)[0] == 8
    # the generator keeps hidden_dims
    assert linear_widths(apart.net_.module_) == linear_widths(same.net_.module_)
    assert clone(apart).get_params()["critic_dims"] == (6, 5)
    rows = cls(**{**FAST, "pac": 2}, critic_row_dim=3).fit(X, y)
    assert rows.net_.critic_.row.out_features == 3
    assert linear_widths(rows.net_.critic_)[:2] == [3, 8]  # the row layer, then the packs'
    assert rows.net_.critic_.layers[0].in_features == 3 * 2
    assert same.net_.critic_.row is None  # None: rows packed as they are
    X_new = rows.sample(5) if y is None else rows.sample(5)[0]
    assert X_new.shape == (5, X.shape[1])
    # defaults: CTGAN's packs for the GAN, packs of 10 behind a row layer of 96
    # for the conditional GAN (which needs the row-condition link)
    default = cls(**FAST).fit(X, y)
    expected_row = None if cls is GANSampler else 96
    assert default.net_.critic_.pac == 10
    assert getattr(default.net_.critic_.row, "out_features", None) == expected_row
    assert default.net_.critic_.dropout == (0.5 if cls is GANSampler else 0.0)
    assert cls(**FAST, critic_dropout=0.25).fit(X, y).net_.critic_.dropout == 0.25
    # the row layer belongs to packing: a critic reading single rows has none
    single = cls(**{**FAST, "pac": 1}, critic_row_dim=3).fit(X, y)
    assert single.net_.critic_.row is None
    assert single.net_.critic_.layers[0].in_features == rows.net_.critic_.row.in_features


@pytest.mark.parametrize("cls", [VAESampler, ConditionalVAESampler])
def test_encoder_dims_sets_the_vae_encoders_widths_apart_from_the_decoders(cls):
    X, y = numeric_xy()

    def widths(sequential):
        return [m.out_features for m in sequential if isinstance(m, torch.nn.Linear)]

    y = y if cls is ConditionalVAESampler else None  # one net (net_) for the whole table
    same = cls(**{**FAST, "hidden_dims": (8, 7)}, encoder_dims=None).fit(X, y)
    apart = cls(**{**FAST, "hidden_dims": (8, 7)}, encoder_dims=(6,)).fit(X, y)
    default = cls(**{**FAST, "hidden_dims": (8, 7)}).fit(X, y)
    # the conditional VAE's default encoder is one layer of 128; the VAE's mirrors hidden_dims
    expected = [128] if cls is ConditionalVAESampler else [8, 7]
    assert widths(default.net_.module_.encoder) == expected
    assert widths(same.net_.module_.encoder) == [8, 7]
    assert widths(apart.net_.module_.encoder) == [6]
    assert apart.net_.module_.mu.in_features == 6
    # the decoder keeps hidden_dims, mirrored
    assert widths(apart.net_.module_.decoder) == widths(same.net_.module_.decoder) == [7, 8]
    assert clone(apart).get_params()["encoder_dims"] == (6,)
    X_new = apart.sample(5) if y is None else apart.sample(5)[0]
    assert X_new.shape == (5, X.shape[1])


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
def test_cuda_without_gpu_is_a_clear_error():
    X, y = numeric_xy()
    with pytest.raises(ValueError, match="no CUDA GPU"):
        VAESampler(**FAST, device="cuda").fit_resample(X, y)
    with pytest.raises(ValueError, match="no CUDA GPU"):
        VAESampler(**FAST, device="cuda:1").fit(X)


@pytest.mark.parametrize("device", ["gpu", "cudafoo", "cuda:x", "CPU", "cuda:-1"])
def test_unknown_device_names_are_a_clear_error(device):
    X, _ = numeric_xy()
    with pytest.raises(ValueError, match=r"device must be 'cpu', 'cuda', 'cuda:N' or 'mps'"):
        VAESampler(**FAST, device=device).fit(X)


@pytest.mark.skipif(torch.backends.mps.is_available(), reason="needs a machine without MPS")
def test_mps_without_apple_gpu_is_a_clear_error():
    X, _ = numeric_xy()
    with pytest.raises(ValueError, match=r"device='mps'.*no Apple-silicon GPU"):
        GANSampler(**FAST, device="mps").fit(X)


def test_verbose_shows_a_progress_bar_with_losses(capsys):
    X, _ = numeric_xy()
    GANSampler(**{**FAST, "epochs": 2}, verbose=1).fit(X)
    err = capsys.readouterr().err
    assert "epoch" in err and "critic_loss" in err


def test_extra_callbacks_are_used(mixed_frame):
    stop = EarlyStopping(monitor="train_loss", patience=1, threshold=1e9)
    sampler = VAESampler(**{**FAST, "epochs": 20}, callbacks={"stop": stop}).fit(mixed_frame)
    assert len(sampler.history_) < 20
    assert sampler.callbacks["stop"] is stop  # the parameter is not modified


def test_score_is_a_fidelity_between_zero_and_one(mixed_frame):
    sampler = VAESampler(**FAST).fit(mixed_frame)
    score = sampler.score(mixed_frame)
    assert 0.0 <= score <= 1.0
    with pytest.raises(ValueError):
        sampler.score(mixed_frame[["income", "age"]])


def test_auto_epochs_train_each_net_for_its_own_rows():
    # per-class nets of 40 and 100 rows, one step an epoch: 8,000 steps are
    # more than 2,000 epochs, and five epochs a row cap both (the 40-row one
    # at the floor of 300)
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=140), "b": rng.normal(size=140)})
    y = np.array([0] * 100 + [1] * 40)
    params = {**FAST, "epochs": "auto", "batch_size": 500}
    sampler = VAESampler(**params, sampling_strategy={1: 40}).fit(X, y)
    assert {label: len(h) for label, h in sampler.history_.items()} == {0: 500, 1: 300}
    assert VAESampler().epochs == ConditionalVAESampler().epochs == "auto"


def test_auto_epochs_aim_at_a_number_of_steps_on_larger_tables():
    # 4,000 rows in batches of 200: 20 steps an epoch, 400 epochs for 8,000 steps
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=4000)})
    sampler = ConditionalVAESampler(**{**FAST, "epochs": "auto", "batch_size": 200})
    sampler.set_params(callbacks=[StopAfterFirstEpoch()])
    sampler.fit(X)
    assert sampler.net_.max_epochs == 400
