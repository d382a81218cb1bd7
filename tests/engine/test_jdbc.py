"""connect + jdbc load/save against a real PostgreSQL server on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.postgres import PostgresServer


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with PostgresServer() as server:
        server.execute("create table fruit (id int primary key, name text, price numeric(6,2))")
        server.execute(
            "insert into fruit values (1, 'apple', 1.20), (2, 'pear', 2.50), (3, 'fig', 4.00)"
        )
        yield server


def test_connect_load_and_save_jdbc(run, postgres: PostgresServer) -> None:
    result = run(
        f"""connect jdbc where url="{postgres.url}" and driver="org.postgresql.Driver"
            and user="postgres" as shop;
        load jdbc.`shop.fruit` as fruit;
        select name, cast(price * 2 as double) as double_price from fruit where id > 1 as pricey;
        save overwrite pricey as jdbc.`shop.fruit_copy`;
        select * from pricey order by name as out;"""
    )
    assert result.rows() == [
        {"name": "fig", "double_price": 8.0},
        {"name": "pear", "double_price": 5.0},
    ]
    assert sorted(postgres.execute("select name, double_price from fruit_copy")) == [
        ("fig", 8.0),
        ("pear", 5.0),
    ]


def test_jdbc_direct_options(run, postgres: PostgresServer) -> None:
    result = run(
        f"""load jdbc.`fruit` options url="{postgres.url}" and driver="org.postgresql.Driver"
            and user="postgres" as f;
        select count(*) as n from f as c;"""
    )
    assert result.rows() == [{"n": 3}]
