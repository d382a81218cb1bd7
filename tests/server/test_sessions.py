"""Sessions: per owner (views, variables, functions isolated and kept), per request, concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

OWNERS = ["ann", "bob", "cyd", "dee"]


def run(client: httpx.Client, sql: str, owner: str, **params: str) -> httpx.Response:
    """A sync script as `owner`."""
    return client.post("/run/script", data={"sql": sql, "owner": owner, **params})


def test_concurrent_owners_do_not_see_each_others_views(client: httpx.Client) -> None:
    def one(n: int) -> tuple[str, int, list[dict[str, object]]]:
        owner = OWNERS[n % len(OWNERS)]
        sql = (
            f"select '{owner}' as owner, {n} as n, id from range(0, {n + 1}) as shared;\n"
            "select owner, n, count(*) as rows from shared group by owner, n as result;"
        )
        response = run(client, sql, f"iso-{owner}")
        assert response.status_code == 200, response.text
        return owner, n, response.json()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(one, range(20)))
    for owner, n, rows in results:
        assert rows == [{"owner": owner, "n": n, "rows": n + 1}]
    for owner in OWNERS:
        rows = run(client, "select distinct owner from shared as t;", f"iso-{owner}").json()
        assert rows == [{"owner": owner}]


def test_function_registered_by_one_request_serves_later_requests_of_the_owner(
    client: httpx.Client,
) -> None:
    create = "create temporary function plus_one(x INT) RETURNS INT RETURN x + 1;"
    assert run(client, create, "fn-owner").status_code == 200
    later = run(client, "select plus_one(41) as v as t;", "fn-owner")
    assert later.status_code == 200, later.text
    assert later.json() == [{"v": 42}]
    other = run(client, "select plus_one(41) as v as t;", "fn-stranger")
    assert other.status_code == 400
    assert other.json()["code"] == "analysis"


def test_variables_persist_per_owner(client: httpx.Client) -> None:
    assert run(client, 'set greeting = "hello";', "var-owner").status_code == 200
    kept = run(client, 'select "${greeting}" as g as t;', "var-owner")
    assert kept.json() == [{"g": "hello"}]
    assert run(client, 'select "${greeting}" as g as t;', "var-stranger").status_code == 400


def test_session_per_request_is_dropped(client: httpx.Client) -> None:
    made = run(client, "select 1 as a as ephemeral;", "req-owner", sessionPerRequest="true")
    assert made.status_code == 200
    later = run(client, "select * from ephemeral as t;", "req-owner")
    assert later.status_code == 400
