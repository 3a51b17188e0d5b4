"""Browser fixtures: the session app served on a real port, Debian's Chromium driven by Playwright, and axe-core
run on every page a test loads.

Every page a test opens is checked: `visit` and `follow` navigate and then run axe, and each page keeps a count of
the documents it loaded, so a document that was left without a check (a navigation the test did not wrap) fails
the test at the next check or when the test ends.
"""

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

from engage.cli import DEMO_ACCOUNTS, DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
TIMEOUT_MS = 10_000


def require(path: Path, what: str) -> None:
    """Skip (with a one-line reason) when the browser or axe-core is missing; in CI that is a failure."""
    if path.exists():
        return
    reason = f"{what} not found at {path}"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + ": CI must run every test")
    pytest.skip(reason)


@dataclass
class LiveServer:
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def local(self, link: str, public_url: str) -> str:
        """A link from an email (on the public address) made to point at this server."""
        assert link.startswith(public_url), f"{link} is not on {public_url}"
        return self.url + link[len(public_url) :]


@pytest.fixture(scope="session")
def live_server(app):
    """The session app on 127.0.0.1 and a free port, in a daemon thread, for the whole session."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer("127.0.0.1", server.server_port)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="session")
def chromium():
    """One Chromium process for the whole session: Debian's, never a downloaded one."""
    require(CHROMIUM, "Chromium")
    require(AXE, "axe-core (run `npm ci`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


def describe(violations: list[dict], url: str) -> str:
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}  <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {' '.join(node['html'].split())[:160]}")
            summary = [line.strip() for line in (node.get("failureSummary") or "").splitlines() if line.strip()]
            lines.append(f"       {'; '.join(summary)[:400]}")
    return "\n".join(lines)


@dataclass
class Tracker:
    """What one page has loaded and what of it has been checked."""

    loaded: list[str] = field(default_factory=list)
    checked: int = 0
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def unchecked(self) -> list[str]:
        return self.loaded[self.checked :]


TRACKERS: dict[int, Tracker] = {}


def tracker(page) -> Tracker:
    return TRACKERS[id(page)]


def axe_check(page) -> None:
    """Run axe-core on the page as it is now and fail with a readable list of any WCAG 2.2 A/AA violations."""
    page.wait_for_load_state("load")
    state = tracker(page)
    escaped = state.unchecked()[:-1]
    if escaped:
        state.checked = len(state.loaded) - 1  # reported once, here
        pytest.fail(f"pages loaded without an axe check: {escaped}", pytrace=False)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    state.checked = len(state.loaded)
    if result["violations"]:
        pytest.fail(describe(result["violations"], page.url), pytrace=False)


@pytest.fixture(name="axe_check")
def axe_check_fixture():
    return axe_check


def policy_report(state: Tracker, message) -> None:
    if message.type == "error" and "Content Security Policy" in message.text:
        state.errors.append(message.text)


@pytest.fixture
def open_page(chromium, live_server):
    """Open a page in a fresh context (its own cookies); every page it loads must pass axe."""
    contexts = []

    def open_(viewport: dict = DESKTOP, *, bypass_csp: bool = True, **options):
        context = chromium.new_context(
            base_url=live_server.url, viewport=viewport, bypass_csp=bypass_csp, locale="en-GB", **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        if not bypass_csp:
            # The site's own policy stays in force, so axe cannot be added as a <script>: it comes in with each
            # document instead, the way an extension's would.
            context.add_init_script(path=str(AXE))
        contexts.append(context)
        page = context.new_page()
        state = TRACKERS[id(page)] = Tracker()
        page.on("domcontentloaded", lambda loaded: state.loaded.append(loaded.url))
        page.on("pageerror", lambda error: state.errors.append(str(error)))
        page.on("console", lambda message: policy_report(state, message))

        def on_dialog(dialog):
            state.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return page

    yield open_
    try:
        for context in contexts:
            for page in context.pages:
                state = TRACKERS[id(page)]
                if state.unchecked():
                    axe_check(page)  # the page the test ended on
                if state.errors:
                    problem = f"JavaScript or Content-Security-Policy errors on {page.url}: {state.errors}"
                    pytest.fail(problem, pytrace=False)
                if state.dialogs:
                    pytest.fail(f"a page opened a dialog (injected script?): {state.dialogs}", pytrace=False)
    finally:
        for context in contexts:
            for page in context.pages:
                TRACKERS.pop(id(page), None)
            context.close()


@pytest.fixture
def page(open_page):
    """A desktop-sized page (1280x900)."""
    return open_page(DESKTOP)


@pytest.fixture
def phone_page(open_page):
    """A phone-sized page (375x812), touch and mobile viewport."""
    return open_page(PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def visit():
    """Go to a path, expect its status, and check the page with axe."""

    def go(page, path: str, status: int = 200):
        response = page.goto(path)
        assert response is not None and response.status == status, (
            f"{path}: expected {status}, got {response and response.status}"
        )
        axe_check(page)
        return response

    return go


@pytest.fixture
def follow():
    """Click a link or button, or press a key, to load a new page; then check that page with axe.

    Given a locator, it is clicked (or the key pressed on it); given a page, the key is pressed on the keyboard,
    wherever focus is, as a keyboard user does.
    """

    def go(target, key: str | None = None):
        page = target if isinstance(target, Page) else target.page
        with page.expect_navigation():
            if target is page:
                assert key, "press a key on the page"
                page.keyboard.press(key)
            elif key:
                target.press(key)
            else:
                target.click()
        axe_check(page)

    return go


@pytest.fixture
def bengali(app):
    """The Bengali the site shows for an English interface text (the English itself while it is untranslated)."""

    def translate(text: str) -> str:
        with app.test_request_context(), force_locale("bn"):
            return gettext(text)

    return translate


@pytest.fixture
def email_link(app, live_server, deliver):
    """Deliver pending notices and return the link under `path` from the newest email to `to`, made local."""
    public = app.config["PUBLIC_URL"]

    def find(to: str, path: str, subject: str | None = None) -> str:
        messages = [m for m in deliver() if m["To"] == to and (subject is None or m["Subject"] == subject)]
        assert messages, f"no email to {to}" + (f" with subject {subject!r}" if subject else "")
        body = messages[-1].get_body(("plain",)).get_content()
        match = re.search(re.escape(public + path) + r"\S+", body)
        assert match, f"no {path} link in the email:\n{body}"
        return live_server.local(match.group(0), public)

    return find


@pytest.fixture
def demo(app) -> dict[str, str]:
    """The accounts `flask demo` makes, one for each role (all with DEMO_PASSWORD): role -> email address."""
    result = app.test_cli_runner().invoke(args=["demo", "--accounts-only"])
    assert result.exit_code == 0, result.output
    return {role or "resident": email for email, _, role, _, _ in DEMO_ACCOUNTS}


@pytest.fixture
def sign_in_as(visit, follow):
    """Open the sign-in page and sign in with an email address and password (the demo password unless given)."""

    def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
        visit(page, "/account/sign-in")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        follow(page.get_by_role("button", name="Sign in"))

    return sign_in


# Every text a page shows or gives to assistive technology (text, labels, titles, button values), except what
# is marked as English (lang="en": the language switcher's "English") and what is not shown at all.
PAGE_TEXTS = r"""() => {
  const texts = [document.title];
  const english = el => { const marked = el.closest('[lang]'); return marked && marked.lang.startsWith('en'); };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, template, noscript') || english(el)) continue;
    if (node.textContent.trim()) texts.push(node.textContent.trim());
  }
  for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt], input[value]')) {
    if (english(el) || el.type === 'hidden') continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      if (el.getAttribute(name)) texts.push(el.getAttribute(name));
    }
    if (['submit', 'button', 'reset'].includes(el.type)) texts.push(el.value);
  }
  return texts;
}"""


@pytest.fixture
def english_left():
    """The texts on a page that still have Latin words in them, once the given data (names, addresses) is taken
    out: on a page in Bengali, any left are interface text the catalogue did not translate."""

    def find(page, data: tuple[str, ...] = ()) -> list[str]:
        left = []
        for text in page.evaluate(PAGE_TEXTS):
            for known in sorted(data, key=len, reverse=True):
                text = text.replace(known, " ")
            if re.search(r"[A-Za-z]{2,}", text):
                left.append(text.strip())
        return left

    return find


# On a page in Bengali: the texts with Latin letters in them outside any element marked English, and the texts with
# Latin digits and with Bengali ones.
READ_ALOUD = r"""() => {
  const unmarked = [], latin = [], bengali = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement, text = node.textContent.trim();
    if (!el || !text || el.closest('script, style, template, noscript, [aria-hidden="true"]')) continue;  // unread
    const marked = el.closest('[lang]');
    if (/[A-Za-z]/.test(text) && !(marked && marked.lang.startsWith('en'))) unmarked.push(text);
    if (/[0-9]/.test(text)) latin.push(text);
    if (/[\u09E6-\u09EF]/.test(text)) bengali.push(text);
  }
  return {unmarked, bengali: latin.length ? bengali : []};
}"""


@pytest.fixture
def misread():
    """What a screen reader would read in the wrong voice on a page in Bengali (English not marked as English,
    WCAG 3.1.2), and numbers written in Bengali digits on a page that writes others in Latin ones."""

    def find(page) -> list[str]:
        found = page.evaluate(READ_ALOUD)
        problems = [f"{page.url}: English not marked English: {found['unmarked']}"] if found["unmarked"] else []
        if found["bengali"]:
            problems.append(f"{page.url}: Bengali digits beside Latin ones in {found['bengali']}")
        return problems

    return find
