"""What the routes call: running scripts, the job pool, history, callbacks, security checks."""
