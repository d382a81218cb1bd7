"""Training into a staging folder on another file system (``s3a://``, ``s3://``, ``hdfs://``).

Model writers (scikit-learn's skops, Keras, Python algorithms) write local files, so a worker
whose staging location is a URI trains into a local temporary folder, seals it there as usual,
and uploads the sealed folder to the staging location (``mlsql.models.fs``); the driver then
publishes it (``mlsql.models.remote_store``). A warm start from a previous round's remote
staging folder first downloads it. The result names the staging URI, never the local folder.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from mlsql.models.fs import download_folder, is_remote, upload_folder
from mlsql.models.trials import TrialResult, TrialSpec, TrialStatus

Train = Callable[[TrialSpec, Path], TrialResult]


def train_remote(target: str, spec: TrialSpec, train: Train) -> TrialResult:
    """Runs `train` into a local folder and uploads the sealed result to `target`."""
    with tempfile.TemporaryDirectory(prefix="mlsql-staging-") as tmp:
        if spec.warm_start_from and is_remote(spec.warm_start_from):
            warm = Path(tmp, "warm")
            download_folder(spec.warm_start_from, warm)
            spec = replace(spec, warm_start_from=str(warm))
        local = Path(tmp, "model")
        result = train(spec, local)
        if result.ok:
            try:
                upload_folder(local, target)
            except Exception as exc:  # the worker's face: a failure becomes the result
                result.status = TrialStatus.FAILED.value
                result.error = f"cannot upload the model to {target}: {exc}"
                result.error_code = "worker"
        result.staging_dir = target
        return result
