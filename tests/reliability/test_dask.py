"""Dask: grid search through joblib's dask backend on a LocalCluster; sampling as tasks."""

import numpy as np
import pandas as pd
import pytest

distributed = pytest.importorskip("distributed")

from imblearn.pipeline import Pipeline  # noqa: E402
from joblib import parallel_config  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold  # noqa: E402

from sksynth.generators import VAESampler  # noqa: E402
from sksynth.io import sample_to_parquet_dask  # noqa: E402

TINY = dict(epochs=1, batch_size=30, hidden_dims=(8,), latent_dim=2, random_state=0)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def _search():
    model = Pipeline([("over", VAESampler(**TINY)), ("clf", LogisticRegression())])
    grid = {"over__sampling_strategy": [0.6, 1.0], "over__beta": [0.5, 2.0]}
    return GridSearchCV(
        model, grid, cv=StratifiedKFold(2, shuffle=True, random_state=0), scoring="roc_auc"
    )


def test_grid_search_on_a_local_cluster_equals_local(client):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = (X[:, 0] + rng.normal(0, 0.5, 80) > 0.9).astype(int)
    local = _search().fit(X, y)
    with parallel_config(backend="dask"):
        remote = _search().set_params(n_jobs=-1).fit(X, y)
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert remote.best_params_ == local.best_params_
    # the workers run torch on one thread each (no oversubscription)
    threads = client.run(lambda: __import__("torch").get_num_threads())
    assert set(threads.values()) == {1}


def test_sampling_as_tasks_equals_iter_samples(client, tmp_path, mixed_frame):
    sampler = VAESampler(**TINY).fit(mixed_frame)
    out = sample_to_parquet_dask(
        sampler, tmp_path / "synth", 45, chunk_size=20, random_state=7, client=client
    )
    assert sorted(p.name for p in out.iterdir()) == [f"part-0000{i}.parquet" for i in range(3)]
    table = pd.read_parquet(out)
    expected = pd.concat(sampler.iter_samples(45, 20, random_state=7), ignore_index=True)
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)
    with pytest.raises(ValueError, match="already exists"):
        sample_to_parquet_dask(sampler, out, 5, client=client)
    assert [p.name for p in tmp_path.iterdir()] == ["synth"]  # no temporary folder left
