"""The networks and arithmetic of deep embedded clustering (DEC, Xie, Girshick & Farhadi 2016).

- ``build_autoencoder``: ``d → encode_units → d`` dense autoencoder; ReLU inside, linear
  embedding (the last encode unit) and linear reconstruction. Layers are named so that the
  encoder can be cut out of a saved autoencoder (``encoder_of``).
- ``soft_assignment``: Student's t kernel between embeddings and centroids,
  ``q_ij ∝ (1 + |z_i - μ_j|² / α)^(-(α+1)/2)``; ``target_distribution``: DEC's auxiliary
  ``p_ij ∝ q_ij² / f_j`` with ``f_j = Σ_i q_ij``.
- ``refine``: the clustering phase: KL(P‖Q) minimised by SGD over encoder and centroids, P
  recomputed every ``update_interval`` batches, stopping when fewer than ``tol`` of the
  assignments changed between two updates (or after ``train_max_iters`` batches); with
  ``loss="idec"`` the reconstruction loss is kept (IDEC, Guo, Gao, Liu & Yin 2017).
  With ``target_neighbors`` k > 1, the first ``NEIGHBOUR_UPDATES`` targets are formed from
  each row's Q averaged over its k nearest rows in the pretrained embedding
  (``neighbour_index``, found once before the first step; the row itself included): the
  target then follows the autoencoder's local structure, so a row is pulled toward the
  cluster of its neighbourhood rather than of its own, possibly noisy, embedding. Later
  targets are the paper's, so that the phase settles under ``tol``: with the averaged target
  throughout, boundary rows of overlapping clusters kept changing sides (10k overlapping
  blobs ran to ``train_max_iters``). Unsupervised, like the rest; k = 0 or 1 is the paper's P
  throughout.
- ``DecBackend``: scores new rows with the saved encoder (``model.keras``, plain Dense layers,
  loaded in safe mode) and the centroids kept in the model's metadata.

Nothing here is saved with custom Keras objects: the clustering layer exists only during
training, so every model file loads with ``safe_mode=True``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlsql.models.backends import KERAS_CHUNK, Scores

EMBEDDING_LAYER = "embedding"
AUTOENCODER_FILE = "autoencoder.keras"
# Targets averaged over neighbours (with `target_neighbors` > 1) before the paper's take over:
# 1,400 batches at the default `update_interval`, where digits' gain is made.
NEIGHBOUR_UPDATES = 10


def build_autoencoder(
    n_inputs: int, units: Sequence[int], activation: str, initializer: str = "glorot_uniform"
) -> Any:
    """An uncompiled autoencoder ``n_inputs → units → n_inputs`` (last unit = embedding)."""
    import keras

    inputs = keras.Input((n_inputs,), name="features")
    hidden = inputs
    for i, width in enumerate(units[:-1]):
        hidden = keras.layers.Dense(
            width, activation=activation, kernel_initializer=initializer, name=f"encoder_{i}"
        )(hidden)
    embedding = keras.layers.Dense(units[-1], kernel_initializer=initializer, name=EMBEDDING_LAYER)(
        hidden
    )
    hidden = embedding
    for i, width in enumerate(reversed(units[:-1])):
        hidden = keras.layers.Dense(
            width, activation=activation, kernel_initializer=initializer, name=f"decoder_{i}"
        )(hidden)
    output = keras.layers.Dense(n_inputs, kernel_initializer=initializer, name="reconstruction")(
        hidden
    )
    return keras.Model(inputs, output, name="autoencoder")


def encoder_of(autoencoder: Any) -> Any:
    """The encoder half of an autoencoder (shares its layers and weights)."""
    import keras

    return keras.Model(
        autoencoder.input, autoencoder.get_layer(EMBEDDING_LAYER).output, name="encoder"
    )


def embed(encoder: Any, x: np.ndarray) -> np.ndarray:
    """Embeddings of `x`, computed eagerly in chunks."""
    from keras import ops

    x = np.asarray(x, dtype=np.float32)
    if not len(x):
        return np.empty((0, int(encoder.output_shape[-1])))
    parts = [
        ops.convert_to_numpy(encoder(x[i : i + KERAS_CHUNK], training=False))
        for i in range(0, len(x), KERAS_CHUNK)
    ]
    return np.concatenate(parts).astype(np.float64)


def soft_assignment(z: np.ndarray, centroids: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """DEC's Q: Student's t similarity of each embedding to each centroid, rows summing to 1."""
    squared = ((z[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    q = (1.0 + squared / alpha) ** (-(alpha + 1.0) / 2.0)
    return q / q.sum(axis=1, keepdims=True)


def target_distribution(q: np.ndarray) -> np.ndarray:
    """DEC's auxiliary target P: squared Q normalised by cluster frequency, rows summing to 1."""
    weight = q**2 / q.sum(axis=0)
    return weight / weight.sum(axis=1, keepdims=True)


def neighbour_index(z: np.ndarray, k: int) -> np.ndarray | None:
    """Each row's `k` nearest rows of `z` (Euclidean; the row itself among them), as an
    ``(n, k)`` index array; None when k < 2 (`k` is capped at the rows)."""
    from sklearn.neighbors import NearestNeighbors

    k = min(int(k), len(z))
    if k < 2:
        return None
    found = NearestNeighbors(n_neighbors=k).fit(z).kneighbors(z, return_distance=False)
    return np.asarray(found)


def neighbour_mean(q: np.ndarray, index: np.ndarray | None) -> np.ndarray:
    """Rows of `q` averaged over each row's neighbours in `index` (`q` itself when None);
    one column of neighbours at a time, so memory stays ``q``'s size."""
    if index is None:
        return q
    total = np.zeros_like(q)
    for column in index.T:
        total += q[column]
    return total / index.shape[1]


def clustering_model(encoder: Any, centroids: np.ndarray, alpha: float) -> Any:
    """Encoder + a Student's t clustering layer initialised at `centroids` (training only)."""
    import keras
    from keras import ops

    class ClusteringLayer(keras.layers.Layer):  # type: ignore[misc]
        def build(self, input_shape: Any) -> None:
            self.centroids = self.add_weight(
                shape=centroids.shape, initializer="zeros", name="centroids"
            )

        def call(self, z: Any) -> Any:
            squared = ops.sum(ops.square(ops.expand_dims(z, 1) - self.centroids), axis=2)
            q = ops.power(1.0 + squared / alpha, -(alpha + 1.0) / 2.0)
            return q / ops.sum(q, axis=1, keepdims=True)

    layer = ClusteringLayer(name="clustering")
    model = keras.Model(encoder.input, layer(encoder.output), name="dec")
    layer.centroids.assign(centroids.astype(np.float32))
    return model, layer


@dataclass
class RefineResult:
    """What the clustering phase ended with."""

    assignments: np.ndarray
    centroids: np.ndarray
    iterations: int
    delta: float
    converged: bool


def refine(
    encoder: Any,
    x: np.ndarray,
    centroids: np.ndarray,
    params: dict[str, Any],
    seed: int,
    report: Callable[..., None],
    autoencoder: Any = None,
) -> RefineResult:
    """DEC's clustering phase over the rows `x` (fine-tunes `encoder` in place).

    With ``params["loss"] == "idec"`` (and the `autoencoder` whose encoder is `encoder`), the
    reconstruction loss stays on during clustering, weighted 1 against ``idec_gamma`` for
    KL(P‖Q) (IDEC, Guo et al. 2017): the embedding keeps the data's local structure.
    """
    alpha = float(params["alpha"])
    model, layer = _refine_model(encoder, centroids, params, autoencoder)
    idec = params.get("loss") == "idec"
    size, interval, tol = params["train_batch_size"], params["update_interval"], params["tol"]
    order = np.random.default_rng(seed).permutation(len(x))
    x = np.asarray(x, dtype=np.float32)[order]
    previous = np.full(len(x), -1)
    first = embed(encoder, x)  # before any step: the neighbours' and the first target's
    neighbours = neighbour_index(first, params.get("target_neighbors", 0))
    delta, start, iteration = 1.0, 0, 0
    for iteration in range(params["train_max_iters"] + 1):
        if iteration % interval == 0:
            z = first if iteration == 0 else embed(encoder, x)
            q = soft_assignment(z, _weights(layer), alpha)
            averaged = iteration < NEIGHBOUR_UPDATES * interval
            p = target_distribution(neighbour_mean(q, neighbours if averaged else None))
            p = p.astype(np.float32)
            current = q.argmax(axis=1)
            delta = float(np.mean(current != previous))
            previous = current
            report(stage="cluster", iteration=iteration, delta=delta)
            if iteration > 0 and delta < tol:
                break
        if iteration == params["train_max_iters"]:
            break
        stop = min(start + size, len(x))
        batch = x[start:stop]
        model.train_on_batch(batch, [p[start:stop], batch] if idec else p[start:stop])
        start = stop if stop < len(x) else 0
    assignments = np.empty(len(x), dtype=np.int64)
    assignments[order] = previous
    return RefineResult(assignments, _weights(layer), iteration, delta, delta < tol)


def _refine_model(
    encoder: Any, centroids: np.ndarray, params: dict[str, Any], autoencoder: Any
) -> tuple[Any, Any]:
    """The compiled model of the clustering phase (DEC: Q only; IDEC: Q and reconstruction)."""
    import keras

    model, layer = clustering_model(encoder, centroids, float(params["alpha"]))
    optimizer = keras.optimizers.SGD(learning_rate=float(params["train_lr"]), momentum=0.9)
    if params.get("loss") != "idec":
        model.compile(optimizer=optimizer, loss="kld")
        return model, layer
    if autoencoder is None:
        raise ValueError("IDEC refines with the autoencoder: pass `autoencoder`")
    both = keras.Model(autoencoder.input, [model.output, autoencoder.output], name="idec")
    both.compile(
        optimizer=optimizer, loss=["kld", "mse"], loss_weights=[float(params["idec_gamma"]), 1.0]
    )
    return both, layer


def _weights(layer: Any) -> np.ndarray:
    from keras import ops

    return np.asarray(ops.convert_to_numpy(layer.centroids), dtype=np.float64)


class DecBackend:
    """Scores rows with a DEC model: the encoder's embedding, Student's t over centroids."""

    def __init__(self, encoder: Any, centroids: np.ndarray, alpha: float) -> None:
        self.encoder = encoder
        self.centroids = np.asarray(centroids, dtype=np.float64)
        self.alpha = alpha

    def scores(self, x: np.ndarray) -> Scores:
        """Cluster ids, soft assignments, distances to the centroid and embeddings of `x`."""
        z = embed(self.encoder, x)
        q = soft_assignment(z, self.centroids, self.alpha)
        codes = q.argmax(axis=1).astype(np.int64)
        diff = z - self.centroids[codes]
        distance = np.sqrt((diff * diff).sum(axis=1))
        return Scores(codes=codes, proba=q, distance=distance, embedding=z)
