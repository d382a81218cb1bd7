"""``DEC`` / ``DeepEmbeddingClusterModel``: deep embedded clustering, SQLFlow's ClusterModel.

Parameters (SQLFlow's names, with or without the ``model.`` prefix; aliases in brackets):

- ``n_clusters`` [k, nClusters] (10): clusters, at least 2 and at most the training rows;
- ``encode_units`` [pretrain_dims, encodeUnits] ("256,256,1024,10"; the paper's is
  "500,500,2000,10"): encoder widths, the last one is the embedding; the decoder mirrors them;
- ``run_pretrain`` (true), ``pretrain_epochs`` (by the rows: about ``PRETRAIN_STEPS``
  mini-batch steps, 10 to 150 epochs, so 150 on digits' 1,797 rows and 10 on 70k rows),
  ``pretrain_batch_size`` (64) (these defaults reach the median ACC 0.851 on digits, README;
  one pass over the topic per epoch);
  ``pretrain_lr`` (0.001, Adam), ``pretrain_activation_func`` [activation] ("relu"),
  ``pretrain_initializer`` ("glorot_uniform");
- ``existed_pretrain_model`` [pretrainedModel]: an earlier DEC model (model path or version
  folder) whose stored autoencoder is reused: no pretraining epoch runs (SQLFlow's ``USING``);
- ``pretrain_candidates`` (1, at most 10): autoencoders pretrained side by side (same passes,
  different initial weights); the one whose KMeans partition of its embedding has the best
  silhouette is kept (``dec_select``; unsupervised; 1 when ``existed_pretrain_model`` is
  given). Not the default: on digits the silhouette did not predict the better start;
- ``kmeans_init`` (20): KMeans restarts that place the first centroids on the embedding;
- ``train_max_iters`` [maxIter] (8000), ``train_batch_size`` [batchSize] (256), ``train_lr``
  [stepSize] (0.01, SGD with momentum 0.9), ``update_interval`` (140), ``tol`` (0.001),
  ``alpha`` (1.0, Student's t degrees of freedom);
- ``target_neighbors`` (10): the first 10 target distributions (``NEIGHBOUR_UPDATES``) are
  formed from each row's soft assignment averaged over its nearest rows in the pretrained
  embedding (that many, the row included; found once, before the clustering phase;
  ``dec_network``), later ones are the paper's; 0 or 1 gives the paper's target throughout.
  With 10, digits' median ACC over seeds 1-6 rose from 0.849 to 0.864, no seed below 0.843
  (README);
- ``loss`` ("dec"): "idec" keeps the reconstruction loss during clustering (IDEC, Guo et al.
  2017), ``idec_gamma`` (0.1) weighting the clustering loss against it.

Values are checked on the driver before any topic exists (``check_params``, called by the
train statement's validation); ``n_clusters`` against the row count once the worker has read
the rows.

How the data flows: the first pass over the statement's topic fits the featuriser and counts
rows; every pretraining epoch is one more pass (streamed in shuffled mini-batches, as the DNN
trains); one last pass holds the featurised training rows in the worker (float32, as the
scikit-learn trainers hold theirs) for KMeans and the clustering phase, whose target
distribution needs every row's assignment. The driver never sees a row.

The model folder holds ``model.keras`` (the fine-tuned encoder), ``autoencoder.keras`` (the
pretrained autoencoder, reusable by a later ``existed_pretrain_model``) and, in the metadata,
the centroids. Predictions: ``prediction`` and ``group_id`` (the cluster), ``distance`` (to
its centroid in the embedding), ``probabilities`` (the soft assignment) and ``embedding``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from mlsql.errors import AnalysisError
from mlsql.models.algorithms.base import TrainContext, TrainOutcome
from mlsql.models.algorithms.common import (
    decide_task,
    evaluation_label,
    evaluation_source,
    training_part,
)
from mlsql.models.algorithms.dec_network import (
    AUTOENCODER_FILE,
    build_autoencoder,
    encoder_of,
    refine,
)
from mlsql.models.algorithms.dec_select import SideBySide, choose
from mlsql.models.backends import KERAS_FILE, quiet_tensorflow
from mlsql.models.features import Featurizer, FeaturizerBuilder
from mlsql.models.params import parse_value, resolve_params

DEFAULTS: dict[str, Any] = {
    "n_clusters": 10,
    "encode_units": [256, 256, 1024, 10],
    "run_pretrain": True,
    "existed_pretrain_model": None,
    "pretrain_epochs": None,  # by the rows: `auto_pretrain_epochs`
    "pretrain_batch_size": 64,
    "pretrain_lr": 0.001,
    "pretrain_activation_func": "relu",
    "pretrain_initializer": "glorot_uniform",
    "pretrain_candidates": 1,
    "kmeans_init": 20,
    "train_max_iters": 8000,
    "train_batch_size": 256,
    "train_lr": 0.01,
    "update_interval": 140,
    "tol": 0.001,
    "alpha": 1.0,
    "target_neighbors": 10,
    "loss": "dec",
    "idec_gamma": 0.1,
}
# Pretraining without `pretrain_epochs`: about this many mini-batch steps, in at least 10 and at
# most 150 epochs (150 epochs of 1,797 rows in batches of 64 are 4,350 steps; a 70k-row table
# gets 10 epochs, not 150 passes over its topic).
PRETRAIN_STEPS = 4_500
AUTO_EPOCHS = (10, 150)
POSITIVE_INTS = (
    "n_clusters",
    "pretrain_batch_size",
    "kmeans_init",
    "train_batch_size",
    "update_interval",
)
PREFIX = "model."
UNIT_KEYS = ("encode_units", "pretrain_dims", "encodeUnits")
LOSSES = ("dec", "idec")
PRETRAINED_KEYS = ("existed_pretrain_model", "pretrainedModel")
OUTPUTS = [
    {"name": "probabilities", "type": "array<double>", "doc": "soft assignment to each cluster"},
    {"name": "embedding", "type": "array<double>", "doc": "the encoder's embedding"},
]
_UNIT = re.compile(r"^\s*\d+\s*$")


def dec_params(params: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The DEC parameters: defaults overridden by the script's (``model.`` prefix dropped).

    Errors name the parameter as the script spelled it, first (``k must be …``), so the
    driver's check (``check_params``) can point at the option.

    Raises:
        AnalysisError: An unknown name or a value out of range.
    """
    stripped = {k.removeprefix(PREFIX): v for k, v in params.items()}
    spelled = _spellings(params)
    units = None
    for key in UNIT_KEYS:
        units = stripped.pop(key, units)
    resolved, ignored = resolve_params("DEC", stripped, DEFAULTS)
    merged = {**DEFAULTS, **resolved}
    if units is not None:
        merged["encode_units"] = encode_units(units, spelled.get("encode_units", "encode_units"))
    checks: list[tuple[tuple[str, ...], Callable[[Any], bool], str]] = [
        (POSITIVE_INTS, lambda v: _is_int(v) and v >= 1, "a positive integer"),
        (
            ("train_max_iters", "target_neighbors"),
            lambda v: _is_int(v) and v >= 0,
            "an integer ≥ 0",
        ),
        (("pretrain_epochs",), lambda v: v is None or _is_int(v) and v >= 0, "an integer ≥ 0"),
        (("pretrain_lr", "train_lr", "alpha"), lambda v: _is_number(v) and v > 0, "a number > 0"),
        (("tol",), lambda v: _is_number(v) and 0 <= v < 1, "a number in [0, 1)"),
        (("pretrain_candidates",), lambda v: _is_int(v) and 1 <= v <= 10, "an integer 1 to 10"),
        (("run_pretrain",), lambda v: isinstance(v, bool), '"true" or "false"'),
        (("loss",), lambda v: v in LOSSES, " or ".join(f'"{n}"' for n in LOSSES)),
        (("idec_gamma",), lambda v: _is_number(v) and v > 0, "a number > 0"),
    ]
    for keys, test, what in checks:
        for key in keys:
            _check(spelled.get(key, key), key, merged[key], test, what)
    if merged["n_clusters"] < 2:
        name = _named(spelled.get("n_clusters", "n_clusters"), "n_clusters")
        raise AnalysisError(f"{name} must be at least 2, not {merged['n_clusters']}")
    return merged, ignored


def check_params(params: Mapping[str, Any]) -> None:
    """The driver's check of a group's DEC parameters, before any topic or job exists.

    Raises:
        AnalysisError: As ``dec_params``, the message starting with the option's name.
    """
    dec_params(params)


def auto_pretrain_epochs(params: Mapping[str, Any], rows: int) -> int:
    """The pretraining epochs: ``pretrain_epochs`` when given, else as many as make about
    ``PRETRAIN_STEPS`` mini-batch steps over `rows`, within ``AUTO_EPOCHS``."""
    if params["pretrain_epochs"] is not None:
        return int(params["pretrain_epochs"])
    steps_per_epoch = max(1, math.ceil(rows / params["pretrain_batch_size"]))
    low, high = AUTO_EPOCHS
    return max(low, min(high, math.ceil(PRETRAIN_STEPS / steps_per_epoch)))


def check_rows(params: Mapping[str, Any], rows: int) -> None:
    """Raises AnalysisError when ``n_clusters`` exceeds the `rows` of the training table."""
    merged, _ = dec_params(params)
    if merged["n_clusters"] > rows:
        name = _named(_spellings(params).get("n_clusters", "n_clusters"), "n_clusters")
        raise AnalysisError(f"{name}={merged['n_clusters']} is more than the {rows} training rows")


def _spellings(params: Mapping[str, Any]) -> dict[str, str]:
    """Canonical parameter name → the key as the script wrote it."""
    from mlsql.models.params import alias_table

    table = alias_table("DEC")
    spelled = {}
    for key in params:
        bare = key.removeprefix(PREFIX)
        alias = table.get(bare)
        spelled[alias.target if alias else bare] = key
    return spelled


def encode_units(value: Any, name: str = "encode_units") -> list[int]:
    """Encoder widths from ``"500,500,2000,10"``, ``"[100, 7]"``, ``10`` or a list.

    Raises:
        AnalysisError: Not a list of positive integers.
    """
    example = 'e.g. encode_units="500,500,2000,10"'
    message = f"{_named(name, 'encode_units')} must be positive integers, {example}: {value!r}"
    if isinstance(value, str):
        parts = value.strip().removeprefix("[").removesuffix("]").split(",")
        if not all(_UNIT.match(p) for p in parts):
            raise AnalysisError(message)
        value = [int(p) for p in parts]
    items = value if isinstance(value, list | tuple) else [value]
    if not items or not all(_is_int(u) and u > 0 for u in items):
        raise AnalysisError(message)
    return list(items)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _named(spelled: str, canonical: str) -> str:
    bare = spelled.removeprefix(PREFIX)
    return spelled if bare == canonical else f"{spelled} ({canonical})"


def _check(spelled: str, key: str, value: Any, test: Callable[[Any], bool], what: str) -> None:
    if not test(value):
        raise AnalysisError(f"{_named(spelled, key)} must be {what} (DEC), not {value!r}")


def pretrained_folder(path: str) -> Path:
    """The version folder of an earlier DEC model named by ``existed_pretrain_model``.

    Raises:
        AnalysisError: No such model, not a DEC model, or it holds no autoencoder.
    """
    from mlsql.models.loader import resolve_folder
    from mlsql.models.store import verify

    try:
        folder = resolve_folder(str(parse_value(path)))
        metadata = verify(folder)
    except AnalysisError as exc:
        raise AnalysisError(f"existed_pretrain_model {path!r}: {exc.message}") from exc
    if metadata.loader != "dec" or not (folder / AUTOENCODER_FILE).is_file():
        raise AnalysisError(
            f"existed_pretrain_model {path!r} is a {metadata.algorithm} model, not a DEC model"
            " with a stored autoencoder"
        )
    return folder


def check_references(options: Mapping[str, str], resolve: Callable[[str], str]) -> None:
    """Driver-side check of a train statement's ``existed_pretrain_model`` options: each
    path passes `resolve` (the allowed-roots check) and names a DEC model.

    Raises:
        AnalysisError: A named model is missing or not a DEC model (SecurityError from
            `resolve` for a path outside the allowed roots).
    """
    for key, value in options.items():
        name = key.removeprefix(PREFIX).rsplit(".", 1)[-1]
        if value and name in PRETRAINED_KEYS:
            pretrained_folder(resolve(str(value)))


def _first_pass(ctx: TrainContext) -> tuple[Featurizer, int]:
    builder = FeaturizerBuilder(ctx.options.features, ctx.options.label_col)
    rows = 0
    for df in training_part(ctx)():
        builder.update(df)
        rows += len(df)
    if rows == 0:
        raise AnalysisError("the training table is empty")
    ctx.report(stage="read", rows=rows)
    return builder.finish(), rows


def _autoencoders(
    ctx: TrainContext, params: dict[str, Any], featurizer: Featurizer
) -> tuple[list[Any], str]:
    """The pretrained autoencoder candidates (one reused, or trained here) and their origin."""
    import keras

    n_inputs = len(featurizer.output_names)
    source = params["existed_pretrain_model"]
    if source:
        folder = pretrained_folder(str(source))
        autoencoder = keras.models.load_model(
            folder / AUTOENCODER_FILE, compile=False, safe_mode=True
        )
        width = int(autoencoder.input_shape[-1])
        if width != n_inputs:
            raise AnalysisError(
                f"existed_pretrain_model {source!r} reads {width} features, but this table"
                f" gives {n_inputs}: pretrain on the same columns"
            )
        return [autoencoder], str(folder)
    candidates = [
        build_autoencoder(
            n_inputs,
            params["encode_units"],
            params["pretrain_activation_func"],
            params["pretrain_initializer"],
        )
        for _ in range(params["pretrain_candidates"])
    ]
    if params["run_pretrain"]:
        _pretrain(ctx, candidates, params, featurizer)
    return candidates, "pretrained" if params["run_pretrain"] else "random"


def _encoder_layers(autoencoder: Any) -> list[Any]:
    encoder = encoder_of(autoencoder)
    return [layer for layer in encoder.layers if hasattr(layer, "units")]


def _pretrain(
    ctx: TrainContext, candidates: list[Any], params: dict[str, Any], featurizer: Featurizer
) -> None:
    """Reconstruction training of every candidate, one pass over the topic per epoch."""
    import keras

    from mlsql.models.algorithms.epochs import run_epochs

    for autoencoder in candidates:
        autoencoder.compile(optimizer=keras.optimizers.Adam(params["pretrain_lr"]), loss="mse")
    frames = training_part(ctx)
    run_epochs(
        SideBySide(candidates),
        lambda: ((x, x) for x in _matrices(featurizer, frames())),
        epochs=params["pretrain_epochs"],
        batch_size=params["pretrain_batch_size"],
        seed=ctx.options.seed,
        report=ctx.report,
        phase="pretrain",
    )


def _matrices(featurizer: Featurizer, frames: Iterator[Any]) -> Iterator[np.ndarray]:
    for df in frames:
        yield featurizer.transform(df).astype(np.float32)


def train(ctx: TrainContext) -> TrainOutcome:
    """Pretrains (or reuses) the autoencoder, places centroids, refines; saves the model."""
    quiet_tensorflow()
    import keras

    params, ignored = dec_params(ctx.params)
    task = decide_task(ctx, None, "clustering")
    keras.utils.set_random_seed(ctx.options.seed)
    featurizer, rows = _first_pass(ctx)
    check_rows(ctx.params, rows)
    params["pretrain_epochs"] = auto_pretrain_epochs(params, rows)
    candidates, origin = _autoencoders(ctx, params, featurizer)
    if params["existed_pretrain_model"]:
        params["encode_units"] = [int(layer.units) for layer in _encoder_layers(candidates[0])]
        params["pretrain_candidates"] = 1
    x = np.vstack(list(_matrices(featurizer, training_part(ctx)())))
    start = choose(
        candidates, x, params["n_clusters"], params["kmeans_init"], ctx.options.seed, ctx.report
    )
    autoencoder = start.autoencoder
    del candidates
    autoencoder.save(ctx.model_dir / AUTOENCODER_FILE)
    encoder = encoder_of(autoencoder)
    result = refine(encoder, x, start.centroids, params, ctx.options.seed, ctx.report, autoencoder)
    del x
    encoder.save(ctx.model_dir / KERAS_FILE)
    evaluation, evaluated_on = evaluation_source(ctx)
    dec = {
        "centroids": result.centroids.tolist(),
        "alpha": float(params["alpha"]),
        "input_width": len(featurizer.output_names),
        "encode_units": params["encode_units"],
        "autoencoder": origin,
        "candidate": start.index,
        "candidate_silhouettes": start.silhouettes,
        "autoencoder_file": AUTOENCODER_FILE,
        "iterations": result.iterations,
        "last_delta": result.delta,
        "converged": result.converged,
    }
    return TrainOutcome(
        task=task,
        model_file=KERAS_FILE,
        loader="dec",
        metrics={},
        params=params,
        featurizer=featurizer,
        label=None,
        rows=rows,
        ignored_params=ignored,
        libraries=("tensorflow-cpu", "tensorflow", "keras"),
        evaluation=evaluation,
        evaluated_on=evaluated_on,
        extra={"dec": dec, **evaluation_label(ctx, task)},
        outputs=[dict(o) for o in OUTPUTS],
    )


def load_backend(folder: Path, extra: Mapping[str, Any]) -> Any:
    """The ``DecBackend`` of a DEC version folder (encoder in safe mode, centroids from JSON)."""
    from mlsql.models.algorithms.dec_network import DecBackend
    from mlsql.models.backends import load_keras

    dec = extra.get("dec") or {}
    if "centroids" not in dec:
        raise AnalysisError(f"DEC model {folder} has no centroids in its metadata")
    return DecBackend(load_keras(folder), np.asarray(dec["centroids"]), float(dec["alpha"]))
