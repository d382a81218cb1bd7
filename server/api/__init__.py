"""HTTP faces: routers (one module per resource) and their shared dependencies."""
