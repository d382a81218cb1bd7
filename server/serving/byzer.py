"""Byzer's `/model/predict` request: its data as columns, its select evaluated by the service.

``dataType=vector`` (default): ``data`` is ``[[1.0, 2.0, …], …]``, one dense vector per row in a
column ``feature``; with ``vecType=sparse`` each element is ``{"index": value, …}`` and
``vecSize`` is required. ``dataType=string``: each element is a string in ``feature``.
``dataType=row``: ``data`` is ``[{"col": value, …}, …]``, the columns taken from the rows. The
answer is one object per row with the select's aliases, as Byzer returns it.

Byzer's clients also send ``context.*`` parameters (its session context: include and console
URLs, user variables). They are accepted and ignored: the select here reads no variables and
includes nothing, so they cannot change an answer.

A model function called with one vector argument while its model reads that many numeric
columns takes the vector's values as those columns (Byzer's models read one vector column;
ours may read columns).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .expressions import ExpressionError, evaluate, parse_select, pipeline_items
from .models import FunctionLike, ServingError
from .service import ServingService

DATA_TYPES = ("vector", "row", "string")


def _bad(message: str) -> ServingError:
    return ServingError(400, "invalid_request", message)


def parse_data(data: Any) -> list[Any]:
    """``data`` as a JSON array (given as JSON text or already decoded)."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as err:
            raise _bad(f"data is not valid JSON: {err}") from None
    if not isinstance(data, list):
        raise _bad("data must be a JSON array with one element per row")
    if not data:
        raise _bad("data is empty: send at least one row")
    return data


def data_columns(
    data_type: str, data: list[Any], vec_type: str = "dense", vec_size: Any = None
) -> dict[str, list[Any]]:
    """The request's rows as columns (ServingError 400 naming the bad element)."""
    if data_type == "row":
        if not all(isinstance(row, dict) for row in data):
            raise _bad("dataType=row needs data as an array of JSON objects")
        names = list(dict.fromkeys(k for row in data for k in row))
        return {n: [row.get(n) for row in data] for n in names}
    if data_type == "string":
        return {"feature": [v if v is None else str(v) for v in data]}
    if data_type != "vector":
        raise _bad(f"dataType must be one of {', '.join(DATA_TYPES)}, not '{data_type}'")
    if vec_type == "sparse":
        return {"feature": [_sparse(i, v, vec_size) for i, v in enumerate(data)]}
    vectors = []
    for i, v in enumerate(data):
        if not isinstance(v, list) or not all(
            isinstance(x, int | float) and not isinstance(x, bool) for x in v
        ):
            raise _bad(f"data element {i} is not an array of numbers (dataType=vector)")
        vectors.append([float(x) for x in v])
    return {"feature": vectors}


def _sparse(i: int, value: Any, size: Any) -> dict[str, Any]:
    """A sparse vector ``{"index": value}`` as the Spark ML JSON form."""
    try:
        width = int(size)
    except (TypeError, ValueError):
        raise _bad("vecType=sparse needs vecSize (the vectors' length)") from None
    if not isinstance(value, dict):
        raise _bad(f"data element {i} must be an object of index: value (vecType=sparse)")
    try:
        pairs = sorted((int(k), float(v)) for k, v in value.items())
    except (TypeError, ValueError):
        raise _bad(f"data element {i} has a non-integer index or a non-number value") from None
    if pairs and (pairs[0][0] < 0 or pairs[-1][0] >= width):
        raise _bad(f"data element {i} has an index outside 0..{width - 1}")
    return {
        "type": 0,
        "size": width,
        "indices": [k for k, _ in pairs],
        "values": [v for _, v in pairs],
    }


async def predict(
    service: ServingService,
    params: Mapping[str, Any],
    functions: Mapping[str, FunctionLike],
    owner: str,
) -> list[dict[str, Any]]:
    """Answer one `/model/predict` request."""
    data_type = str(params.get("dataType") or "vector").lower()
    columns = data_columns(
        data_type,
        parse_data(params.get("data")),
        str(params.get("vecType") or "dense").lower(),
        params.get("vecSize"),
    )
    sql, pipeline = params.get("sql"), params.get("pipeline")
    try:
        if sql:
            items = parse_select(str(sql))
        elif pipeline:
            items = pipeline_items(str(pipeline))
        else:
            raise ExpressionError("send sql (e.g. select f(feature) as p) or pipeline (a,b,c)")
        n_rows = len(next(iter(columns.values())))

        async def call_model(name: str, args: list[list[Any]]) -> list[Any]:
            return await _call(service, name, args, functions, owner)

        return await evaluate(items, columns, n_rows, call_model)
    except ExpressionError as err:
        raise _bad(err.message) from None


async def _call(
    service: ServingService,
    name: str,
    args: list[list[Any]],
    functions: Mapping[str, FunctionLike],
    owner: str,
) -> list[Any]:
    """One model function over argument columns: its output per row."""
    model = service.model(name, functions, owner)
    inputs = model.current.signature.inputs
    instances = [list(row) for row in zip(*args, strict=True)]
    if len(args) == 1 and len(inputs) > 1 and all(c.kind == "numeric" for c in inputs):
        instances = [_spread(v, len(inputs)) for v in args[0]]
    answers = await service.predict(model, instances)
    if model.output == "struct":
        return [{k: v for k, v in a.items() if k not in ("version", "id")} for a in answers]
    return [a.get(model.output) for a in answers]


def _spread(value: Any, width: int) -> Any:
    """A vector argument as the values of `width` numeric columns (else left as it is)."""
    if isinstance(value, dict) and value.get("type") == 0:
        dense = [0.0] * int(value["size"])
        for i, v in zip(value["indices"], value["values"], strict=True):
            dense[int(i)] = v
        value = dense
    elif isinstance(value, dict):
        value = value.get("values")
    return list(value) if isinstance(value, list) and len(value) == width else [value]
