"""Issue 19.9: /docs and /redoc load their JavaScript and CSS from the server itself."""

from __future__ import annotations

import re

import httpx
import pytest

CONTENT_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_reference_only_local_files(anonymous: httpx.Client, page: str) -> None:
    response = anonymous.get(page)  # public, like /openapi.json
    assert response.status_code == 200
    html = response.text
    urls = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
    assert urls, html
    assert "cdn" not in html and "googleapis" not in html and "//" not in "".join(urls)
    scripts = [u for u in urls if u.endswith(".js")]
    assert scripts, urls
    for url in urls:
        assert url.startswith("/"), url
        fetched = anonymous.get(url)
        assert fetched.status_code == 200, url
        suffix = url[url.rfind(".") :]
        if suffix in CONTENT_TYPES:
            assert CONTENT_TYPES[suffix] in fetched.headers["content-type"], url
            assert len(fetched.content) > 1000, url  # the real bundle, not a stub


def test_the_page_names_the_openapi_document(anonymous: httpx.Client) -> None:
    assert "/openapi.json" in anonymous.get("/docs").text
    assert 'spec-url="/openapi.json"' in anonymous.get("/redoc").text
    assert anonymous.get("/openapi.json").json()["info"]["title"] == "MLSQL for Python"
