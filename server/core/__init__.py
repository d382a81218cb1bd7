"""The server's configuration, runtime (engine, pool, history) and ASGI middleware."""
