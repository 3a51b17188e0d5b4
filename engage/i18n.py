"""English and Bengali: chosen by ?lang=, remembered in a cookie, else the person's preference."""

import re
from datetime import datetime
from functools import lru_cache
from weakref import WeakKeyDictionary

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import format_datetime, get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context, pass_eval_context
from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from engage import query_string
from engage.escaping import ascii_html
from engage.extensions import babel

COOKIE = "lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI and the worker say what they need with force_locale
        return "en"
    for choice in (query_string.choice(request.args, "lang", languages), request.cookies.get(COOKIE)):
        if choice in languages:
            return choice
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return _best_match(request.headers.get("Accept-Language", ""), tuple(languages))


@lru_cache(maxsize=256)
def _best_match(header: str, languages: tuple[str, ...]) -> str:
    """The language a browser's Accept-Language prefers among ours: browsers send a handful of headers, parsed once."""
    return parse_accept_header(header, LanguageAccept).best_match(languages) or "en"


def when(value: datetime | str) -> str:
    """A UTC time (or its ISO text, as notices keep it) as people in the borough read it: Europe/London."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(moment, "EEEE d MMMM yyyy, HH:mm")


def language() -> str:
    return _kept()[2]


_BENGALI = re.compile("[\u0980-\u09ff]")
_LATIN = re.compile("[A-Za-z]")


def language_of(text: str) -> str | None:
    """The language a text is written in, told by its script: Bengali when it has a Bengali letter in it, else English
    when it has a Latin one, else none (a number, a date). Residents and staff write in either language, and only a
    few rows record which; the two scripts tell them apart."""
    if _BENGALI.search(text):
        return "bn"
    return "en" if _LATIN.search(text) else None


def other_language(text: str) -> str | None:
    """The language a text is written in when that is not the page's; none when it is, or cannot be told."""
    own = language_of(text)
    return own if own is not None and own != language() else None


def own_language(value):
    """What someone wrote (a title, a venue, a board's wording, a name), in an element marked with its language
    when that is not the page's, so a screen reader reads it in that language's voice (WCAG 3.1.2)."""
    other = other_language(str(value)) if value else None
    return Markup('<span lang="%s">%s</span>') % (other, value) if other else value


@pass_context
def _own_language_on_the_page(_context, value):
    """own_language as a template filter. Given the render's context, so that Jinja never works it out once when it
    compiles a template (it does for a filter of a constant, like an example written in the template), in whatever
    language the first page drawn from that template happened to be."""
    return own_language(value)


def lazy_own_language(value: str) -> LazyString:
    """own_language once the page's language is known: for a value put into lazy_gettext's words (an example to type,
    like name@example.com), so that the translations hold only their own language and the value is marked with its."""
    return LazyString(own_language, value)


def lang_attribute(text: str) -> Markup:
    """own_language for an element that holds only text (an <option>): its own lang attribute, or nothing."""
    other = other_language(text)
    return Markup(' lang="%s"') % other if other else Markup("")


def _kept() -> tuple:
    """The language in force, its translations and its code, found once a request (or per force_locale) and kept on
    Flask-Babel's own namespace: Flask-Babel finds them again for every string, which cost a page more than
    translating (each look-up walks Flask's context proxies half a dozen times)."""
    try:
        namespace = g._flask_babel
        kept = namespace.engage_kept
        if kept[0] is namespace.babel_locale:  # force_locale sets another
            return kept
    except AttributeError:
        pass
    except RuntimeError:  # no application context: as Flask-Babel, the strings as written
        return (None, get_translations(), "en")
    locale = get_locale()
    kept = g._flask_babel.engage_kept = (locale, get_translations(), str(locale))
    return kept


def _translations():
    return _kept()[1]


def gettext(string: str, **variables) -> str:
    """flask_babel.gettext, with the translations found once a request."""
    text = _translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """flask_babel.ngettext, with the translations found once a request."""
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """flask_babel.lazy_gettext: translated in the language in force wherever it is used."""
    return LazyString(gettext, string, **variables)


def _translated(eval_ctx, text: str, variables: dict) -> str:
    """Jinja's i18n extension's "newstyle" strings: escaped, then formatted with the keywords given."""
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables if variables or "%" in text else text


# Each language's words as pages write them (translated, marked safe), kept per process: a page writes the same words
# on every request. Only words without values put in them, and only as many as the templates hold.
_WRITTEN: "WeakKeyDictionary[object, dict[str, Markup]]" = WeakKeyDictionary()
_WRITTEN_AT_MOST = 5000


def _functions(translations=None) -> tuple:
    """Templates' gettext and ngettext: bound to one language's translations when given (a page's, found once as
    it starts rendering), else finding those in force at each call (macros imported without the page's context)."""
    find = (lambda: translations) if translations is not None else _translations
    written = _WRITTEN.setdefault(translations, {}) if translations is not None else None

    # Given the evaluation context only, as Jinja's i18n extension does: a function given the whole context is given
    # a copy of it made for each call inside a block that sets variables.
    @pass_eval_context
    def page_gettext(eval_ctx, string: str, **variables):
        if written is None or variables or not eval_ctx.autoescape:
            return _translated(eval_ctx, find().ugettext(string), variables)
        text = written.get(string)
        if text is None:
            text = _translated(eval_ctx, translations.ugettext(string), variables)
            if len(written) < _WRITTEN_AT_MOST:
                written[string] = text
        return text

    @pass_eval_context
    def page_ngettext(eval_ctx, singular: str, plural: str, num: int, **variables):
        variables.setdefault("num", num)
        return _translated(eval_ctx, find().ungettext(singular, plural, num), variables)

    return page_gettext, page_ngettext


def init_app(app: Flask) -> None:
    # Each language's name in its own script, as the switcher on every page writes it (engage.escaping.AsciiText).
    names = {code: ascii_html(name) for code, name in app.config["LANGUAGES"].items()}
    babel.init_app(app, locale_selector=select_locale)
    page_gettext, page_ngettext = _functions()
    app.jinja_env.globals.update(_=page_gettext, gettext=page_gettext, ngettext=page_ngettext)
    app.add_template_filter(when)
    app.add_template_filter(_own_language_on_the_page, "own_language")

    @app.after_request
    def remember_language(response):
        chosen = query_string.choice(request.args, "lang", app.config["LANGUAGES"])
        if chosen and request.cookies.get(COOKIE) != chosen:
            response.set_cookie(
                COOKIE,
                chosen,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
            )
        return response

    @app.context_processor
    def language_context():
        _locale, translations, lang = _kept()
        page_gettext, page_ngettext = _functions(translations)
        return {
            "_": page_gettext,
            "gettext": page_gettext,
            "ngettext": page_ngettext,
            "lang": lang,
            "languages": names,
            "tr": lambda row, field: row.localised(field, lang),
            "csp_nonce": getattr(g, "csp_nonce", ""),
        }
