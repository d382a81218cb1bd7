"""Text ETs: TfIdfInPlace (a text column becomes its TF-IDF vector) and Word2VecInPlace (a text
column becomes its words' vectors), both fitted with Spark ML and saved under the path.

Words are split by the `split` regular expression (default: white space); Byzer's dictionary
based analyser for Chinese text (dicPaths) is not available.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlsql.engine.et import EtCall, EtParam, Transformer, transformer
from mlsql.engine.et.storage import save_data, save_meta, sub
from mlsql.errors import AnalysisError

if TYPE_CHECKING:
    from pyspark.sql import Column

DEFAULT_SPLIT = r"\s+"


def _tokens(call: EtCall) -> Column:
    """The words of inputCol (an array<string> column is taken as already split)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType, StringType

    column = call.get("inputCol")
    call.require_columns(column)
    kind = call.df.schema[column].dataType
    if isinstance(kind, ArrayType):
        words = F.col(f"`{column}`")
    elif isinstance(kind, StringType):
        words = F.split(F.col(f"`{column}`"), call.get("split") or DEFAULT_SPLIT)
    else:
        raise AnalysisError(
            f"{call.et.name}: {column} should be a string column, not {kind.simpleString()}"
        )
    words = F.filter(words, lambda w: w != "")
    stop = _stop_words(call)
    if stop:
        words = F.filter(words, lambda w: ~F.array_contains(F.array(*[F.lit(s) for s in stop]), w))
    return words


def _stop_words(call: EtCall) -> list[str]:
    path = call.params.get("stopWordPath", "")
    if not path:
        return []
    rows = call.ctx.spark.read.text(call.ctx.resolve_path(path)).collect()
    return [r[0].strip() for r in rows if r[0] and r[0].strip()]


@transformer
class TfIdfInPlace(Transformer):
    """Byzer's TfIdfInPlace ET."""

    name = "TfIdfInPlace"
    doc = (
        "Replaces the text column inputCol by its TF-IDF vector (vocabulary and IDF fitted on the "
        'table; nGrams="2,3" adds word n-grams). The fitted pipeline is saved under '
        "<path>/model."
    )
    params = (
        EtParam("inputCol", "the text column", required=True),
        EtParam("split", "regular expression splitting words", DEFAULT_SPLIT),
        EtParam("nGrams", "comma-separated n-gram sizes added to the words, e.g. 2,3", ""),
        EtParam("stopWordPath", "a text file of stop words, one per line", ""),
        EtParam("minDF", "minimum number of rows a word must appear in", "1"),
    )
    fits = True

    def transform(self, call: EtCall):  # type: ignore[no-untyped-def]
        """Fit CountVectorizer + IDF on the words (and n-grams), replace the column."""
        from pyspark.ml import Pipeline
        from pyspark.ml.feature import IDF, CountVectorizer, NGram
        from pyspark.sql import functions as F

        path = call.require_path()
        column = call.get("inputCol")
        df = call.df.withColumn("__words__", _tokens(call))
        grams = [int(n) for n in call.names("nGrams")]
        stages: list = [NGram(n=n, inputCol="__words__", outputCol=f"__gram{n}__") for n in grams]
        if grams:
            df = Pipeline(stages=stages).fit(df).transform(df)
            df = df.withColumn("__words__", F.concat("__words__", *[f"__gram{n}__" for n in grams]))
            df = df.drop(*[f"__gram{n}__" for n in grams])
        pipeline = Pipeline(
            stages=[
                CountVectorizer(
                    inputCol="__words__", outputCol="__tf__", minDF=float(call.get("minDF"))
                ),
                IDF(inputCol="__tf__", outputCol="__tfidf__"),
            ]
        )
        model = pipeline.fit(df)
        model.write().overwrite().save(sub(path, "model"))
        save_meta(
            call.ctx.spark,
            path,
            self.name,
            call.params,
            {"vocabulary": len(getattr(model.stages[0], "vocabulary", []))},
        )
        out = model.transform(df).drop("__words__", "__tf__", column)
        return out.withColumnRenamed("__tfidf__", column)


@transformer
class Word2VecInPlace(Transformer):
    """Byzer's Word2VecInPlace ET."""

    name = "Word2VecInPlace"
    doc = (
        "Fits word vectors (Spark's Word2Vec) on the words of inputCol and replaces the column by "
        "the vectors of its first `length` known words (array<array<double>>); resultFeature=merge "
        "sums them into one array<double>, flat concatenates them. The table is written to "
        "<path>/data and the model to <path>/model."
    )
    params = (
        EtParam("inputCol", "the text column", required=True),
        EtParam("split", "regular expression splitting words", DEFAULT_SPLIT),
        EtParam("vectorSize", "size of each word vector", "100"),
        EtParam("length", "words kept per row", "100"),
        EtParam("minCount", "minimum occurrences of a word", "1"),
        EtParam("resultFeature", "empty (vectors per word), merge or flat", ""),
        EtParam("stopWordPath", "a text file of stop words, one per line", ""),
        EtParam("seed", "random seed", "42"),
    )
    fits = True

    def transform(self, call: EtCall):  # type: ignore[no-untyped-def]
        """Fit, then look every word up (a join in Spark, no rows on the driver)."""
        from pyspark.ml.feature import Word2Vec
        from pyspark.ml.functions import vector_to_array
        from pyspark.sql import functions as F

        path = call.require_path()
        column = call.get("inputCol")
        result = call.get("resultFeature").lower()
        if result not in ("", "merge", "flat"):
            raise AnalysisError("Word2VecInPlace: resultFeature must be empty, merge or flat")
        size = int(call.get("vectorSize"))
        df = call.df.withColumn("__words__", _tokens(call)).withColumn(
            "__rid__", F.monotonically_increasing_id()
        )
        model = Word2Vec(
            vectorSize=size,
            minCount=int(call.get("minCount")),
            inputCol="__words__",
            outputCol="__w2v__",
            seed=int(call.get("seed")),
        ).fit(df)
        model.write().overwrite().save(sub(path, "model"))
        save_meta(call.ctx.spark, path, self.name, call.params, {"vectorSize": size})
        vectors = model.getVectors().select(
            F.col("word"), vector_to_array(F.col("vector")).alias("vec")
        )
        words = df.select("__rid__", F.posexplode("__words__").alias("pos", "word"))
        seqs = (
            words.join(vectors, "word")
            .groupBy("__rid__")
            .agg(F.array_sort(F.collect_list(F.struct("pos", "vec"))).alias("__seq__"))
            .select(
                "__rid__",
                F.slice(F.expr("transform(__seq__, x -> x.vec)"), 1, int(call.get("length"))).alias(
                    "__seq__"
                ),
            )
        )
        out = df.join(seqs, "__rid__", "left")
        seq = F.coalesce(F.col("__seq__"), F.expr("CAST(array() AS ARRAY<ARRAY<DOUBLE>>)"))
        if result == "merge":
            seq = F.when(F.size(seq) == 0, F.expr("CAST(array() AS ARRAY<DOUBLE>)")).otherwise(
                F.aggregate(
                    seq,
                    F.array_repeat(F.lit(0.0), size),
                    lambda acc, v: F.zip_with(acc, v, lambda a, b: a + b),
                )
            )
        elif result == "flat":
            seq = F.flatten(seq)
        out = out.withColumn(column, seq).drop("__words__", "__rid__", "__seq__")
        return save_data(out, path)
