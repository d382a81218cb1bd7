"""The driver side of `train`: options → Kafka data path → worker tasks → published versions.

- `options.py`   splits a train statement's options into parameter groups, Kafka and system params;
- `datapath.py`  makes Spark executors write the table into a per-job topic (Arrow batches);
- `launcher.py`  runs inside a Spark task: starts the training worker process, forwards progress;
- `progress.py`  a driver thread that turns workers' progress events into job progress;
- `runner.py`    ties them together for one statement and publishes the versions.
"""
