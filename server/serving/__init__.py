"""Serving: low-latency prediction from resident model worker processes (Clipper's layers).

One module per job, each testable without HTTP:

- `protocol.py`: the framing between the server and a worker (length-prefixed JSON header plus
  an Arrow IPC stream of rows);
- `worker.py`: the worker process (loads models through `mlsql.models.cache`, answers over a
  Unix domain socket or TCP loopback); `process.py`: `WorkerProcess`, the one owner of a worker
  subprocess and its connection;
- `pool.py`: N workers, restarts, retry of in-flight requests on another worker;
- `batching.py`: adaptive (AIMD) batch sizes per model under the latency objective;
- `cache.py`: the prediction cache (LRU keyed by model, version and input);
- `selection.py`: Exp3 and the Exp4 ensemble across versions, updated by feedback;
- `inputs.py`: request rows checked against a model's signature, as Arrow columns;
- `expressions.py`: the select expressions of Byzer's `/model/predict`;
- `metrics.py`: Prometheus text;
- `service.py`: `ServingService`, what the HTTP routes call.

This package depends on `mlsql.models` and `mlsql.errors`, never on the engine or pyspark.
"""
