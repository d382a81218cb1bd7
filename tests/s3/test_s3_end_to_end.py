"""Everything on the bucket: load, save, train, register and predict through Spark's s3a
connector and the model store on moto's S3 server, run by the CLI as a user would (its own Spark
with the s3a jars, executors reading and writing the bucket, workers uploading their models)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from mlsql.models import fs
from mlsql.models.loader import load_model
from mlsql.models.store import ModelStore
from tests.models.helpers import iris

pytestmark = pytest.mark.timeout(1200)

SCRIPT = """
load csv.`{data}/iris.csv` options header="true" and inferSchema="true" as raw;
save overwrite raw as parquet.`{data}/iris_parquet`;
load parquet.`{data}/iris_parquet` as flowers;
select sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm, species
  from flowers as training;
train training as RandomForest.`{models}/x` where labelCol="species" and numTrees="10";
register RandomForest.`{models}/x` as species_of;
select id, species_of(sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm) as p
  from flowers as scored;
save overwrite scored as parquet.`{data}/scored`;
predict flowers as RandomForest.`{models}/x` as predicted;
save overwrite predicted as parquet.`{data}/predicted`;
train training as RandomForest.`{models}/broken` where labelCol="no_such_column";
"""


FEATURES = ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"]


def _frame() -> pd.DataFrame:
    frame = iris().copy()
    frame.columns = [*FEATURES, "species"]
    frame.insert(0, "id", np.arange(len(frame)))
    return frame


def _parquet(prefix: str) -> pd.DataFrame:
    parts = [
        pq.read_table(io.BytesIO(fs.read_bytes(f"{prefix}/{name}"))).to_pandas()
        for name, folder in fs.children(prefix)
        if not folder and name.endswith(".parquet")
    ]
    return pd.concat(parts).sort_values("id").reset_index(drop=True)


def _run_cli(
    script: Path, conf: dict[str, str], bootstrap: str, cwd: Path
) -> subprocess.CompletedProcess:
    mlsql = str(Path(sys.executable).parent / "mlsql")
    cli = [mlsql, "run", str(script), "--kafka", bootstrap, "-q"]
    for key, value in conf.items():
        cli += ["--conf", f"{key}={value}"]
    # S3 settings only through --conf (not this process's environment): the engine hands them on
    env = {k: v for k, v in os.environ.items() if k not in fs.S3_ENV.values()}
    env["MLSQL_WORK_DIR"] = str(cwd / "work")
    return subprocess.run(cli, cwd=cwd, env=env, capture_output=True, text=True, timeout=1100)


def test_load_save_train_register_predict_on_s3(
    s3_env: dict[str, str], s3_prefix: str, kafka_broker: str, tmp_path: Path
) -> None:
    data, models = f"{s3_prefix}/data", f"{s3_prefix}/models"
    frame = _frame()
    fs.write_bytes(f"{data}/iris.csv", frame.to_csv(index=False).encode())
    script = tmp_path / "s3.mlsql"
    script.write_text(SCRIPT.format(data=data, models=models))

    done = _run_cli(script, s3_env, kafka_broker, tmp_path)

    # the last statement fails (no such label column): the CLI says so, nothing is published
    assert done.returncode != 0, done.stdout + done.stderr
    assert "no_such_column" in done.stderr, done.stderr[-3000:]
    broken = ModelStore(f"{models}/broken")
    assert broken.versions() == []
    assert [name for name, _ in fs.children(f"{models}/broken")] == []  # no staging left
    # everything before it happened on the bucket
    store = ModelStore(f"{models}/x")
    assert store.versions() == [0]
    assert [n for n, _ in fs.children(f"{models}/x") if n.startswith(".staging-")] == []
    model = load_model(f"{models}/x")
    expected = model.predict(frame)["prediction"].tolist()
    scored = _parquet(f"{data}/scored")
    assert scored["id"].tolist() == frame["id"].tolist()
    assert scored["p"].tolist() == expected  # Spark's workers and this process agree
    predicted = _parquet(f"{data}/predicted")
    assert predicted["prediction"].tolist() == expected
    assert (np.array(expected) == frame["species"].to_numpy()).mean() > 0.9
