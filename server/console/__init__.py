"""The web console's back end (`/console`): what the console's routes call.

- `notebooks.py`: notebooks of cells saved per owner in the server's SQLite database;
- `curves.py`: per-epoch training progress (loss per group) of the jobs the console starts;
- `models.py`: the model stores an owner trained (paths from its jobs) with versions and metrics;
- `completion.py`: words for the editor (statements, algorithms, tables, functions);
- `events.py`: the owner's jobs as a server-sent event stream;
- `static/`: the built front end (source in `console/`, rebuilt by `make console`).
"""
