"""F6: document-derived strings reach the UI as text: no links but ours to validated http(s) URLs, no images."""

import re

from assistant.types import Answer, Citation
from assistant.web.text import display_text, safe_url, sources_html

HOSTILE = Citation(
    n=1, doc_id="x", title="Laser licences <img src=x onerror=alert(1)> [Phish](https://phish.example/t) ![p](http://h/p)",
    section="S", page=None, publisher="<b>BAFA</b> ![pp](//h/pub)",
    source_url="https://ok.example/y) ![up](http://h/u) [Phish url](https://phish.example/url) (",
    published=None, language="en", passage="See [the BAFA portal](//phish.example/bafa) ![s](//h/b)", score=0.5,
    sources=({"publisher": "<b>BAFA</b> ![pp](//h/pub)", "title": "[Phish](https://phish.example/t)", "date": None,
              "url": "https://ok.example/y) ![up](http://h/u) [Phish url](https://phish.example/url) ("},
             {"publisher": "EUR-Lex", "title": "833/2014", "date": "2014", "url": "javascript:alert(1)"}),
)  # fmt: skip


def test_sources_panel_builds_its_own_links_only():
    html = sources_html(Answer("q", "en", "a", False, (HOSTILE,)), "en", document_links=True)
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert all(h.startswith("/api/documents/") for h in hrefs)  # the broken-out source_url is not linked
    assert "<img" not in html and "<b>" not in html and "onerror=" not in html.replace("onerror=alert", "")
    assert "&lt;img" in html


def test_safe_url():
    assert (
        safe_url("https://eur-lex.europa.eu/eli/reg/2014/833/deu") == "https://eur-lex.europa.eu/eli/reg/2014/833/deu"
    )
    for bad in (
        "javascript:alert(1)",
        "//phish.example/x",
        "https://ok.example/y) ![up](http://h)",
        "data:text/html,x",
    ):
        assert safe_url(bad) is None


def test_chat_text_keeps_markdown_inert():
    shown = display_text(
        "### Title ![p](http://h/p)\n- Sentence [x](https://phish.example) <b>x</b> [1]\n> **Screening**"
    )
    assert shown.splitlines() == ["Title ![p](http://h/p)", "• Sentence [x](https://phish.example) &lt;b&gt;x&lt;/b&gt; [1]",
                                  "Screening"]  # fmt: skip
