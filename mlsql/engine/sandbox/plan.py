"""What a Spark SQL text would touch, read from Spark's own parsed and analysed plans.

`parsed_facts(spark, sql)` asks Spark's SQL parser for the logical plan (nothing runs, no file is
touched) and walks all of it, subqueries and CTEs included, through the plan's JSON form: the
functions it calls, the node classes it holds (commands, script transforms), the tables it names,
direct file queries (``text.`/etc/hostname` `` resolves to a file read when the first part is a
data source, the rule Spark's `ResolveSQLOnFile` applies) and every path a command names
(`location`, `insert overwrite directory`, `load data inpath`, `add jar|file|archive`, function
resources). Fields the JSON form drops (maps, URIs) are read from the root command over py4j.

`analysed_paths(df)` lists the root paths of every file relation and catalog table an analysed
plan reads (views expanded), so a view or a table of another owner is seen for what it reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# node class (simple name) -> (JSON field holding one path or a list "[a, b]", what it is)
PATH_FIELDS: dict[str, tuple[str, str]] = {
    "UnresolvedTableSpec": ("location", "table location"),
    "SetTableLocation": ("location", "table location"),
    "UnresolvedPartitionSpec": ("location", "partition location"),
    "CreateTableLike": ("location", "table location"),
    "LoadData": ("path", "load data inpath"),
    "AddJarsCommand": ("paths", "add jar"),
    "AddFilesCommand": ("paths", "add file"),
    "AddArchivesCommand": ("paths", "add archive"),
}
IDENTIFIER_NODES = (
    "UnresolvedRelation",
    "UnresolvedTable",
    "UnresolvedTableOrView",
    "UnresolvedIdentifier",
)
FUNCTION_NODES = ("UnresolvedFunction", "UnresolvedTableValuedFunction")
# `create [temporary] function f(…) returns … return <expression | query>`: the body is text
SQL_FUNCTION_NODES = ("CreateSQLFunctionCommand", "CreateUserDefinedFunction")
PERMANENT_FUNCTION = "PermanentFunction"  # a marker class: the function lands in the catalog


@dataclass
class PlanFacts:
    """What one parsed statement touches."""

    root: str = ""
    classes: set[str] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)
    identifiers: list[list[str]] = field(default_factory=list)
    paths: list[tuple[str, str]] = field(default_factory=list)  # (what, path)
    conf: list[tuple[str | None, bool]] = field(default_factory=list)  # (key, sets a value)
    resources: list[str] = field(default_factory=list)  # function resources (jars, files)
    bodies: list[tuple[str, str]] = field(default_factory=list)  # SQL functions' (kind, text)


def parsed_plan(spark: SparkSession, sql: str) -> Any:
    """Spark's parsed logical plan of `sql` (a py4j object; raises Spark's parse error)."""
    return spark._jsparkSession.sessionState().sqlParser().parsePlan(sql)


def parsed_facts(spark: SparkSession, sql: str) -> PlanFacts:
    """The facts of `sql`'s parsed plan (raises Spark's parse error when it does not parse)."""
    plan = parsed_plan(spark, sql)
    facts = PlanFacts(root=plan.getClass().getSimpleName())
    _walk(json.loads(plan.toJSON()), facts)
    _root_details(plan, facts)
    facts.paths.extend(("file query", path) for path in _file_queries(spark, facts))
    return facts


def expression_facts(spark: SparkSession, expression: str) -> PlanFacts:
    """The facts of a SQL expression (functions it calls)."""
    parsed = spark._jsparkSession.sessionState().sqlParser().parseExpression(expression)
    facts = PlanFacts(root=parsed.getClass().getSimpleName())
    _walk(json.loads(parsed.toJSON()), facts)
    return facts


def analysed_plan_paths(spark: SparkSession, sql: str) -> list[str]:
    """Root paths the analysed plan of `sql` reads; nothing is executed.

    A text Spark cannot analyse yields nothing: running it raises Spark's own error.
    """
    state = spark._jsparkSession.sessionState()
    try:
        analysed = state.analyzer().execute(parsed_plan(spark, sql))
    except Exception:  # unresolvable here means unresolvable when run
        return []
    return _plan_paths(analysed)


def _simple(cls: str) -> str:
    return cls.rsplit(".", 1)[-1]


def _parts(value: Any) -> list[str]:
    """`"[a, b]"` (how the JSON form writes a Seq of names) -> `["a", "b"]`."""
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value or "")
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return [p for p in text.split(", ")] if text else []


def _walk(value: Any, facts: PlanFacts) -> None:
    """Collect facts from every node of a plan's JSON form (nested plans included)."""
    if isinstance(value, list):
        for item in value:
            _walk(item, facts)
        return
    if not isinstance(value, dict):
        return
    cls = value.get("class") or value.get("product-class") or value.get("object") or ""
    name = _simple(str(cls))
    if name:
        facts.classes.add(name)
        _node(name, value, facts)
    for item in value.values():
        if isinstance(item, list | dict):
            _walk(item, facts)


def _node(name: str, node: dict[str, Any], facts: PlanFacts) -> None:
    """The facts one node contributes."""
    if name in FUNCTION_NODES:
        parts = _parts(node.get("nameParts", node.get("name")))
        if parts:
            facts.functions.add(parts[-1].lower())
    elif name in IDENTIFIER_NODES:
        facts.identifiers.append(_parts(node.get("multipartIdentifier", node.get("nameParts"))))
    elif name == "FunctionResource" and node.get("uri"):
        facts.resources.append(str(node["uri"]))
    elif name in SQL_FUNCTION_NODES:
        if node.get("exprText"):
            facts.bodies.append(("expression", str(node["exprText"])))
        if node.get("queryText"):
            facts.bodies.append(("query", str(node["queryText"])))
        if name == "CreateUserDefinedFunction" or not node.get("isTemp", False):
            facts.classes.add(PERMANENT_FUNCTION)
    if name in PATH_FIELDS:
        key, what = PATH_FIELDS[name]
        raw = node.get(key)
        if isinstance(raw, str) and raw:
            found = _parts(raw) if key == "paths" else [raw]
            facts.paths.extend((what, p) for p in found)


def _scala_map(value: Any) -> dict[str, str]:
    """A py4j Scala Map[String, String] as a dict."""
    out: dict[str, str] = {}
    if value is None:
        return out
    it = value.iterator()
    while it.hasNext():
        pair = it.next()
        out[str(pair._1())] = str(pair._2())
    return out


def _path_options(options: dict[str, str], what: str) -> list[tuple[str, str]]:
    """Paths in data source options (`path`, `paths`) or properties (`location`)."""
    found: list[tuple[str, str]] = []
    for key, value in options.items():
        lower = key.lower()
        if lower in ("path", "location"):
            found.append((f"{what} {lower}", value))
        elif lower == "paths":
            found.extend((f"{what} paths", p) for p in _json_list(value))
    return found


def _json_list(value: str) -> list[str]:
    try:
        items = json.loads(value)
    except json.JSONDecodeError:
        return [value]
    return [str(i) for i in items] if isinstance(items, list) else [value]


def _root_details(plan: Any, facts: PlanFacts) -> None:
    """Fields of the root command that the JSON form leaves out."""
    name = facts.root
    if name == "InsertIntoDir":
        uri = plan.storage().locationUri()
        if uri.isDefined():
            facts.paths.append(("insert overwrite directory", str(uri.get().toString())))
        facts.paths.extend(_path_options(_scala_map(plan.storage().properties()), name))
    elif name in ("CreateNamespace", "SetNamespaceLocation"):
        props = _scala_map(plan.properties()) if name == "CreateNamespace" else {}
        if name == "SetNamespaceLocation":
            props["location"] = str(plan.location())
        facts.paths.extend(_path_options(props, "database"))
    elif name == "CreateTempViewUsing":
        facts.paths.extend(_path_options(_scala_map(plan.options()), "temporary view"))
    elif name == "SetCommand":
        kv = plan.kv()
        if kv.isDefined():
            facts.conf.append((str(kv.get()._1()), bool(kv.get()._2().isDefined())))
        else:
            facts.conf.append((None, False))


def _file_queries(spark: SparkSession, facts: PlanFacts) -> list[str]:
    """Paths of direct file queries: two-part names whose first part is a data source."""
    paths: list[str] = []
    for parts in facts.identifiers:
        if len(parts) >= 2 and _is_data_source(spark, parts[0]):
            paths.append(", ".join(parts[1:]))
    return paths


def _is_data_source(spark: SparkSession, name: str) -> bool:
    """Whether Spark resolves `name` as a data source (as `ResolveSQLOnFile` does)."""
    jvm = spark._jvm
    assert jvm is not None
    lookup = jvm.org.apache.spark.sql.execution.datasources.DataSource
    try:
        lookup.lookupDataSource(name, spark._jsparkSession.sessionState().conf())
    except Exception:  # ClassNotFound: a database or catalog name, not a format
        return False
    return True


def analysed_paths(df: DataFrame) -> list[str]:
    """Root paths of the files and catalog tables `df`'s analysed plan reads."""
    return _plan_paths(df._jdf.queryExecution().analyzed())


def _plan_paths(plan: Any) -> list[str]:
    """Root paths of the leaves of an analysed plan and of its subqueries."""
    plans = [plan]
    subqueries = plan.subqueriesAll().iterator()
    while subqueries.hasNext():
        plans.append(subqueries.next())
    paths: list[str] = []
    for each in plans:
        leaves = each.collectLeaves().iterator()
        while leaves.hasNext():
            paths.extend(_leaf_paths(leaves.next()))
    return paths


def _leaf_paths(leaf: Any) -> list[str]:
    """Root paths a leaf relation reads (files or a catalog table's location)."""
    name = leaf.getClass().getSimpleName()
    found: list[str] = []
    if name == "LogicalRelation":
        relation = leaf.relation()
        if relation.getClass().getSimpleName() == "HadoopFsRelation":
            roots = relation.location().rootPaths().iterator()
            while roots.hasNext():
                found.append(str(roots.next().toString()))
        table = leaf.catalogTable()
        if table.isDefined() and table.get().storage().locationUri().isDefined():
            found.append(str(table.get().storage().locationUri().get().toString()))
    elif name == "HiveTableRelation":
        location = leaf.tableMeta().storage().locationUri()
        if location.isDefined():
            found.append(str(location.get().toString()))
    elif name in ("DataSourceV2Relation", "StreamingRelationV2", "StreamingRelation"):
        found.extend(_v2_paths(leaf, name))
    return found


def _v2_paths(leaf: Any, name: str) -> list[str]:
    """Paths of a V2 or streaming relation's options."""
    try:
        if name == "StreamingRelation":
            options = _scala_map(leaf.dataSource().options())
        else:
            options = {str(k): str(v) for k, v in dict(leaf.options().asCaseSensitiveMap()).items()}
    except Exception:  # a relation without options
        return []
    return [p for _, p in _path_options(options, name)]


def catalog_locations(spark: SparkSession, identifiers: list[list[str]]) -> list[str]:
    """Locations of the permanent catalog tables that `identifiers` name (temporary views and
    unknown names are skipped); drop, truncate, insert and alter act on these folders."""
    jvm = spark._jvm
    assert jvm is not None
    catalog = spark._jsparkSession.sessionState().catalog()
    found: list[str] = []
    for parts in identifiers:
        if not 1 <= len(parts) <= 2:
            continue
        table, database = parts[-1], parts[0] if len(parts) == 2 else None
        if database is None and catalog.isTempView(jvm.PythonUtils.toSeq([table])):
            continue
        ident = jvm.org.apache.spark.sql.catalyst.TableIdentifier(
            table, jvm.scala.Option.apply(database)
        )
        try:
            if not catalog.tableExists(ident):
                continue
            found.append(str(catalog.getTableMetadata(ident).location().toString()))
        except Exception:  # a database that does not exist: Spark reports it when run
            continue
    return found
