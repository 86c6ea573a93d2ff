"""F14: gradio's server-side URL fetching (/gradio_api/file=http…) is closed."""

import httpx
import pytest


@pytest.mark.parametrize("path", ["/gradio_api/file=https://example.org/x", "/gradio_api/file=http://example.org/x",
                                  "/file=https://example.org/x", "/gradio_api/proxy=https://example.org/x"])  # fmt: skip
def test_url_fetching_is_closed(open_site, path):
    assert httpx.get(open_site + path).status_code == 403
