"""English and Bengali (বাংলা): every string a person can see has a Bengali translation, and the site speaks it.

When a test here fails because of a new or changed string: run `make messages`, translate the new entries in
engage/translations/bn/LC_MESSAGES/messages.po (no fuzzy entries, placeholders like %(name)s kept exactly), and
commit the .po together with engage/translations/messages.pot.
"""

import ast
import functools
import json
import os
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages import frontend
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import get_babel
from markupsafe import escape

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / "babel.cfg"
TRANSLATIONS = ROOT / "engage" / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "bn" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
DATA = json.loads((ROOT / "engage" / "data" / "tower-hamlets.json").read_text(encoding="utf-8"))

# The -k options of `make messages`, on top of Babel's own keywords (_, gettext, ngettext, pgettext, ...).
EXTRA_KEYWORDS = ["_l", "lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2", "lazy_npgettext:1c,2,3"]
KEYWORDS = {**DEFAULT_KEYWORDS, **frontend.parse_keywords(EXTRA_KEYWORDS)}
COMMENT_TAGS = ("Translators:",)
PLACEHOLDER = re.compile(r"%\((\w+)\)")

BOARDS = {board["slug"]: board for board in DATA["boards"]}
CURRENT_PLAN = next(plan for plan in DATA["plans"] if plan.get("current"))


def key(message: Message) -> str:
    return repr(message.id if message.context is None else (message.context, message.id))


def forms(value) -> tuple[str, ...]:
    """A message's singular and plural forms (ids or translations) as one tuple."""
    if isinstance(value, list | tuple):
        return tuple(value)
    return (value,)


def where(message: Message) -> str:
    return ", ".join(f"{path}:{line}" for path, line in message.locations) or "no location"


def mapping_cfg():
    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping  # Babel < 2.15
    with BABEL_CFG.open(encoding="utf-8") as cfg:
        return parse(cfg, str(BABEL_CFG))


@functools.cache
def extracted() -> Catalog:
    """What `make messages` would put in the template, extracted afresh from the code and templates."""
    method_map, options_map = mapping_cfg()
    catalog = Catalog()
    for path, line, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True
    ):
        catalog.add(message, None, [(path, line)], auto_comments=comments, context=context)
    return catalog


def read(path: Path) -> Catalog:
    with path.open("rb") as po:
        return read_po(po)


@pytest.fixture(scope="module")
def bengali() -> Catalog:
    return read(PO)


# --- The catalog: complete, sound and current -------------------------------------------------------------------


def test_every_marked_string_has_a_bengali_translation(bengali):
    """The test the issue asks for: a string in a template or in the code with no Bengali translation fails here."""
    marked = [message for message in extracted() if message.id]
    assert marked, f"nothing extracted with {BABEL_CFG.name}: is the extraction broken?"
    problems = []
    for message in marked:
        translated = bengali.get(message.id, message.context)
        if translated is None:
            problems.append(f"missing  {key(message)}  ({where(message)})")
        elif translated.fuzzy:
            problems.append(f"fuzzy    {key(message)}  ({where(message)})")
        elif not all(text.strip() for text in forms(translated.string)):
            problems.append(f"empty    {key(message)}  ({where(message)})")
        elif message.pluralizable and len(forms(translated.string)) != bengali.num_plurals:
            problems.append(f"needs {bengali.num_plurals} plural forms  {key(message)}  ({where(message)})")
    assert not problems, (
        f"{len(problems)} of {len(marked)} strings have no Bengali translation. Run `make messages`, then translate "
        f"them in {PO.relative_to(ROOT)}:\n  " + "\n  ".join(problems)
    )


def test_translations_keep_their_placeholders_and_render(bengali):
    """A lost or renamed %(name)s, or a stray % in a template string, would break the page in Bengali only."""
    from_templates = {key(m) for m in extracted() if any(not path.endswith(".py") for path, _ in m.locations)}
    problems = []
    for message in bengali:
        if not message.id or not any(forms(message.string)):
            continue
        expected = {name for text in forms(message.id) for name in PLACEHOLDER.findall(text)}
        for text in forms(message.string):
            found = set(PLACEHOLDER.findall(text))
            if found - expected or (not message.pluralizable and found != expected):
                problems.append(
                    f"{key(message)}: placeholders {sorted(found)} in Bengali, {sorted(expected)} in English"
                )
                continue
            # Jinja's gettext always %-formats, so in a template a literal % must be written %%.
            if key(message) in from_templates or message.python_format:
                try:
                    text % dict.fromkeys(expected | {"num"}, 1)
                except (KeyError, TypeError, ValueError) as error:
                    problems.append(f"{key(message)}: Bengali text does not format ({error}); write a literal % as %%")
    assert not problems, "Broken Bengali translations:\n  " + "\n  ".join(problems)


BENGALI_DIGITS = re.compile("[\u09e6-\u09ef]")


def test_bengali_text_writes_its_numbers_in_the_digits_the_pages_write_every_other_number_in(bengali):
    """A Bengali page writes its numbers one way: in Latin digits, as Babel writes Bengali dates and numbers and as
    every number put into a message (%(num)s) comes. Bengali digits in a translation or in the partnership's data
    would sit beside Latin ones on the same page ("১ থেকে 5000")."""
    problems = [key(m) for m in bengali if m.id and any(BENGALI_DIGITS.search(text) for text in forms(m.string))]
    problems += [
        text for text in re.findall(r'"([^"]*)"', json.dumps(DATA, ensure_ascii=False)) if BENGALI_DIGITS.search(text)
    ]
    assert not problems, "Bengali digits (write 0-9):\n  " + "\n  ".join(problems)


def test_the_catalog_is_bengali_with_two_plural_forms(bengali):
    assert str(bengali.locale) == "bn"
    assert bengali.plural_forms == "nplurals=2; plural=(n != 1);"
    assert not bengali.fuzzy, "a fuzzy catalog header makes `pybabel compile` skip the whole catalog"


def test_the_committed_template_lists_exactly_the_marked_strings():
    """messages.pot is committed so string changes show in review; `make messages` keeps it current."""
    fresh = {key(message) for message in extracted() if message.id}
    committed = {key(message) for message in read(POT) if message.id}
    assert fresh == committed, (
        f"{POT.relative_to(ROOT)} is out of date: run `make messages` and commit it.\n"
        f"  new or changed: {sorted(fresh - committed)}\n  gone: {sorted(committed - fresh)}"
    )


def test_make_messages_extracts_with_the_same_keywords_as_this_test():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^messages:.*?(?=^\S|\Z)", makefile, re.MULTILINE | re.DOTALL)
    assert recipe, "the Makefile has no `messages` target"
    assert "pybabel extract" in recipe.group() and "pybabel update" in recipe.group()
    assert sorted(re.findall(r"-k\s*(\S+)", recipe.group())) == sorted(EXTRA_KEYWORDS)


def test_the_code_translates_only_through_names_the_extraction_knows():
    """`from engage.i18n import gettext as _t` (or from flask_babel) would hide every _t("...") string from
    `make messages`."""
    from babel.util import pathmatch

    method_map, _ = mapping_cfg()
    patterns = [pattern for pattern, method in method_map if method == "python"]
    problems = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith((".", "_", "node_modules")))
        for name in sorted(files):
            relative = (Path(folder) / name).relative_to(ROOT).as_posix()
            if any(pathmatch(pattern, relative) for pattern in patterns):
                problems += untracked_translators(Path(folder) / name, relative)
    assert not problems, (
        "Translated through names `make messages` does not extract; use _ or _l, or add a -k to the Makefile "
        "and EXTRA_KEYWORDS here:\n  " + "\n  ".join(problems)
    )


def untracked_translators(path: Path, relative: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), relative)):
        if isinstance(node, ast.ImportFrom) and node.module in ("flask_babel", "engage.i18n"):
            for alias in node.names:
                local = alias.asname or alias.name
                if alias.name in KEYWORDS and KEYWORDS.get(local, "absent") != KEYWORDS[alias.name]:
                    problems.append(f"{relative}:{node.lineno}: {alias.name} as {local}")
    return problems


# --- The site in Bengali ----------------------------------------------------------------------------------------


def compile_catalog() -> None:
    """`make test` compiles the catalog first; plain `pytest` gets it compiled here when it is missing or stale."""
    if MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime:
        return
    fd, temporary = tempfile.mkstemp(dir=MO.parent, prefix=".messages-", suffix=".mo")
    try:
        with os.fdopen(fd, "wb") as mo:
            write_mo(mo, read(PO))
        os.chmod(temporary, 0o644)  # as `pybabel compile` leaves it, not mkstemp's 0600
        os.replace(temporary, MO)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@pytest.fixture
def site(app, browser):
    """The browser, with the Bengali catalog compiled and no translations cached from before it was."""
    compile_catalog()
    with app.app_context():
        get_babel(app).instance.domain_instance.cache.clear()
    return browser


@pytest.fixture
def bn(bengali):
    """The Bengali of an English string, as the catalog has it."""

    def translate(english: str, **variables) -> str:
        message = bengali.get(english)
        assert message is not None and message.string, f"no Bengali for {english!r}"
        return message.string % variables if variables else message.string

    return translate


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_code_translates_in_the_language_in_force_even_when_forced_within_a_request(app, bn, bengali):
    """The code's strings come from translations found once a request, yet follow force_locale inside it (a notice
    in its reader's language while the page is in another), and the worker's strings are English unless forced."""
    from flask_babel import force_locale

    from engage.i18n import gettext, language, lazy_gettext, ngettext

    compile_catalog()
    later = lazy_gettext("Open")
    with app.app_context():
        get_babel(app).instance.domain_instance.cache.clear()
        assert (gettext("Open"), language()) == ("Open", "en")
        with force_locale("bn"):
            assert (gettext("Open"), str(later), language()) == (bn("Open"), bn("Open"), "bn")
    with app.test_request_context("/?lang=bn"):
        assert (gettext("Open"), str(later), language()) == (bn("Open"), bn("Open"), "bn")
        with force_locale("en"):
            assert (gettext("Open"), str(later), language()) == ("Open", "Open", "en")
            assert ngettext("%(num)s proposal", "%(num)s proposals", 2) == "2 proposals"
        assert gettext("Open") == bn("Open")
        forms = bengali.get("%(num)s proposal").string
        assert ngettext("%(num)s proposal", "%(num)s proposals", 2) in {form % {"num": 2} for form in forms}


def test_bengali_is_chosen_remembered_by_cookie_and_switched_back(site, bn):
    heading = "Shape the future of Tower Hamlets"

    response = site.get("/?lang=bn")
    page = text(response)
    assert '<html lang="bn"' in page
    assert bn(heading) in page and heading not in page
    assert escape(CURRENT_PLAN["title_bn"]) in page
    assert any(cookie.startswith("lang=bn;") for cookie in response.headers.getlist("Set-Cookie"))

    page = text(site.get("/"))
    assert '<html lang="bn"' in page and bn(heading) in page, "the choice of Bengali was not remembered"
    page = text(site.get("/boards/"))
    assert '<html lang="bn"' in page and bn("The partnership's boards") in page

    page = text(site.get("/?lang=en"))
    assert '<html lang="en"' in page and heading in page and bn(heading) not in page
    page = text(site.get("/"))
    assert '<html lang="en"' in page and heading in page, "switching back to English was not remembered"


@pytest.mark.parametrize("board", DATA["boards"], ids=lambda board: board["slug"])
def test_a_board_page_shows_its_bengali_name_and_remit(site, bn, board):
    page = text(site.get(f"/boards/{board['slug']}?lang=bn"))
    assert re.search(rf"<h1[^>]*>\s*{re.escape(str(escape(board['name_bn'])))}\s*</h1>", page)
    assert escape(board["remit_bn"]) in page and escape(board["remit"]) not in page
    assert bn("Remit") in page and bn("Partner organisations") in page


@pytest.mark.parametrize("priority", CURRENT_PLAN["priorities"], ids=lambda priority: f"call-{priority['number']}")
def test_a_call_to_action_page_shows_its_bengali_title_and_boards(site, bn, priority):
    page = text(site.get(f"/calls-to-action/{priority['number']}?lang=bn"))
    assert escape(priority["title_bn"]) in page and escape(priority["title"]) not in page
    assert bn("Call to action %(number)s", number=priority["number"]) in page
    assert escape(BOARDS[priority["lead_board"]]["name_bn"]) in page
    for slug in priority["interested_boards"]:
        assert escape(BOARDS[slug]["name_bn"]) in page


def test_the_calls_to_action_list_is_in_bengali(site, bn):
    page = text(site.get("/calls-to-action/?lang=bn"))
    assert bn("Calls to action") in page
    for priority in CURRENT_PLAN["priorities"]:
        assert escape(priority["title_bn"]) in page and escape(priority["title"]) not in page


class VisibleText(HTMLParser):
    """The text a person sees or hears: text nodes and the labels read out by screen readers."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")
        self.texts += [value.strip() for name, value in attrs if name in ("aria-label", "title", "alt") and value]

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(" ".join(data.split()))


PUBLIC_PAGES = [
    "/",
    "/calls-to-action/",
    "/calls-to-action/1",
    "/boards/",
    "/boards/partnership-board",
    "/plans/",
    f"/plans/{CURRENT_PLAN['slug']}",
    *(f"/plans/{plan['slug']}" for plan in DATA["plans"] if not plan.get("current")),
    "/accessibility",
    "/reports/",
    "/privacy",
    "/account/sign-in",
    "/account/register",
    "/account/reset-password",
    "/no-such-page",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_no_english_interface_text_is_left_on_a_bengali_page(site, bengali, url):
    """Catches strings translated once at import time, or rendered without _(): they stay English in Bengali."""
    english = {
        message.id.replace("%%", "%"): message.string
        for message in bengali
        if isinstance(message.id, str) and message.id and message.string and message.string != message.id
    }
    site.get("/?lang=bn")
    response = site.get(url)
    assert response.status_code in (200, 404)
    parser = VisibleText()
    parser.feed(response.get_data(as_text=True))
    left = sorted(
        {
            msgid
            for seen in parser.texts
            for msgid in english
            if seen == msgid or (len(msgid.split()) >= 3 and msgid in seen)
        }
    )
    assert not left, f"English left on the Bengali {url}: {left}"
