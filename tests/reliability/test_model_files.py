"""Safe model files: save/load round trips, identical sampling, tampering, no code run."""

import io
import json
import pickle
import warnings
import zipfile

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from skorch.callbacks import Callback

from sksynth.generators import (
    ConditionalGANSampler,
    ConditionalVAESampler,
    GANSampler,
    VAESampler,
)
from sksynth.io import ModelFileError, load_sampler, read_model_info, save_sampler
from sksynth.io._state import StateReader, StateWriter, default_trusted_types

TINY = dict(epochs=2, batch_size=40, hidden_dims=(16,), latent_dim=4, random_state=0)
CLASSES = [GANSampler, VAESampler, ConditionalGANSampler, ConditionalVAESampler]


def awkward_frame(n=120, seed=0):
    """Every dtype a user may bring: nullable, str, tz-aware, categories of numbers..."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "amount": rng.lognormal(3, 1, n),
            "count": pd.array(rng.integers(0, 5, n), dtype="Int64"),
            "flag": pd.array(rng.random(n) < 0.3, dtype="boolean"),
            "city": pd.Series(rng.choice(["Lyon", "Paris", "Nice"], n), dtype="str"),
            "grade": pd.Categorical(rng.choice([1, 2, 3], n), categories=[3, 2, 1], ordered=True),
            "when": pd.date_range("2021-01-01", periods=n, freq="D", tz="Europe/Paris"),
            "mixed": pd.Series(rng.choice(["x", "y"], n), dtype=object),
        }
    )
    frame.loc[rng.random(n) < 0.1, "amount"] = np.nan
    frame.loc[rng.random(n) < 0.1, "count"] = pd.NA
    frame.loc[rng.random(n) < 0.1, "flag"] = pd.NA
    frame.loc[rng.random(n) < 0.1, "city"] = None
    mixed = np.array(frame["mixed"].to_numpy(dtype=object))
    mixed[:5] = 7  # a number among strings
    frame["mixed"] = pd.Series(mixed, dtype=object)
    return frame


def assert_same_output(a, b):
    if isinstance(a, tuple):
        assert_same_output(a[0], b[0])
        if isinstance(a[1], pd.Series):
            pd.testing.assert_series_equal(a[1], b[1])
        else:
            np.testing.assert_array_equal(a[1], b[1])
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    else:
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
@pytest.mark.parametrize("with_y", [False, True], ids=["X", "Xy"])
def test_loaded_sampler_samples_identically(cls, with_y, tmp_path):
    X = awkward_frame()
    y = pd.Series(np.where(np.arange(len(X)) % 4 == 0, "bad", "good"), name="status")
    sampler = cls(**TINY, continuous="mode").fit(X, y if with_y else None)
    path = sampler.save(tmp_path / "model.sksynth")
    loaded = cls.load(path)
    assert type(loaded) is cls
    assert loaded.get_params() == sampler.get_params()
    # with an explicit seed, and continuing the sampler's own random sequence
    assert_same_output(sampler.sample(60, random_state=5), loaded.sample(60, random_state=5))
    assert_same_output(sampler.sample(30), loaded.sample(30))
    out = loaded.sample(40, random_state=1)
    frame = out[0] if with_y else out
    pd.testing.assert_series_equal(frame.dtypes, X.dtypes)
    if with_y:
        assert out[1].name == "status"
        assert set(out[1]) <= {"bad", "good"}


def test_conditional_sampling_and_score_survive(tmp_path):
    X = awkward_frame(seed=1)
    sampler = ConditionalGANSampler(**TINY).fit(X)
    loaded = load_sampler(save_sampler(sampler, tmp_path / "m.sksynth"))
    a = sampler.sample(20, conditions={"city": "Nice"}, random_state=2)
    b = loaded.sample(20, conditions={"city": "Nice"}, random_state=2)
    pd.testing.assert_frame_equal(a, b)
    assert (b["city"] == "Nice").all()
    assert sampler.score(X) == loaded.score(X)


def test_fit_resample_models_and_arrays(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 3)).astype(np.float32)
    y = np.array([0] * 60 + [1] * 20 + [2] * 10)
    sampler = VAESampler(**TINY)
    sampler.fit_resample(X, y)
    assert set(sampler.nets_) == {1, 2}
    loaded = VAESampler.load(sampler.save(tmp_path / "m"))
    a, b = sampler.sample(10, y=2, random_state=0), loaded.sample(10, y=2, random_state=0)
    assert isinstance(b[0], np.ndarray) and b[0].dtype == np.float32
    assert_same_output(a, b)
    with pytest.raises(ValueError, match="No model was trained"):
        loaded.sample(3, y=0)


def test_loaded_model_can_be_refitted_and_cloned(tmp_path, mixed_frame):
    from sklearn.base import clone

    sampler = GANSampler(**TINY).fit(mixed_frame)
    loaded = GANSampler.load(sampler.save(tmp_path / "m.sksynth"))
    assert clone(loaded).get_params() == sampler.get_params()
    refit = loaded.fit(mixed_frame)
    assert_same_output(refit.sample(10, random_state=0), sampler.sample(10, random_state=0))
    assert len(loaded.history_) == TINY["epochs"]


def test_history_and_optimizer_state_are_kept(tmp_path, mixed_frame):
    sampler = GANSampler(**TINY).fit(mixed_frame)
    loaded = load_sampler(save_sampler(sampler, tmp_path / "m.sksynth"))
    assert loaded.history_[:, "train_loss"] == sampler.history_[:, "train_loss"]
    a = sampler.net_.critic_optimizer_.state_dict()["state"]
    b = loaded.net_.critic_optimizer_.state_dict()["state"]
    for key in a:
        torch.testing.assert_close(a[key]["exp_avg"], b[key]["exp_avg"])


def test_unstorable_parameters_are_dropped_with_a_warning(tmp_path, mixed_frame):
    class CountEpochs(Callback):
        def on_epoch_end(self, net, **kwargs):
            net.history.record("counted", True)

    sampler = VAESampler(**TINY, callbacks=[CountEpochs()]).fit(mixed_frame)
    assert sampler.history_[-1, "counted"]
    with pytest.warns(UserWarning, match="callbacks"):
        path = sampler.save(tmp_path / "m.sksynth")
    info = read_model_info(path)
    assert info["dropped_params"] == ["callbacks"]
    loaded = VAESampler.load(path)
    assert loaded.callbacks is None
    assert_same_output(sampler.sample(5, random_state=0), loaded.sample(5, random_state=0))


def test_metadata_and_versions(tmp_path, mixed_frame):
    sampler = VAESampler(**TINY).fit(mixed_frame)
    path = sampler.save(tmp_path / "m.sksynth", metadata={"target": "married", "n": 3})
    info = read_model_info(path)
    assert info["metadata"] == {"target": "married", "n": 3}
    assert info["versions"]["torch"] == torch.__version__
    assert info["class"].endswith("VAESampler")


def test_load_checks_the_class(tmp_path, mixed_frame):
    path = VAESampler(**TINY).fit(mixed_frame).save(tmp_path / "m.sksynth")
    with pytest.raises(TypeError, match="not a GANSampler"):
        GANSampler.load(path)


def test_save_needs_a_fitted_sampler(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        VAESampler().save(tmp_path / "m.sksynth")
    assert not (tmp_path / "m.sksynth").exists()


# ------------------------------------------------------------------------ tampering


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    from conftest import make_mixed_frame

    path = tmp_path_factory.mktemp("model") / "m.sksynth"
    ConditionalVAESampler(**TINY).fit(make_mixed_frame(120)).save(path)
    return path


def _rewrite(src, dst, change):
    """Copy a zip, letting ``change(name, data)`` alter or drop (None) members."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
    return dst


def _rehash(path):
    """Recompute the manifest, as an attacker would: hashes alone are no signature."""
    import hashlib

    with zipfile.ZipFile(path) as zin:
        members = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    manifest = json.loads(members.pop("manifest.json"))
    manifest["files"] = {
        n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for n, d in members.items()
    }
    with zipfile.ZipFile(path, "w") as zout:
        zout.writestr("manifest.json", json.dumps(manifest))
        for name, data in members.items():
            zout.writestr(name, data)
    return path


def test_modified_member_is_refused(saved_model, tmp_path):
    def change(name, data):
        if name == "state.json":
            return data.replace(b'"_entropy":', b'"_entropy"\t', 1)
        return data

    bad = _rewrite(saved_model, tmp_path / "bad.sksynth", change)
    with pytest.raises(ModelFileError, match="SHA-256 of state.json"):
        load_sampler(bad)
    with pytest.raises(ModelFileError, match="modified"):
        read_model_info(bad)


def test_changed_weights_are_refused(saved_model, tmp_path):
    def change(name, data):
        return data[:-8] + b"\0" * 8 if name.endswith("module.pt") else data

    with pytest.raises(ModelFileError, match="module.pt"):
        load_sampler(_rewrite(saved_model, tmp_path / "bad.sksynth", change))


@pytest.mark.parametrize("what", ["extra", "missing"])
def test_added_or_removed_member_is_refused(saved_model, tmp_path, what):
    def change(name, data):
        return None if (what == "missing" and name == "arrays.npz") else data

    bad = _rewrite(saved_model, tmp_path / "bad.sksynth", change)
    if what == "extra":
        with zipfile.ZipFile(bad, "a") as zf:
            zf.writestr("payload.pkl", pickle.dumps(print))
    with pytest.raises(ModelFileError, match=f"{'unexpected' if what == 'extra' else what}"):
        load_sampler(bad)


class _Boom:
    def __reduce__(self):
        return (exec, ("raise SystemExit('code ran while loading')",))


def test_pickled_weights_do_not_run(saved_model, tmp_path):
    """A state dict replaced by a pickle that runs code is refused by weights_only=True."""
    buffer = io.BytesIO()
    torch.save({"x": _Boom()}, buffer)

    def change(name, data):
        return buffer.getvalue() if name.endswith("module.pt") else data

    bad = _rehash(_rewrite(saved_model, tmp_path / "bad.sksynth", change))
    with pytest.raises(ModelFileError, match="not a plain state dict"):
        load_sampler(bad)


def test_untrusted_class_is_refused(saved_model, tmp_path):
    def change(name, data):
        if name == "state.json":
            return data.replace(b"sksynth.encoding._encoder.TabularEncoder", b"subprocess.Popen", 1)
        return data

    bad = _rehash(_rewrite(saved_model, tmp_path / "bad.sksynth", change))
    with pytest.raises(ModelFileError, match="'subprocess.Popen', which is not trusted"):
        load_sampler(bad)


def test_untrusted_sampler_class_is_refused(saved_model, tmp_path):
    def change(name, data):
        if name == "manifest.json":
            return data.replace(b"sksynth.generators._vae.ConditionalVAESampler", b"os.system")
        return data

    bad = _rewrite(saved_model, tmp_path / "bad.sksynth", change)
    with pytest.raises(ModelFileError, match="not a trusted sksynth generator"):
        load_sampler(bad)


@pytest.mark.parametrize(
    "content",
    [b"", b"not a zip at all", pickle.dumps({"sampler": None})],
    ids=["empty", "text", "pickle"],
)
def test_other_files_are_refused_clearly(tmp_path, content):
    path = tmp_path / "m.sksynth"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match="not a sksynth model file"):
        load_sampler(path)


def test_truncated_file_is_refused(saved_model, tmp_path):
    data = saved_model.read_bytes()
    bad = tmp_path / "bad.sksynth"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="damaged or incomplete") as caught:
        load_sampler(bad)
    assert "joblib" not in str(caught.value)


def test_newer_format_is_refused(saved_model, tmp_path):
    def change(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["format_version"] = 99
            return json.dumps(manifest).encode()
        return data

    bad = _rewrite(saved_model, tmp_path / "bad.sksynth", change)
    with pytest.raises(ModelFileError, match="Upgrade sksynth"):
        load_sampler(bad)


def test_interrupted_save_leaves_no_file(tmp_path, mixed_frame, monkeypatch):
    sampler = VAESampler(**TINY).fit(mixed_frame)
    path = tmp_path / "m.sksynth"
    sampler.save(path)
    before = path.read_bytes()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sampler.save(path)
    assert path.read_bytes() == before  # the old file is intact
    assert [p.name for p in tmp_path.iterdir()] == ["m.sksynth"]  # no temporary left


# ---------------------------------------------------------------- the state codec


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2.5, None, True], (1, "x"): {"nested"}},
        [float("nan"), float("inf"), -float("inf"), pd.NA, pd.NaT, None],
        np.array([[1, 2], [3, 4]], dtype=np.int16),
        np.array(["a", 1, None, 2.5], dtype=object),
        np.array(["2020-01-01", "NaT"], dtype="datetime64[s]"),
        [np.float32(1.5), np.int64(-3), np.bool_(True), np.str_("s"), np.datetime64("2020-01")],
        [pd.CategoricalDtype(["b", "a"], ordered=True), pd.DatetimeTZDtype("ms", "Asia/Tokyo")],
        [pd.Int64Dtype(), pd.BooleanDtype(), pd.StringDtype("python", na_value=np.nan)],
        [np.dtype("<M8[ns]"), np.dtype(object), np.dtype("float32")],
        [pd.Timestamp("2021-03-04 05:06:07.000000008", tz="America/New_York"), pd.Timedelta(5)],
        pd.Index([3, 1, 2], name="n"),
        [np.random.default_rng(7), b"\x00\x01", 3 + 4j, 2**70],
    ],
)
def test_state_codec_round_trip(value):
    writer = StateWriter(default_trusted_types())
    data = json.loads(json.dumps(writer.encode(value), allow_nan=False))
    buffer = io.BytesIO()
    np.savez(buffer, **writer.arrays)
    buffer.seek(0)
    arrays = np.load(buffer, allow_pickle=False)
    back = StateReader({k: arrays[k] for k in arrays.files}, default_trusted_types()).decode(data)
    if isinstance(value, np.ndarray):
        np.testing.assert_array_equal(back, value)
        assert back.dtype == value.dtype
    elif isinstance(value, pd.Index):
        pd.testing.assert_index_equal(back, value)
    elif isinstance(value, list) and isinstance(value[0], np.random.Generator):
        assert back[0].integers(1000) == value[0].integers(1000)
        assert back[1:] == value[1:]
    elif isinstance(value, list) and isinstance(value[0], float):
        assert np.isnan(back[0]) and back[1:3] == value[1:3]
        assert back[3] is pd.NA and back[4] is pd.NaT and back[5] is None
    else:
        assert back == value
        if isinstance(value, list):
            assert [type(v) for v in back] == [type(v) for v in value]


def test_state_codec_names_what_it_cannot_store():
    writer = StateWriter(default_trusted_types())
    with pytest.raises(TypeError, match=r"x\['f'\].*builtins.function"):
        writer.encode({"f": lambda: 0}, "x")


def test_pickle_and_joblib_still_work(tmp_path, mixed_frame):
    sampler = ConditionalVAESampler(**TINY).fit(mixed_frame)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        joblib.dump(sampler, tmp_path / "m.joblib")
    again = joblib.load(tmp_path / "m.joblib")
    assert_same_output(sampler.sample(10, random_state=0), again.sample(10, random_state=0))
    again = pickle.loads(pickle.dumps(sampler))
    assert_same_output(sampler.sample(10, random_state=0), again.sample(10, random_state=0))
