"""Models the insight tests share, trained once per test session through the engine.

- ``rf``: RandomForest on iris with a string label (three classes);
- ``bin``: LogisticRegression on breast_cancer (0/1);
- ``lin``: LinearRegression on diabetes;
- ``km``: KMeans (k=3) on iris with ``evalLabelCol="label"``;
- ``signal``: RandomForest regression where only ``a`` and ``b`` of six columns carry signal;
- ``mixed``: LogisticRegression on a small frame with numeric, categorical, text and timestamp
  columns (for the model card's kinds).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest


def mixed_frame(n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    colour = rng.choice(["red", "green", "blue"], size=n)
    words = ["the quick brown fox", "jumps over the dog", "a lazy afternoon nap"]
    note = [words[i] for i in rng.integers(0, 3, size=n)]
    when = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, size=n), unit="D")
    y = ((x + (colour == "red")) > 0.5).astype(int)
    return pd.DataFrame({"x": x, "colour": colour, "note": note, "when": when, "y": y})


def signal_frame(n: int = 600, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({c: rng.normal(size=n) for c in ("a", "b", "c", "d", "e")})
    frame["kind"] = rng.choice(["p", "q", "r", "s"], size=n)  # categorical noise
    frame["y"] = 3 * frame.a - 2 * frame.b + 0.1 * rng.normal(size=n)
    return frame


@pytest.fixture(scope="session")
def models(engine, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("insight-models")
    paths = {n: root / n for n in ("rf", "bin", "lin", "km", "mixed", "signal")}
    session = engine.session("insight-train", fresh=True)
    session.spark.createDataFrame(mixed_frame()).createOrReplaceTempView("mixed")
    session.spark.createDataFrame(signal_frame()).createOrReplaceTempView("signal")
    engine.run(
        f"""load sklearn.`iris` as iris;
        select *, case label when 0 then 'setosa' when 1 then 'versicolor' else 'virginica' end
          as species from iris as iris2;
        train iris2 as RandomForest.`{paths["rf"]}` where labelCol="species"
          and featureCols="sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm"
          and numTrees="5" and maxDepth="3" and seed="3" and validationFraction="0";
        load sklearn.`breast_cancer` as bc;
        train bc as LogisticRegression.`{paths["bin"]}` where labelCol="label"
          and maxIter="50" and seed="3" and validationFraction="0";
        load sklearn.`diabetes` as db;
        train db as LinearRegression.`{paths["lin"]}` where labelCol="label"
          and validationFraction="0";
        train iris as KMeans.`{paths["km"]}` where k="3" and seed="7" and validationFraction="0"
          and evalLabelCol="label";
        train mixed as LogisticRegression.`{paths["mixed"]}` where labelCol="y"
          and maxIter="50" and validationFraction="0";
        train signal as RandomForest.`{paths["signal"]}` where labelCol="y" and numTrees="20"
          and seed="2" and validationFraction="0";""",
        session=session,
    )
    return paths
