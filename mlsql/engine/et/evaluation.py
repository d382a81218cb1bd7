"""ConfusionMatrix: counts of actual × predicted labels, and per-label rates (TP, TPR, …)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlsql.engine.et import EtCall, EtParam, Transformer, transformer
from mlsql.engine.et.storage import save_data, sub
from mlsql.engine.local_tables import local_frame

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

# Byzer's per-label detail rows: name and description.
DETAIL = (
    ("TP", "True positive [eqv with hit]"),
    ("TN", "True negative [eqv with correct rejection]"),
    ("FP", "False positive [eqv with false alarm, Type I error]"),
    ("FN", "False negative [eqv with miss, Type II error]"),
    ("TPR", "Sensitivity or true positive rate [eqv with hit rate, recall]"),
    ("SPC", "Specificity or true negative rate"),
    ("PPV", "Precision or positive prediction value"),
    ("NPV", "Negative predictive value"),
    ("FPR", "Fall-out or false positive rate"),
    ("FDR", "False discovery rate"),
    ("FNR", "Miss Rate or False Negative Rate"),
    ("ACC", "Accuracy"),
)


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def label_detail(
    label: str, labels: list[str], matrix: list[list[int]]
) -> list[tuple[str, str, str, str]]:
    """Byzer's detail rows of one label (values as strings, as Byzer writes them)."""
    k = labels.index(label)
    tp = matrix[k][k]
    fn = sum(matrix[k]) - tp
    fp = sum(row[k] for row in matrix) - tp
    total = sum(sum(row) for row in matrix)
    tn = total - tp - fn - fp
    ppv = _ratio(tp, tp + fp)
    values = [
        tp,
        tn,
        fp,
        fn,
        _ratio(tp, tp + fn),
        _ratio(tn, fp + tn),
        ppv,
        _ratio(tn, tn + fn),
        _ratio(fp, fp + tn),
        1 - ppv,
        _ratio(fn, fn + tp),
        _ratio(tp + tn, total),
    ]
    return [(label, name, str(v), desc) for (name, desc), v in zip(DETAIL, values, strict=True)]


@transformer
class ConfusionMatrix(Transformer):
    """Byzer's ConfusionMatrix ET."""

    name = "ConfusionMatrix"
    doc = (
        "Counts rows by actualCol (rows) and predictCol (columns); the output has a column "
        "'act\\prt' with the actual label and one string column per label (labels compared as "
        "strings, sorted). Written to <path>/data; per-label TP/TN/FP/FN/TPR/SPC/PPV/NPV/FPR/FDR/"
        "FNR/ACC rows (lable, name, value, desc) to <path>/detail."
    )
    params = (
        EtParam("actualCol", "the true label column", required=True),
        EtParam("predictCol", "the predicted label column", required=True),
    )

    def transform(self, call: EtCall) -> DataFrame:
        """The matrix table (the counts are aggregated in Spark; one row per label pair)."""
        from pyspark.sql import functions as F

        actual, predicted = call.get("actualCol"), call.get("predictCol")
        call.require_columns(actual, predicted)
        pairs = (
            call.df.select(
                F.col(f"`{actual}`").cast("string").alias("a"),
                F.col(f"`{predicted}`").cast("string").alias("p"),
            )
            .groupBy("a", "p")
            .count()
            .collect()
        )
        counts = {(r["a"], r["p"]): int(r["count"]) for r in pairs}
        labels = sorted({a for a, _ in counts} | {p for _, p in counts}, key=str)
        matrix = [[counts.get((a, p), 0) for p in labels] for a in labels]
        spark = call.ctx.spark
        fields = ", ".join(f"`{c}` string" for c in ["act\\prt", *labels])
        table = local_frame(
            spark,
            [[a, *(str(n) for n in row)] for a, row in zip(labels, matrix, strict=True)],
            fields,
        )
        if not call.path:
            return table
        detail = [row for label in labels for row in label_detail(label, labels, matrix)]
        local_frame(
            spark, detail, "lable string, name string, value string, desc string"
        ).write.mode("overwrite").parquet(sub(call.path, "detail"))
        return save_data(table, call.path)
