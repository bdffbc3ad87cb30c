"""What every page of both apps carries: the favicon and labkit's shared stylesheet, linked and served."""

from __future__ import annotations


def fetch(client, path: str):
    """GET a static file and close the response (the file it streams from)."""
    resp = client.get(path)
    resp.get_data()
    resp.close()
    return resp


def assert_favicon_and_stylesheet(client, page_path: str, *css_parts: bytes) -> None:
    """Check the page at ``page_path`` links the favicon and the stylesheet, and both are served.

    The favicon is served at ``/static/favicon.svg`` and, the same file, at ``/favicon.ico``; the stylesheet
    must contain each of ``css_parts``.
    """
    page = client.get(page_path).get_data(as_text=True)
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in page
    assert 'href="/static/labkit/labkit.css"' in page
    icon, at_root, css = (
        fetch(client, path) for path in ("/static/favicon.svg", "/favicon.ico", "/static/labkit/labkit.css")
    )
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    assert at_root.data == icon.data
    assert css.status_code == 200
    for part in css_parts:
        assert part in css.data, part
