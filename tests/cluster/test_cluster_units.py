"""Pieces of the cluster support that need no cluster: node properties, replication, wording,
bootstrap ordering (these run in every test session; the `cluster` ones start processes)."""

from __future__ import annotations

import socket

from mlsql.kafka.admin import live_first, unreachable_message
from mlsql.kafka.cluster import _override, replication_settings


def test_three_brokers_replicate_three_times_and_need_two_in_sync() -> None:
    three = replication_settings(3)
    assert three["default.replication.factor"] == "3" and three["min.insync.replicas"] == "2"
    assert three["transaction.state.log.min.isr"] == "2"
    one = replication_settings(1)
    assert one["default.replication.factor"] == "1" and one["min.insync.replicas"] == "1"
    assert replication_settings(5)["default.replication.factor"] == "3"


def test_override_replaces_keys_and_appends_new_ones() -> None:
    text = "# node.id=9 stays a comment\nnode.id=1\nnum.partitions=1\n"
    out = _override(text, {"node.id": "2", "broker.session.timeout.ms": "4000"})
    assert out.splitlines() == [
        "# node.id=9 stays a comment",
        "node.id=2",
        "num.partitions=1",
        "broker.session.timeout.ms=4000",
    ]


def test_unreachable_cluster_is_named_as_such() -> None:
    single = unreachable_message("127.0.0.1:1", "refused")
    assert "the Kafka broker at 127.0.0.1:1 cannot be reached" in single
    many = unreachable_message("127.0.0.1:1,127.0.0.1:2", "refused")
    assert "none of the Kafka brokers at 127.0.0.1:1,127.0.0.1:2 can be reached" in many
    assert "kafka.bootstrap_servers" in many


def test_live_first_drops_servers_that_refuse_connections() -> None:
    with socket.socket() as listening, socket.socket() as closed:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        up = f"127.0.0.1:{listening.getsockname()[1]}"
        down = f"127.0.0.1:{closed.getsockname()[1]}"
        assert live_first(f"{down},{up}") == up
        assert live_first(f"{down},{down}") == f"{down},{down}"  # none up: leave them all
        assert live_first(down) == down
