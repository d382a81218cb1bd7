"""Short-lived Kafka admin connections: reachability probes and per-job topics.

Every call here is bounded by a timeout and turns kafka-python's exceptions into `KafkaError`
messages that say which broker failed and what to do, so that a missing broker shows up within
seconds instead of kafka-python's default 30-second bootstrap wait or a hang.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mlsql.errors import KafkaError

# Topic-level settings of every per-job topic: data lives until the job deletes the topic.
_TOPIC_CONFIGS = {
    "retention.ms": str(24 * 3600 * 1000),
    "cleanup.policy": "delete",
}


def unreachable_message(bootstrap_servers: str, reason: object) -> str:
    """The one wording for 'no broker there', shared by probes, readers and writers."""
    if "," in bootstrap_servers:  # a cluster: every one of them is gone
        return (
            f"none of the Kafka brokers at {bootstrap_servers} can be reached ({reason}); "
            "start them (a majority of the controllers first) or check kafka.bootstrap_servers"
        )
    return (
        f"the Kafka broker at {bootstrap_servers} cannot be reached ({reason}); start it "
        "(`mlsql kafka start` for the embedded broker) or check kafka.bootstrap_servers"
    )


def live_first(bootstrap_servers: str) -> str:
    """The bootstrap servers that accept a connection now (all of them if none does).

    kafka-python's admin client sends its first request to one bootstrap server and gives up if
    that one is down; with one broker of a cluster dead it would fail every other call.
    """
    servers = [s.strip() for s in bootstrap_servers.split(",") if s.strip()]
    if len(servers) < 2:
        return bootstrap_servers
    from mlsql.kafka.broker_process import port_open

    live = [s for s in servers if port_open(s)]
    return ",".join(live or servers)


@contextmanager
def admin_client(bootstrap_servers: str, timeout_s: float) -> Iterator[Any]:
    """A `KafkaAdminClient` that gives up after `timeout_s`, closed on exit.

    Raises:
        KafkaError: no broker answered at `bootstrap_servers` within `timeout_s`.
    """
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError as ClientError

    timeout_ms = max(1000, int(timeout_s * 1000))
    try:
        client = KafkaAdminClient(
            bootstrap_servers=live_first(bootstrap_servers),
            client_id="mlsql-admin",
            bootstrap_timeout_ms=timeout_ms,
            request_timeout_ms=timeout_ms,
            reconnect_backoff_max_ms=1000,
        )
    except (ClientError, OSError, ValueError) as err:
        raise KafkaError(unreachable_message(bootstrap_servers, err)) from err
    try:
        yield client
    finally:
        client.close()


def probe(bootstrap_servers: str, timeout_s: float) -> int:
    """Send a real metadata request and return the number of brokers that answered it.

    Raises:
        KafkaError: the broker cannot be reached or did not answer within `timeout_s`.
    """
    from kafka.errors import KafkaError as ClientError

    with admin_client(bootstrap_servers, timeout_s) as client:
        try:
            cluster = client.describe_cluster()
        except (ClientError, OSError) as err:
            raise KafkaError(unreachable_message(bootstrap_servers, err)) from err
    return len(cluster.get("brokers", []))


def is_reachable(bootstrap_servers: str, timeout_s: float) -> bool:
    """Whether a metadata request to `bootstrap_servers` succeeds within `timeout_s`."""
    try:
        probe(bootstrap_servers, timeout_s)
    except KafkaError:
        return False
    return True


def create_topic(
    bootstrap_servers: str,
    topic: str,
    *,
    num_partitions: int = 1,
    max_message_bytes: int = 16 * 1024 * 1024,
    timeout_s: float = 15,
) -> None:
    """Create `topic` (replicated as the broker's default says), messages up to `max_message_bytes`.

    An existing topic of that name is left as it is. Returns once the topic's partitions have
    leaders, so producers can write at once.

    Raises:
        KafkaError: the broker cannot be reached or refused the topic.
    """
    from kafka.admin import NewTopic
    from kafka.errors import KafkaError as ClientError
    from kafka.errors import TopicAlreadyExistsError

    configs = dict(_TOPIC_CONFIGS, **{"max.message.bytes": str(max_message_bytes)})
    # -1: the broker's default.replication.factor (1 embedded, min(3, N) on a KafkaCluster).
    new = NewTopic(topic, num_partitions, -1, topic_configs=configs)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with admin_client(bootstrap_servers, timeout_s) as client:
                try:
                    client.create_topics([new], timeout_ms=int(timeout_s * 1000))
                except TopicAlreadyExistsError:
                    pass  # ours from an attempt cut short by a broker that went away, or older
                _wait_for_leaders(client, topic, deadline)
            return
        except (ClientError, OSError) as err:
            # A broker of a cluster died under the request: ask the live ones again.
            if _retriable(err) and time.monotonic() < deadline:
                time.sleep(0.5)
                continue
            hint = (
                "a broker went away; check that a majority of the brokers are running"
                if _retriable(err)
                else f"check that the broker allows messages of {max_message_bytes} bytes"
                " (message.max.bytes)"
            )
            raise KafkaError(
                f"cannot create Kafka topic {topic!r} at {bootstrap_servers}: {err}; {hint}"
            ) from err


def _retriable(err: BaseException) -> bool:
    """Whether `err` is a connection-level failure worth another try on the live brokers."""
    return isinstance(err, OSError) or bool(getattr(err, "retriable", False))


def _wait_for_leaders(client: Any, topic: str, deadline: float) -> None:
    """Poll topic metadata until every partition has a leader or `deadline` passes."""
    while True:
        try:
            (meta,) = client.describe_topics([topic])
            parts = meta.get("partitions") or []
            if meta.get("error_code", 0) == 0 and parts and all(p["leader_id"] >= 0 for p in parts):
                return
        except Exception:  # metadata not propagated yet: retry until the deadline
            pass
        if time.monotonic() > deadline:
            raise KafkaError(f"Kafka topic {topic!r} has no partition leader yet; retry later")
        time.sleep(0.05)


def delete_topic(bootstrap_servers: str, topic: str, *, timeout_s: float = 15) -> None:
    """Delete `topic`; deleting a topic that does not exist is not an error.

    Raises:
        KafkaError: the broker cannot be reached or refused the deletion.
    """
    from kafka.errors import KafkaError as ClientError
    from kafka.errors import UnknownTopicOrPartitionError

    with admin_client(bootstrap_servers, timeout_s) as client:
        try:
            client.delete_topics([topic], timeout_ms=int(timeout_s * 1000))
        except UnknownTopicOrPartitionError:
            return
        except (ClientError, OSError) as err:
            raise KafkaError(
                f"cannot delete Kafka topic {topic!r} at {bootstrap_servers}: {err}"
            ) from err


def topic_partition_count(client: Any, topic: str) -> int:
    """Number of partitions of an existing `topic` (0 if the broker does not know it)."""
    try:
        (meta,) = client.describe_topics([topic])
    except Exception:
        return 0
    return len(meta.get("partitions") or [])
