"""connect + jdbc load/save against a real MariaDB server (the MySQL protocol most MLSQL users'
databases speak), beside the PostgreSQL tests in tests/engine/test_jdbc.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.mariadb import PASSWORD, USER, MariaDBServer


@pytest.fixture(scope="session")
def mariadb() -> Iterator[MariaDBServer]:
    with MariaDBServer() as server:
        server.execute(
            "create table fruit (id int primary key, name varchar(20), price decimal(6,2))"
        )
        server.execute(
            "insert into fruit values (1, 'apple', 1.20), (2, 'pear', 2.50), (3, 'fig', 4.00)"
        )
        yield server


def test_connect_load_and_save_mysql(run, mariadb: MariaDBServer) -> None:
    """Byzer's documented form, unchanged: a MySQL URL and MySQL Connector/J's class name (not
    shipped: the MariaDB driver answers it); connect, load jdbc.`db.table`, save to jdbc."""
    result = run(
        f"""connect jdbc where url="{mariadb.plain_mysql_url}" and driver="com.mysql.jdbc.Driver"
            and user="{USER}" and password="{PASSWORD}" as shop;
        load jdbc.`shop.fruit` as fruit;
        select name, cast(price * 2 as double) as double_price from fruit where id > 1 as pricey;
        save overwrite pricey as jdbc.`shop.fruit_copy`;
        select * from pricey order by name as out;"""
    )
    assert result.rows() == [
        {"name": "fig", "double_price": 8.0},
        {"name": "pear", "double_price": 5.0},
    ]
    assert sorted(mariadb.execute("select name, double_price from fruit_copy")) == [
        ("fig", "8"),
        ("pear", "5"),
    ]


def test_mariadb_url_and_direct_options(run, mariadb: MariaDBServer) -> None:
    result = run(
        f"""load jdbc.`fruit` options url="{mariadb.url}" and driver="org.mariadb.jdbc.Driver"
            and user="{USER}" and password="{PASSWORD}" as f;
        select count(*) as n, max(name) as top from f as c;"""
    )
    assert result.rows() == [{"n": 3, "top": "pear"}]


def test_append_then_query_pushdown(run, mariadb: MariaDBServer) -> None:
    run(
        f"""connect jdbc where url="{mariadb.url}" and driver="org.mariadb.jdbc.Driver"
            and user="{USER}" and password="{PASSWORD}" as shop;
        select 10 as id, 'kiwi' as name, 0.5 as price as more;
        save append more as jdbc.`shop.fruit`;"""
    )
    assert mariadb.execute("select name from fruit where id = 10") == [("kiwi",)]
    result = run(
        """load jdbc.`shop.fruit` options query="select id from fruit where price < 2" as cheap;
        select id from cheap order by id as out;"""
    )
    assert [r["id"] for r in result.rows()] == [1, 10]
