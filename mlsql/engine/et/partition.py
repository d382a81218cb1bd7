"""TableRepartition: the table in `partitionNum` partitions (hash, range, or coalesced)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlsql.engine.et import EtCall, EtParam, Transformer, transformer
from mlsql.errors import AnalysisError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


@transformer
class TableRepartition(Transformer):
    """Byzer's TableRepartition ET."""

    name = "TableRepartition"
    doc = "Repartitions the table: hash (default) or range partitioning, optionally by columns."
    params = (
        EtParam("partitionNum", "number of partitions", required=True),
        EtParam("partitionType", "hash or range", "hash"),
        EtParam("partitionCols", "comma-separated columns to partition by (range needs them)", ""),
        EtParam(
            "shuffle", "false: coalesce without a shuffle (hash only, no partitionCols)", "true"
        ),
    )

    def transform(self, call: EtCall) -> DataFrame:
        """The repartitioned table (same rows)."""
        from pyspark.sql import functions as F

        try:
            num = int(call.get("partitionNum"))
        except ValueError:
            raise AnalysisError("TableRepartition: partitionNum must be an integer") from None
        kind = call.get("partitionType").lower()
        cols = call.names("partitionCols")
        call.require_columns(*cols)
        columns = [F.col(f"`{c}`") for c in cols]
        if kind == "range":
            if not cols:
                raise AnalysisError("TableRepartition: range partitioning needs partitionCols")
            return call.df.repartitionByRange(num, *columns)
        if kind != "hash":
            raise AnalysisError(
                f"TableRepartition: partitionType must be hash or range, not {kind!r}"
            )
        if not call.flag("shuffle"):
            if cols:
                raise AnalysisError(
                    "TableRepartition: shuffle=false cannot partition by partitionCols"
                )
            return call.df.coalesce(num)
        return call.df.repartition(num, *columns) if cols else call.df.repartition(num)
