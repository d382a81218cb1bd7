"""`/docs` (Swagger UI) and `/redoc` served with their JavaScript and CSS from this server.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, so they are blank on a machine without
internet access. Here the pages are FastAPI's (`get_swagger_ui_html`, `get_redoc_html`) pointed
at files under `/docs-assets/`, which come from the `fastapi-offline` package (a dependency in
pyproject.toml: the Swagger UI bundle and CSS, the ReDoc standalone bundle and a favicon). The
app is created with `docs_url=None, redoc_url=None` and calls `add_local_docs(app)`.
The pages and files are public, like `/openapi.json`: they hold nothing about jobs or data.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-assets"
ASSET_FILES = {
    "swagger_js": "swagger-ui-bundle.js",
    "swagger_css": "swagger-ui.css",
    "redoc_js": "redoc.standalone.js",
    "favicon": "favicon.png",
}


def assets_dir() -> Path:
    """The folder holding the Swagger UI and ReDoc files (installed with `fastapi-offline`)."""
    folder = Path(str(resources.files("fastapi_offline") / "static"))
    missing = [name for name in ASSET_FILES.values() if not (folder / name).is_file()]
    if missing:
        raise RuntimeError(f"API docs assets missing in {folder}: {', '.join(missing)}")
    return folder


def add_local_docs(app: FastAPI, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Add `/docs`, its OAuth2 redirect, `/redoc` and the `/docs-assets/` files to `app`."""
    app.mount(ASSETS_URL, StaticFiles(directory=assets_dir()), name="docs-assets")
    redirect_url = f"{docs_url}/oauth2-redirect"

    def asset(request: Request, key: str) -> str:
        return f"{request.scope.get('root_path', '')}{ASSETS_URL}/{ASSET_FILES[key]}"

    def openapi_url(request: Request) -> str:
        return f"{request.scope.get('root_path', '')}{app.openapi_url}"

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        """Swagger UI with local JavaScript and CSS."""
        return get_swagger_ui_html(
            openapi_url=openapi_url(request),
            title=f"{app.title} - Swagger UI",
            swagger_js_url=asset(request, "swagger_js"),
            swagger_css_url=asset(request, "swagger_css"),
            swagger_favicon_url=asset(request, "favicon"),
            oauth2_redirect_url=f"{request.scope.get('root_path', '')}{redirect_url}",
        )

    @app.get(redirect_url, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        """Swagger UI's OAuth2 redirect page (inline, no external files)."""
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(redoc_url, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        """ReDoc with its local bundle and no Google Fonts."""
        return get_redoc_html(
            openapi_url=openapi_url(request),
            title=f"{app.title} - ReDoc",
            redoc_js_url=asset(request, "redoc_js"),
            redoc_favicon_url=asset(request, "favicon"),
            with_google_fonts=False,
        )
