"""RateSampler: marks each row with `__split__` (0, 1, …) by the rates in `sampleRate`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlsql.engine.et import EtCall, EtParam, Transformer, transformer
from mlsql.errors import AnalysisError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

SPLIT = "__split__"


def _rates(text: str) -> list[float]:
    try:
        rates = [float(r) for r in text.split(",") if r.strip()]
    except ValueError:
        raise AnalysisError(
            f'RateSampler: sampleRate must be numbers like "0.9,0.1", not {text!r}'
        ) from None
    if len(rates) < 2 or abs(sum(rates) - 1.0) > 0.001 or min(rates) < 0:
        raise AnalysisError(
            "RateSampler: the rates of sampleRate must be at least two and sum to 1"
        )
    return rates


@transformer
class RateSampler(Transformer):
    """Split marks by rate: random per row, or exact per label with isSplitWithSubLabel."""

    name = "RateSampler"
    doc = (
        "Adds an int column __split__: row i gets split k with probability sampleRate[k]. "
        'With isSplitWithSubLabel="true" every label value is split exactly by the rates.'
    )
    params = (
        EtParam("labelCol", "the label column (used with isSplitWithSubLabel)", "label"),
        EtParam("sampleRate", "comma-separated rates summing to 1, e.g. 0.9,0.1", "0.9,0.1"),
        EtParam(
            "isSplitWithSubLabel", "true: split each label's rows exactly by the rates", "false"
        ),
        EtParam("seed", "random seed (reproducible splits)", ""),
    )

    def transform(self, call: EtCall) -> DataFrame:
        """The table with `__split__` added."""
        from pyspark.sql import functions as F
        from pyspark.sql.window import Window

        rates = _rates(call.get("sampleRate"))
        seed = int(call.get("seed")) if call.get("seed") else None
        bounds = [sum(rates[: i + 1]) for i in range(len(rates) - 1)]
        if not call.flag("isSplitWithSubLabel"):
            draw = F.rand(seed)
            split = F.lit(len(rates) - 1)
            for index in reversed(range(len(bounds))):
                split = F.when(draw <= bounds[index], index).otherwise(split)
            return call.df.withColumn(SPLIT, split.cast("int"))
        label = call.get("labelCol")
        call.require_columns(label)
        by_label = Window.partitionBy(F.col(f"`{label}`"))
        rank = F.row_number().over(by_label.orderBy(F.rand(seed)))
        count = F.count(F.lit(1)).over(by_label)
        split = F.lit(len(rates) - 1)
        for index in reversed(range(len(bounds))):
            split = F.when(rank <= F.floor(count * bounds[index]), index).otherwise(split)
        return call.df.withColumn(SPLIT, split.cast("int"))
