"""`mlsql kafka start|stop|status`: the embedded Kafka broker, run detached from the CLI.

`start` leaves the broker running after the command returns (its state is recorded in
`<work_dir>/kafka/broker.json`, which `mlsql run` and the server reuse); `stop` ends it.
`start --brokers 3` starts a local three-broker KRaft cluster instead (`mlsql.kafka.cluster`,
state in `<work_dir>/kafka-cluster/cluster.json`), which scripts use through
`kafka.bootstrap_servers`; `stop --cluster` ends it.
"""

from __future__ import annotations

import argparse
from typing import Any

from mlsql.config import Config


def register(subparsers: Any) -> None:
    """Add the `kafka` command and its `start`, `stop` and `status` actions."""
    parser = subparsers.add_parser("kafka", help="start, stop or inspect the embedded Kafka broker")
    actions = parser.add_subparsers(dest="kafka_action", required=True)
    start = actions.add_parser("start", help="start the embedded broker in the background")
    start.add_argument(
        "--brokers",
        type=int,
        default=1,
        help="N > 1: a local N-broker KRaft cluster (replication min(3, N)) under work_dir",
    )
    start.set_defaults(func=_start)
    stop = actions.add_parser("stop", help="stop the embedded broker")
    stop.add_argument("--cluster", action="store_true", help="stop the local multi-broker cluster")
    stop.set_defaults(func=_stop)
    status = actions.add_parser("status", help="say whether a broker runs, and where")
    status.set_defaults(func=_status)


def _config(args: argparse.Namespace) -> Config:
    return Config.load(getattr(args, "conf_file", None))


def _start(args: argparse.Namespace) -> int:
    """Start (or find) the embedded broker and print its bootstrap address."""
    from mlsql.kafka.broker import start_detached

    config = _config(args)
    if config.kafka.bootstrap_servers:
        print(
            f"kafka.bootstrap_servers is set to {config.kafka.bootstrap_servers}: no embedded broker needed"
        )
        return 0
    if getattr(args, "brokers", 1) > 1:
        from mlsql.kafka.cluster import start_detached as start_cluster

        cluster = start_cluster(config, args.brokers)
        pids = ",".join(str(n.pid) for n in cluster.nodes)
        print(
            f"running brokers={len(cluster.nodes)} pids={pids} bootstrap={cluster.bootstrap_servers}"
        )
        print(f"use it with kafka.bootstrap_servers={cluster.bootstrap_servers}")
        return 0
    state = start_detached(config)
    print(f"running pid={state.pid} bootstrap={state.bootstrap_servers}")
    return 0


def _stop(args: argparse.Namespace) -> int:
    """Stop the embedded broker (or, with `--cluster`, the local cluster), if one runs."""
    from mlsql.kafka.broker import stop_detached

    if getattr(args, "cluster", False):
        from mlsql.kafka.cluster import stop_detached as stop_cluster

        print("stopped" if stop_cluster(_config(args)) else "not running")
        return 0
    stopped = stop_detached(_config(args))
    print("stopped" if stopped else "not running")
    return 0


def _status(args: argparse.Namespace) -> int:
    """Print `running <address>` or `stopped`; exit code 0 if running, 3 if not."""
    from mlsql.kafka.broker import status

    info = status(_config(args))
    kind = "embedded" if info["embedded"] else "external"
    if info["running"]:
        pid = f" pid={info['pid']}" if info.get("pid") else ""
        print(f"running ({kind}) bootstrap={info['bootstrap_servers']}{pid}")
        return 0
    where = f" bootstrap={info['bootstrap_servers']}" if info["bootstrap_servers"] else ""
    note = f": {info['message']}" if info.get("message") else ""
    print(f"stopped ({kind}){where}{note}")
    return 3
