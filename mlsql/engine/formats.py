"""Data source formats by name: how `load` reads and `save` writes each of them.

Any Spark data source works by its name (csv, json, parquet, orc, text, avro, delta, …) through
`SparkFormat`; formats with engine-specific behaviour (jdbc through `connect` aliases) register a
class of their own in `FORMATS`. Names are case-insensitive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, DataFrameReader, DataFrameWriter

    from mlsql.engine.context import RunContext

# MLSQL option names the engine consumes itself; they are not passed to Spark readers/writers.
ENGINE_OPTIONS = frozenset({"withColumns", "withoutColumns", "conditionExpr", "fileNum"})

# Formats whose path is a file-system location (atomic overwrite via staging applies).
FILE_FORMATS = frozenset({"csv", "json", "parquet", "orc", "text", "avro", "binaryfile"})


@dataclass(frozen=True)
class SparkFormat:
    """A Spark data source used as it is: `spark.read.format(name).options(...).load(path)`."""

    name: str

    def reader_options(self, ctx: RunContext, path: str, options: dict[str, str]) -> dict[str, str]:
        """Options handed to the Spark reader (engine options removed)."""
        return {k: v for k, v in options.items() if k not in ENGINE_OPTIONS}

    def read(self, ctx: RunContext, path: str, options: dict[str, str]) -> DataFrame:
        """Load `path` as a DataFrame."""
        reader: DataFrameReader = ctx.spark.read.format(self.name)
        reader = reader.options(**self.reader_options(ctx, path, options))
        return reader.load(ctx.resolve_path(path)) if path else reader.load()

    def write(
        self, ctx: RunContext, writer: DataFrameWriter, path: str, options: dict[str, str]
    ) -> None:
        """Save through `writer` (mode and partitioning already set) to `path`."""
        writer = writer.format(self.name).options(**self.reader_options(ctx, path, options))
        if path:
            writer.save(ctx.resolve_path(path))
        else:
            writer.save()

    @property
    def is_file_format(self) -> bool:
        """Whether outputs are folders on a file system."""
        return self.name.lower() in FILE_FORMATS


class JdbcFormat(SparkFormat):
    """`jdbc.`alias.table``: the table of a `connect` alias; or direct url/driver/dbtable options."""

    def reader_options(self, ctx: RunContext, path: str, options: dict[str, str]) -> dict[str, str]:
        """Connection options of the alias named by the path's first part, then the statement's."""
        merged: dict[str, str] = {}
        alias, _, table = path.partition(".")
        if alias in ctx.session.connections:
            merged.update(ctx.session.connections[alias].options)
            if table:
                merged["dbtable"] = table
        elif path:
            merged["dbtable"] = path
        merged.update(super().reader_options(ctx, path, options))
        if "query" in merged:
            merged.pop("dbtable", None)
        return mysql_options(ctx, merged)

    def read(self, ctx: RunContext, path: str, options: dict[str, str]) -> DataFrame:
        """Read a database table or query."""
        return (
            ctx.spark.read.format("jdbc").options(**self.reader_options(ctx, path, options)).load()
        )

    def write(
        self, ctx: RunContext, writer: DataFrameWriter, path: str, options: dict[str, str]
    ) -> None:
        """Write into a database table."""
        writer.format("jdbc").options(**self.reader_options(ctx, path, options)).save()


# MLSQL scripts name MySQL Connector/J (GPL, not shipped); MariaDB Connector/J (on spark.jars)
# speaks the same protocol. Spark picks its MySQL dialect (back-quoted names) by `jdbc:mysql:`.
MYSQL_DRIVERS = frozenset({"com.mysql.jdbc.Driver", "com.mysql.cj.jdbc.Driver"})
MARIADB_DRIVER = "org.mariadb.jdbc.Driver"


def mysql_options(ctx: RunContext, options: dict[str, str]) -> dict[str, str]:
    """JDBC options for MySQL/MariaDB servers through the MariaDB driver with Spark's MySQL
    dialect: `jdbc:mariadb:` becomes `jdbc:mysql:…?permitMysqlScheme`, and a MySQL driver class
    that is not on the class path is replaced by MariaDB's. Other databases pass unchanged."""
    url, driver = options.get("url", ""), options.get("driver", "")
    if url.startswith("jdbc:mariadb:") and driver in ("", MARIADB_DRIVER):
        url = "jdbc:mysql:" + url[len("jdbc:mariadb:") :]
        driver = MARIADB_DRIVER
    elif url.startswith("jdbc:mysql:") and driver in MYSQL_DRIVERS | {"", MARIADB_DRIVER}:
        if driver != MARIADB_DRIVER and _jvm_has_class(ctx, driver or "com.mysql.cj.jdbc.Driver"):
            return options
        driver = MARIADB_DRIVER
    else:
        return options
    if "permitMysqlScheme" not in url:
        url += ("&" if "?" in url else "?") + "permitMysqlScheme"
    return {**options, "url": url, "driver": driver}


def _jvm_has_class(ctx: RunContext, name: str) -> bool:
    jvm = ctx.spark.sparkContext._jvm
    try:
        assert jvm is not None
        jvm.java.lang.Class.forName(name, False, jvm.Thread.currentThread().getContextClassLoader())
        return True
    except Exception:
        return False


class SklearnDatasetFormat(SparkFormat):
    """`sklearn.`iris``: a toy data set that scikit-learn ships (iris, wine, breast_cancer,
    diabetes, digits), as a table with the feature columns and a `label` column.

    Useful for examples and tests; no network access is needed.
    """

    DATASETS = ("iris", "wine", "breast_cancer", "diabetes", "digits")

    def read(self, ctx: RunContext, path: str, options: dict[str, str]) -> DataFrame:
        """Load the named data set (its rows are small: they are created from the driver)."""
        from sklearn import datasets

        name = path.strip().lower()
        if name not in self.DATASETS:
            from mlsql.errors import AnalysisError

            raise AnalysisError(
                f"unknown scikit-learn data set '{path}'; expected one of {', '.join(self.DATASETS)}"
            )
        bunch = getattr(datasets, f"load_{name}")(as_frame=True)
        frame = bunch.frame.rename(columns={"target": "label"})
        frame.columns = [_column_name(c) for c in frame.columns]
        return ctx.spark.createDataFrame(frame)

    def write(
        self, ctx: RunContext, writer: DataFrameWriter, path: str, options: dict[str, str]
    ) -> None:
        """Data sets are read-only."""
        from mlsql.errors import AnalysisError

        raise AnalysisError("the sklearn format is read-only")


@dataclass(frozen=True)
class VariableTextFormat(SparkFormat):
    """`jsonStr.`var`` / `csvStr.`var``: the text of script variable `var` read as JSON lines or
    CSV (MLSQL's in-script data: ``set data='''…'''; load jsonStr.`data` as t;``).

    JSON: one object per line; a trailing comma after an object (as in many MLSQL examples) and
    blank lines are ignored. CSV: Spark's CSV options (header, delimiter, inferSchema, …).
    """

    reader: str = "json"

    def lines(self, ctx: RunContext, path: str) -> list[str]:
        """The variable's text as lines, cleaned for the reader."""
        from mlsql.errors import AnalysisError

        name = path.strip()
        if name not in ctx.session.variables:
            known = ", ".join(sorted(ctx.session.variables)) or "none"
            raise AnalysisError(
                f"{self.name}.`{name}`: no variable '{name}' is set (set variables: {known})",
                hint=f"define it first: set {name}='''…''';",
            )
        text = str(ctx.session.variables[name])
        if self.reader == "csv":
            return [line for line in text.splitlines() if line.strip()]
        return [_json_line(line) for line in text.splitlines() if _json_line(line)]

    def read(self, ctx: RunContext, path: str, options: dict[str, str]) -> DataFrame:
        """Parse the lines on the cluster (Spark's JSON/CSV readers, schema inferred)."""
        lines = self.lines(ctx, path)
        rdd = ctx.spark.sparkContext.parallelize(lines, 1)
        reader = ctx.spark.read.options(**self.reader_options(ctx, path, options))
        return reader.json(rdd) if self.reader == "json" else reader.csv(rdd)

    def write(
        self, ctx: RunContext, writer: DataFrameWriter, path: str, options: dict[str, str]
    ) -> None:
        """In-script text is read-only (as in MLSQL)."""
        from mlsql.errors import AnalysisError

        raise AnalysisError(f"save is not supported in {self.name}: it reads a variable's text")


def _json_line(line: str) -> str:
    """A JSON-lines row without surrounding blanks and a trailing comma."""
    text = line.strip()
    return text[:-1].rstrip() if text.endswith(",") else text


def _column_name(name: object) -> str:
    """`"sepal length (cm)"` -> `sepal_length_cm`: names usable in SQL without back-quotes."""
    text = str(name).replace("(", "").replace(")", "")
    return "_".join(text.replace("/", " ").split())


FORMATS: dict[str, SparkFormat] = {
    "jdbc": JdbcFormat("jdbc"),
    "sklearn": SklearnDatasetFormat("sklearn"),
    "jsonstr": VariableTextFormat("jsonStr", "json"),
    "csvstr": VariableTextFormat("csvStr", "csv"),
}


def format_for(name: str) -> SparkFormat:
    """The format registered under `name`, or Spark's own data source of that name."""
    return FORMATS.get(name.lower(), SparkFormat(name))
