"""DEC's starting point chosen among several pretrained autoencoders, without labels.

A single pretraining sometimes gives an embedding on which KMeans merges two classes (on
scikit-learn's digits: 3 and 9, with 1 split in two), and DEC's refinement cannot split a
merged cluster. So ``pretrain_candidates`` autoencoders (different initial weights) are
pretrained side by side on the same passes over the topic (``SideBySide``: each mini-batch
is fed to every candidate), each candidate's embedding is clustered by KMeans
(``kmeans_init`` restarts), and the candidate whose partition has the highest silhouette on
its own embedding (a scale-free score, so comparable across embeddings; computed on a seeded
sample of at most ``SELECT_SAMPLE`` rows) is kept, with its KMeans centroids. No label is
read. With one candidate no silhouette is computed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlsql.models.algorithms.dec_network import embed, encoder_of

SELECT_SAMPLE = 5000


class SideBySide:
    """Trains several Keras models on the same mini-batches (``train_on_batch`` of each).

    Quacks like the one model ``run_epochs`` expects: returns the mean of their losses.
    """

    def __init__(self, models: Sequence[Any]) -> None:
        self.models = list(models)

    def train_on_batch(self, x: np.ndarray, y: np.ndarray) -> float:
        """One optimiser step of every model on ``(x, y)``; the mean loss."""
        losses = [float(np.asarray(m.train_on_batch(x, y)).ravel()[0]) for m in self.models]
        return float(np.mean(losses))


@dataclass
class Start:
    """The chosen candidate: its index, autoencoder, KMeans centroids and every score."""

    index: int
    autoencoder: Any
    centroids: np.ndarray
    inertia: float
    silhouettes: list[float] = field(default_factory=list)


def kmeans_start(
    embedding: np.ndarray, n_clusters: int, n_init: int, seed: int
) -> tuple[np.ndarray, float, np.ndarray]:
    """KMeans on `embedding`: centroids, inertia and labels."""
    from sklearn.cluster import KMeans

    kmeans = KMeans(n_clusters, n_init=n_init, random_state=seed).fit(embedding)
    centroids = np.asarray(kmeans.cluster_centers_, dtype=np.float64)
    return centroids, float(kmeans.inertia_), np.asarray(kmeans.labels_)


def silhouette(embedding: np.ndarray, labels: np.ndarray, seed: int) -> float:
    """Silhouette of `labels` on `embedding` (seeded sample of at most ``SELECT_SAMPLE`` rows);
    -1 when the partition has a single cluster."""
    from sklearn.metrics import silhouette_score

    if len(np.unique(labels)) < 2:
        return -1.0
    size = min(len(labels), SELECT_SAMPLE)
    return float(silhouette_score(embedding, labels, sample_size=size, random_state=seed))


def choose(
    autoencoders: Sequence[Any],
    x: np.ndarray,
    n_clusters: int,
    n_init: int,
    seed: int,
    report: Callable[..., None],
) -> Start:
    """The candidate whose KMeans partition of its embedding has the best silhouette.

    Ties keep the earliest candidate. One ``stage="kmeans"`` report per candidate
    (``candidate``, ``inertia``, and ``silhouette`` when there are several).
    """
    best: Start | None = None
    scores: list[float] = []
    for index, autoencoder in enumerate(autoencoders):
        embedding = embed(encoder_of(autoencoder), x)
        centroids, inertia, labels = kmeans_start(embedding, n_clusters, n_init, seed)
        fields: dict[str, Any] = {"candidate": index, "inertia": inertia}
        if len(autoencoders) > 1:
            scores.append(silhouette(embedding, labels, seed))
            fields["silhouette"] = scores[-1]
        report(stage="kmeans", rows=len(x), **fields)
        if best is None or scores[-1] > max(scores[:-1]):
            best = Start(index, autoencoder, centroids, inertia)
    if best is None:
        raise ValueError("choose needs at least one autoencoder")
    best.silhouettes = scores
    return best
