"""`mlsql shell`: an interactive prompt over one engine session (local, or a server's).

`input` decides when a statement is complete, `completer` offers keywords, tables, functions,
algorithms and option names, `backend` runs statements locally or on a server, `loop` is the
read-check-run-print loop itself.
"""
