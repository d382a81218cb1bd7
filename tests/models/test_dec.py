"""DEC (deep embedded clustering): beats or matches KMeans on a small set at a fixed seed,
reuses a stored autoencoder without a pretraining epoch, predicts ``group_id``, soft
assignments and embeddings, and refuses bad parameters and bad pretrained models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlsql.errors import AnalysisError
from mlsql.models.algorithms import get_algorithm
from mlsql.models.algorithms.dec import auto_pretrain_epochs, dec_params, encode_units
from mlsql.models.algorithms.dec_network import (
    neighbour_index,
    neighbour_mean,
    soft_assignment,
    target_distribution,
)
from mlsql.models.metrics import clustering_accuracy
from mlsql.workers.training import GroupSpec, train_group
from tests.models.helpers import CountingSource, trained

keras = pytest.importorskip("keras")

pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)

SMALL = {
    "n_clusters": "4",
    "encode_units": "64,32,6",
    "pretrain_epochs": "25",
    "pretrain_batch_size": "32",
    "update_interval": "20",
    "train_max_iters": "600",
    "train_batch_size": "64",
    "validationFraction": "0",
    "evalLabelCol": "y",
    "seed": "7",
    "pretrain_candidates": "3",
}


def digits_subset(classes: int = 4) -> pd.DataFrame:
    """The first `classes` digits of scikit-learn's set, pixels in [0, 1], class in ``y``."""
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    keep = y < classes
    frame = pd.DataFrame(x[keep] / 16.0, columns=[f"p{i}" for i in range(x.shape[1])])
    frame["y"] = y[keep]
    return frame


@pytest.fixture(scope="module")
def dec_model(tmp_path_factory):
    df = digits_subset()
    folder = tmp_path_factory.mktemp("dec")
    source, events = CountingSource(df, chunk=100), []
    result = train_group(GroupSpec("DEC", params=dict(SMALL)), source, folder, events.append)
    assert result.ok, (result.error, result.detail)
    return df, folder, result, source, events


def test_dec_matches_or_beats_kmeans_at_a_fixed_seed(dec_model) -> None:
    from sklearn.cluster import KMeans

    df, folder, result, _, _ = dec_model
    x = df.drop(columns="y").to_numpy()
    kmeans = KMeans(4, n_init=20, random_state=7).fit(x)
    kmeans_acc = clustering_accuracy(df["y"].to_numpy(), kmeans.labels_)
    assert result.metrics["acc"] >= kmeans_acc, (result.metrics, kmeans_acc)
    assert result.metrics["acc"] > 0.9


def test_pretraining_streams_one_pass_per_epoch(dec_model) -> None:
    _, _, result, source, events = dec_model
    epochs = [e["epoch"] for e in events if e.get("stage") == "epoch"]
    assert epochs == list(range(1, 26))
    # featuriser pass + 25 pretraining epochs + the rows for clustering + evaluation
    assert source.passes == 1 + 25 + 1 + 1
    assert any(e.get("stage") == "cluster" for e in events)
    assert result.task == "clustering" and result.params["n_clusters"] == 4


def test_training_keeps_the_candidate_with_the_best_silhouette(dec_model) -> None:
    """Three autoencoders pretrain on the same passes; the stored one is the best-scored."""
    from mlsql.models.loader import load_model

    _, folder, _, _, events = dec_model
    scored = [e for e in events if e.get("stage") == "kmeans"]
    assert [e["candidate"] for e in scored] == [0, 1, 2]
    silhouettes = [e["silhouette"] for e in scored]
    dec = load_model(folder).metadata.extra["dec"]
    assert dec["candidate_silhouettes"] == silhouettes
    assert dec["candidate"] == int(np.argmax(silhouettes))


def test_predictions_give_group_id_probabilities_and_embedding(dec_model, tmp_path) -> None:
    from mlsql.models.loader import load_model

    df, folder, result, _, _ = dec_model
    model = load_model(folder)
    out = model.predict(df)
    assert list(out.columns) == ["prediction", "distance", "group_id", "probabilities", "embedding"]
    np.testing.assert_array_equal(out["group_id"], out["prediction"])
    proba = np.vstack(out["probabilities"])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-9)
    np.testing.assert_array_equal(proba.argmax(axis=1), out["group_id"])
    embedding = np.vstack(out["embedding"])
    assert embedding.shape == (len(df), 6)
    encoder = keras.models.load_model(folder / "model.keras", compile=False)
    expected = encoder.predict(model.featurizer.transform(df).astype("float32"), verbose=0)
    np.testing.assert_allclose(embedding, expected, rtol=1e-4, atol=1e-5)
    centroids = np.asarray(model.metadata.extra["dec"]["centroids"])
    np.testing.assert_allclose(proba, soft_assignment(embedding, centroids), rtol=1e-6)
    only = model.predict(df.head(5), outputs=["group_id"])
    assert list(only.columns) == ["group_id"]
    assert acc_of(df, out["group_id"]) == pytest.approx(result.metrics["acc"])


def acc_of(df: pd.DataFrame, groups: pd.Series) -> float:
    return clustering_accuracy(df["y"].to_numpy(), groups.to_numpy())


def test_reusing_a_pretrained_model_runs_no_pretraining_epoch(dec_model, tmp_path) -> None:
    df, folder, _, _, _ = dec_model
    params = {**SMALL, "model.existed_pretrain_model": str(folder), "train_max_iters": "100"}
    params.pop("encode_units")
    source, events = CountingSource(df, chunk=100), []
    result = train_group(GroupSpec("DEC", params=params), source, tmp_path, events.append)
    assert result.ok, (result.error, result.detail)
    assert not [e for e in events if e.get("stage") == "epoch"]
    assert source.passes == 1 + 1 + 1  # featuriser, rows for clustering, evaluation
    assert result.params["encode_units"] == [64, 32, 6]
    assert (tmp_path / "autoencoder.keras").is_file()  # stored again, reusable in turn
    assert result.metrics["acc"] > 0.9


def test_sqlflow_names_and_aliases() -> None:
    assert get_algorithm("DeepEmbeddingClusterModel").name == "DEC"
    params, _ = dec_params(
        {
            "model.n_clusters": "5",
            "model.encode_units": "[100, 7]",
            "model.run_pretrain": "false",
            "model.pretrain_epochs": "3",
            "model.train_max_iters": "10",
            "model.update_interval": "5",
            "model.tol": "0.01",
            "model.pretrain_batch_size": "16",
        }
    )
    assert params["n_clusters"] == 5 and params["encode_units"] == [100, 7]
    assert params["run_pretrain"] is False and params["tol"] == 0.01
    params, _ = dec_params({"k": "3", "pretrainedModel": "/models/c", "maxIter": "9"})
    assert params["n_clusters"] == 3 and params["existed_pretrain_model"] == "/models/c"
    assert params["train_max_iters"] == 9
    assert encode_units("500,500,2000,10") == [500, 500, 2000, 10]


def test_defaults_are_the_benchmarked_ones() -> None:
    """bench/clustering.py runs digits with these defaults (README's figures)."""
    params, _ = dec_params({"n_clusters": "10"})
    assert params["encode_units"] == [256, 256, 1024, 10] and params["kmeans_init"] == 20
    assert params["pretrain_epochs"] is None and params["pretrain_batch_size"] == 64
    assert auto_pretrain_epochs(params, 1797) == 150  # digits: 29 batches of 64 an epoch
    assert auto_pretrain_epochs(params, 20_000) == 15  # about 4,500 steps
    assert auto_pretrain_epochs(params, 70_000) == 10  # at least 10 epochs
    assert auto_pretrain_epochs({**params, "pretrain_epochs": 3}, 70_000) == 3  # as given
    assert params["update_interval"] == 140 and params["tol"] == 0.001
    assert params["train_batch_size"] == 256 and params["train_max_iters"] == 8000
    assert params["pretrain_candidates"] == 1
    assert params["target_neighbors"] == 10


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"n_clusters": "1"}, "at least 2"),
        ({"encode_units": "500,,10"}, "encode_units"),
        ({"encode_units": "a,b"}, "encode_units"),
        ({"encode_units": "64,0"}, "encode_units"),
        ({"tol": "2"}, "tol"),
        ({"update_interval": "0"}, "update_interval"),
        ({"model.n_clusterz": "3"}, "n_clusterz"),
        ({"k": "1"}, r": k \(n_clusters\) must be at least 2"),
        ({"model.encode_units": "4,x"}, r": model\.encode_units must be positive integers"),
        ({"maxIter": "-1"}, r": maxIter \(train_max_iters\) must be an integer"),
        ({"loss": "kl"}, r': loss must be "dec" or "idec"'),
        ({"idec_gamma": "0"}, r": idec_gamma must be a number > 0"),
        ({"pretrain_candidates": "0"}, r": pretrain_candidates must be an integer 1 to 10"),
        ({"model.pretrain_candidates": "11"}, "pretrain_candidates"),
        ({"target_neighbors": "-1"}, r": target_neighbors must be an integer ≥ 0"),
        ({"model.target_neighbors": "2.5"}, "target_neighbors"),
    ],
)
def test_bad_parameters_are_clear_errors(params, message) -> None:
    with pytest.raises(AnalysisError, match=message):
        dec_params(params)


def test_target_distribution_sharpens_and_normalises() -> None:
    q = soft_assignment(np.array([[0.0, 0.0], [1.0, 1.0], [0.2, 0.1]]), np.eye(2) * 3)
    p = target_distribution(q)
    np.testing.assert_allclose(q.sum(axis=1), 1.0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert (np.abs(p - 0.5) >= np.abs(q - 0.5) - 1e-12).all()


def test_the_target_averages_each_rows_assignment_over_its_neighbours() -> None:
    z = np.array([[0.0], [1.0], [2.5], [10.0], [11.0]])
    index = neighbour_index(z, 2)
    assert index is not None and index.shape == (5, 2)
    assert (index[:, 0] == np.arange(5)).all()  # each row is its own nearest
    assert index[:, 1].tolist() == [1, 0, 1, 4, 3]
    assert neighbour_index(z, 1) is None and neighbour_index(z, 0) is None
    assert neighbour_index(z, 50).shape == (5, 5)  # capped at the rows
    q = soft_assignment(z, np.array([[0.0], [10.0]]))
    smoothed = neighbour_mean(q, index)
    np.testing.assert_allclose(smoothed, (q + q[index[:, 1]]) / 2)
    np.testing.assert_allclose(smoothed.sum(axis=1), 1.0)
    assert neighbour_mean(q, None) is q


def _fails(tmp_path, params, df, name="bad"):
    staging = tmp_path / name
    source = CountingSource(df)
    result = train_group(GroupSpec("DEC", params=params), source, staging, lambda e: None)
    assert not result.ok
    assert not (staging / ".mlsql-model").exists()
    return result


def test_more_clusters_than_rows_fails_before_training(tmp_path) -> None:
    df = digits_subset().head(6)
    params = {"n_clusters": "7", "encode_units": "8,2", "validationFraction": "0"}
    result = _fails(tmp_path, params, df)
    assert "n_clusters=7 is more than the 6 training rows" in result.error


def test_a_pretrained_model_that_is_not_dec_is_refused(tmp_path) -> None:
    df = digits_subset()
    _, kmeans = trained(tmp_path, "KMeans", {"k": "3", "excludeCols": "y"}, df, name="km")
    params = {"n_clusters": "3", "existed_pretrain_model": str(kmeans.folder), "excludeCols": "y"}
    result = _fails(tmp_path, params, df)
    assert "not a DEC model" in result.error


def test_a_pretrained_model_of_another_width_is_refused(dec_model, tmp_path) -> None:
    df, folder, _, _, _ = dec_model
    narrow = df[[f"p{i}" for i in range(10)] + ["y"]]
    params = {"n_clusters": "3", "existed_pretrain_model": str(folder), "evalLabelCol": "y"}
    result = _fails(tmp_path, params, narrow)
    assert "reads 64 features" in result.error and "gives 10" in result.error


def test_a_missing_pretrained_model_is_refused(tmp_path) -> None:
    params = {"n_clusters": "3", "existed_pretrain_model": str(tmp_path / "nothing")}
    result = _fails(tmp_path, params, digits_subset())
    assert "existed_pretrain_model" in result.error


def test_clustering_accuracy_is_the_best_one_to_one_matching() -> None:
    from itertools import permutations

    rng = np.random.default_rng(0)
    truth = rng.choice(["a", "b", "c"], 60)
    groups = rng.integers(0, 4, 60)  # more clusters than classes: one stays unmatched
    best = max(
        np.mean(
            [
                dict(zip(p, "abc", strict=False)).get(g) == t
                for g, t in zip(groups, truth, strict=True)
            ]
        )
        for p in permutations(range(4), 3)
    )
    assert clustering_accuracy(truth, groups) == pytest.approx(best)
    assert clustering_accuracy(truth, truth) == 1.0


def test_run_pretrain_false_clusters_a_random_encoder(tmp_path) -> None:
    params = {
        "model.n_clusters": "3",
        "model.encode_units": "16,4",
        "model.run_pretrain": "false",
        "model.train_max_iters": "20",
        "model.update_interval": "5",
        "validationFraction": "0",
    }
    source, events = CountingSource(digits_subset(3), chunk=100), []
    result = train_group(GroupSpec("DEC", params=params), source, tmp_path, events.append)
    assert result.ok, (result.error, result.detail)
    assert not [e for e in events if e.get("stage") == "epoch"]
    assert source.passes == 3  # featuriser, rows for clustering, evaluation
    assert "silhouette" in result.metrics and "acc" not in result.metrics


def test_idec_keeps_the_reconstruction_loss_and_matches_kmeans(dec_model, tmp_path) -> None:
    """``loss="idec"``: the clustering phase also trains the decoder (reconstruction kept)."""
    from sklearn.cluster import KMeans

    df, folder, _, _, _ = dec_model
    params = {**SMALL, "loss": "idec", "existed_pretrain_model": str(folder)}
    params.pop("encode_units")
    result = train_group(
        GroupSpec("DEC", params=params), CountingSource(df), tmp_path, lambda e: None
    )
    assert result.ok, (result.error, result.detail)
    assert result.params["loss"] == "idec" and result.params["idec_gamma"] == 0.1
    x = df.drop(columns="y").to_numpy()
    kmeans = KMeans(4, n_init=20, random_state=7).fit(x)
    assert result.metrics["acc"] >= clustering_accuracy(df["y"].to_numpy(), kmeans.labels_)


def test_epochs_shuffle_each_pass_into_fixed_size_minibatches() -> None:
    from mlsql.models.algorithms.epochs import minibatches, run_epochs

    frames = [(np.arange(n, dtype=float), np.arange(n)) for n in (5, 3, 4)]
    batches = list(minibatches(iter(frames), 4, np.random.default_rng(0)))
    assert [len(x) for x, _, _ in batches] == [4, 4, 4]
    assert [rows for _, _, rows in batches] == [5, 8, 12]
    assert all((x == y).all() for x, y, _ in batches)  # pairs stay aligned

    class Model:
        calls: list[int] = []

        def train_on_batch(self, x, y):
            self.calls.append(len(x))
            return [float(len(x))]

    events: list[dict] = []
    run_epochs(
        Model(),
        lambda: iter(frames),
        epochs=2,
        batch_size=5,
        seed=1,
        report=lambda **e: events.append(e),
        phase="p",
    )
    assert Model.calls == [5, 5, 2, 5, 5, 2]
    assert [e["epoch"] for e in events] == [1, 2] and events[0]["rows"] == 12
    assert events[0] == {
        "stage": "epoch",
        "phase": "p",
        "epoch": 1,
        "epochs": 2,
        "rows": 12,
        "loss": 4.0,
    }


def _linear_autoencoder(weights: np.ndarray):
    """A 3 → 2 → 3 autoencoder whose embedding is ``x @ weights`` (no training)."""
    from mlsql.models.algorithms.dec_network import build_autoencoder

    autoencoder = build_autoencoder(3, [2], "relu")
    autoencoder.get_layer("embedding").set_weights([weights.astype(np.float32), np.zeros(2)])
    return autoencoder


@pytest.mark.parametrize("good_first", [True, False])
def test_the_candidate_with_the_best_silhouette_starts_the_clustering(good_first) -> None:
    """``choose`` keeps the autoencoder whose KMeans partition of its embedding has the highest
    silhouette (here: the one that sees three blobs, not the one that sees only noise)."""
    from sklearn.datasets import make_blobs

    from mlsql.models.algorithms.dec_select import choose, kmeans_start

    blobs, _ = make_blobs(300, n_features=2, centers=3, cluster_std=0.3, random_state=0)
    noise = np.random.default_rng(0).uniform(-50, 50, size=(300, 1))
    x = np.hstack([blobs, noise]).astype(np.float32)
    sees_blobs = _linear_autoencoder(np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]))
    sees_noise = _linear_autoencoder(np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 0.5]]))
    candidates = [sees_blobs, sees_noise] if good_first else [sees_noise, sees_blobs]
    events: list[dict] = []
    start = choose(candidates, x, 3, 5, 1, lambda **e: events.append(e))
    assert start.autoencoder is sees_blobs and start.index == (0 if good_first else 1)
    assert max(start.silhouettes) == start.silhouettes[start.index] > 0.8
    assert [e["candidate"] for e in events if e["stage"] == "kmeans"] == [0, 1]
    centroids, _, _ = kmeans_start(x[:, :2].astype(np.float64), 3, 5, 1)
    ordered = sorted(map(tuple, np.round(centroids, 3)))
    assert sorted(map(tuple, np.round(start.centroids, 3))) == ordered


def test_candidates_pretrain_side_by_side_on_the_same_minibatches() -> None:
    from mlsql.models.algorithms.dec_select import SideBySide

    class Model:
        def __init__(self, loss: float) -> None:
            self.loss, self.seen = loss, []

        def train_on_batch(self, x, y):
            self.seen.append(x.copy())
            return [self.loss]

    models = [Model(1.0), Model(3.0)]
    pair = SideBySide(models)
    assert pair.train_on_batch(np.arange(4.0), np.arange(4.0)) == 2.0
    assert all(len(m.seen) == 1 and (m.seen[0] == np.arange(4.0)).all() for m in models)
