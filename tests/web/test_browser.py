"""Headless Chromium (Debian's) driven by Playwright against the real server: chat, widget, XSS, screenshots."""

import shutil
from pathlib import Path

import pytest

from assistant.api.running import running_server
from assistant.service import Assistant
from assistant.web.server import create_server_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENS = Path(__file__).resolve().parents[2] / "evaluation" / "reports" / "screens"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic"]  # fmt: skip
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian chromium not installed (.ci/run installs it)"
)


KEYS = [{"key": "widget-key", "scope": "widget", "name": "widget"},
        {"key": "advisor-key", "scope": "advisor", "name": "advisor"}]  # fmt: skip
PIXELS = ("pixel", "phish.example")  # what the hostile test document tries to make the browser load


def _with_keys(assistant):
    settings = assistant.settings.model_copy(deep=True)
    settings.server = settings.server.model_validate({"api_keys": KEYS})
    return Assistant(settings=settings, embedder=assistant.embedder, index=assistant.index)


@pytest.fixture(scope="module")
def site(built):
    with running_server(create_server_app(_with_keys(built))) as base:
        yield base


def _login(page, base, key):
    page.goto(base + "/login", wait_until="load")
    page.locator("#key").fill(key)
    page.locator("#login").click()
    page.wait_for_url(base + "/", timeout=30_000)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _chat(page, base, question):
    if not page.url.startswith(base):
        page.goto(base + "/", wait_until="load")  # gradio keeps a connection open: never "networkidle"
    page.locator("#cg-question textarea").wait_for(timeout=60_000)
    page.locator("#cg-question textarea").fill(question)
    page.locator("#cg-send").click()
    page.wait_for_function(
        "() => { const m = document.querySelectorAll('#cg-chat .message'); return m.length >= 2 && "
        "/\\[1\\]|BAFA|Exportkontroll|export-control/.test(m[m.length - 1].innerText) }",
        timeout=60_000,
    )
    page.wait_for_timeout(500)


def test_chat_answers_with_citations_and_sources(browser, site):
    page = browser.new_page(locale="en-US")
    _login(page, site, "advisor-key")  # an advisor: the sources panel links the stored documents too
    _chat(page, site, "Who decides on export licences in Germany?")
    chat = page.locator("#cg-chat").inner_text()
    assert "BAFA" in chat and "[1]" in chat
    page.wait_for_function("() => document.querySelector('#cg-sources').innerText.includes('[1]')", timeout=30_000)
    sources = page.locator("#cg-sources").inner_text()
    assert "Export control basics for laboratories" in sources
    assert page.locator("#cg-sources a[href*='/api/documents/']").count() >= 1
    page.screenshot(path=str(SCREENS / "chat.png"), full_page=True)
    page.close()


def test_chat_shows_hostile_documents_as_text_and_never_internal_documents(browser, site):
    page = browser.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    _chat(page, site, "What does the zebra crossing guideline say about visitors, badges and the portal?")
    page.wait_for_function("() => document.querySelector('#cg-sources').innerText.includes('[1]')", timeout=30_000)
    text = page.locator("#cg-chat").inner_text()
    assert "<script>" in text or "onerror" in text  # shown as text
    assert page.evaluate("() => window.__pwned === undefined")
    hrefs = page.eval_on_selector_all("#cg-chat a, #cg-sources a", "els => els.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if "phish" in (h or "") or (h or "").startswith("//")], hrefs
    assert page.locator("#cg-chat img, #cg-sources img").count() == 0
    assert not [u for u in requested if any(p in u for p in PIXELS)], requested
    page.screenshot(path=str(SCREENS / "chat-xss.png"), full_page=True)
    _chat(page, site, "Was empfiehlt der interne Vermerk zum Projekt Nordlicht?")
    assert "Beratungsstelle" not in page.content()
    page.close()


def _widget_open(page, base, key=""):
    page.goto(base + "/widget-demo", wait_until="networkidle")
    assert "widget-key" not in page.content()  # the demo page never carries a key
    page.locator("#demo-key").fill(key)
    page.locator("#demo-go").click()
    page.locator("[data-coopguide]").wait_for(state="attached", timeout=30_000)


def _widget_ask(page, question):
    page.locator("button.launcher").click()
    box = page.locator("section.panel textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "() => { const r = document.querySelector('[data-coopguide]').shadowRoot;"
        " return !!r.querySelector('.bot .sources') }",
        timeout=60_000,
    )


def test_widget_opens_streams_and_links_citations(browser, site):
    page = browser.new_page(viewport={"width": 390, "height": 800})  # a phone
    _widget_open(page, site, "widget-key")
    _widget_ask(page, "Wer erteilt in Deutschland Ausfuhrgenehmigungen?")
    link = page.locator("section.panel .bot a", has_text="[1]").first
    href = link.get_attribute("href")
    assert href.startswith(("http://", "https://"))
    assert page.locator("section.panel .sources").inner_text().startswith("Quellen")
    # the host page's hostile CSS (yellow 30px buttons) does not reach into the widget
    size = page.locator("button.launcher").evaluate("b => getComputedStyle(b).fontSize")
    assert size == "15px"
    page.screenshot(path=str(SCREENS / "widget.png"))
    page.keyboard.press("Escape")
    assert page.locator("section.panel").is_hidden()
    page.close()


def test_widget_renders_payloads_as_text(browser, site):
    page = browser.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    _widget_open(page, site)  # anonymous
    _widget_ask(page, "What does the zebra crossing guideline say about visitors, badges and the portal?")
    text = page.locator("section.panel .log").inner_text()
    assert "<script>" in text or "onerror" in text
    assert page.evaluate("() => window.__pwned === undefined")
    assert page.locator("section.panel .log img").count() == 0
    hrefs = page.eval_on_selector_all(
        "[data-coopguide]", "h => [...h[0].shadowRoot.querySelectorAll('a')].map(a => a.href)"
    )
    assert not [h for h in hrefs if "phish.example" in h], hrefs
    assert not [u for u in requested if any(p in u for p in PIXELS)], requested
    page.screenshot(path=str(SCREENS / "widget-xss.png"))
    page.close()


@pytest.fixture(scope="module")
def full_site(full):
    with running_server(create_server_app(_with_keys(full))) as base:
        yield base


def test_assessment_tab_only_for_advisors(browser, full_site):
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    _login(page, full_site, "widget-key")
    page.locator("#cg-question textarea").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    assert page.get_by_role("tab", name="Empfehlung entwerfen / Draft a recommendation").count() == 0
    page.close()


def test_assessment_tab_drafts_and_offers_downloads(browser, full_site):
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    _login(page, full_site, "advisor-key")
    page.get_by_role("tab", name="Empfehlung entwerfen / Draft a recommendation").click()
    page.locator("#cg-a-partner textarea").fill("Harbin Institute of Technology")
    page.locator("#cg-a-country textarea").fill("CN")
    page.locator("#cg-a-field textarea").fill("Photonik und Hochleistungslaser")
    page.locator("#cg-a-go").click()
    page.wait_for_function("() => document.querySelector('#cg-a-preview').innerText.includes('Gesamt')", timeout=90_000)
    preview = page.locator("#cg-a-preview").inner_text()
    assert "Harbin Institute of Technology" in preview and "hoch" in preview and "[1]" in preview
    page.wait_for_function("() => document.querySelectorAll('#cg-a-docx a, #cg-a-md a').length >= 2", timeout=30_000)
    assert "assessment.docx" in page.locator("#cg-a-docx").inner_text().replace("\n", "")
    page.screenshot(path=str(SCREENS / "assessment.png"), full_page=True)
    page.close()


def test_chat_shows_a_situation_answer_with_attention_and_sections(browser, full_site):
    page = browser.new_page(viewport={"width": 1280, "height": 1400}, locale="de-DE")
    _chat(page, full_site, "Wir planen einen Workshop mit der Beihang University in Peking. Was müssen wir beachten?")
    page.wait_for_function("() => document.querySelector('#cg-chat').innerText.includes('Was jetzt zu tun ist')",
                           timeout=60_000)  # fmt: skip
    text = page.locator("#cg-chat").inner_text()
    assert "Aufmerksamkeit: hoch" in text and "Was gilt" in text and "Verbindliches Recht:" in text
    assert text.index("Aufmerksamkeit") < text.index("Was gilt") < text.index("Was jetzt zu tun ist")
    page.screenshot(path=str(SCREENS / "situation.png"), full_page=True)
    page.close()
