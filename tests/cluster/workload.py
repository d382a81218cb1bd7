"""Data and scripts of the cluster tests: seeded tables as multi-file Parquet, a PythonAlg that
reports the row count and checksum of what its training worker read, and the scripts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

FEATURES = [f"x{i}" for i in range(10)]

# A PythonAlg whose `train` makes one pass over the training rows and returns their count and
# an order-independent checksum of the matrix (sum of per-row hashes modulo 2**52, exact as a
# double); it sleeps a little per batch so that the read overlaps the faults.
CHECKSUM_ALG = """
import time
import pandas as pd

def train(params, batches, model_dir):
    rows, total = 0, 0
    for frame in batches():
        frame = frame[sorted(frame.columns)]
        hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        total = (total + int((hashes % (1 << 52)).sum())) % (1 << 52)
        rows += len(frame)
        time.sleep(float(params.get("sleepPerBatch", 0)))
    return {"rows_read": rows, "checksum": float(total)}

def predict(model_dir, df):
    return pd.Series([0.0] * len(df))
"""


def table(rows: int, seed: int = 7) -> pd.DataFrame:
    """`id`, ten features and a binary `label` that depends on them (logistic)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, len(FEATURES)))
    weights = np.linspace(-1.5, 1.5, len(FEATURES))
    label = (x @ weights + rng.normal(scale=1.0, size=rows) > 0).astype("int64")
    frame = pd.DataFrame(x, columns=FEATURES)
    frame.insert(0, "id", np.arange(rows, dtype="int64"))
    frame["label"] = label
    return frame


def write_parquet(frame: pd.DataFrame, folder: Path, files: int) -> Path:
    """`frame` as `files` Parquet files (so Spark reads that many partitions)."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, part in enumerate(np.array_split(np.arange(len(frame)), files)):
        frame.iloc[part].to_parquet(folder / f"part-{index:03d}.parquet", index=False)
    return folder


def checksum(frame: pd.DataFrame) -> tuple[int, float]:
    """(rows, checksum) as `CHECKSUM_ALG` computes them."""
    frame = frame[sorted(frame.columns)]
    hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return len(frame), float(int((hashes % (1 << 52)).sum()) % (1 << 52))


def train_predict_script(data: Path, big: Path, model: Path, out: Path) -> str:
    """Train two LogisticRegression groups, predict a large table with the best, save it."""
    return f"""
load parquet.`{data}` as train_rows;
select {", ".join(FEATURES)}, label from train_rows as training;
train training as LogisticRegression.`{model}` where labelCol="label" and seed="1"
  and fitParam.0.regParam="0.1" and fitParam.1.regParam="1.0"
  as groups;
load parquet.`{big}` as big_rows;
predict big_rows as LogisticRegression.`{model}` where version="best" as scored;
save overwrite scored as parquet.`{out}`;
select `group`, status, accuracy, f1, auc, version, best from groups as result;
"""


def checksum_script(data: Path, alg: Path, model: Path, sleep_s: float) -> str:
    """Train the checksum PythonAlg on the table (no label: nothing held out)."""
    return f"""
load parquet.`{data}` as rows_in;
train rows_in as PythonAlg.`{model}` where pythonFile="{alg}"
  and sleepPerBatch="{sleep_s}" as groups;
select `group`, status, metrics, error from groups as result;
"""
