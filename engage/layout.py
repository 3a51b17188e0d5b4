"""The page layout's parts that are the same for everyone with the same language (the head's links, the skip link,
the header, the menu for a page and set of roles, the footer, a board's workspace navigation): rendered once per
process from layout.html's macros and kept, instead of on every request. They hold no nonce, token or anything about
the person."""

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlencode

from flask import Flask, request
from markupsafe import Markup, escape

from engage.i18n import lang_attribute, language

_fragments: dict[tuple, Markup] = {}


def fragment(app: Flask, name: str, lang: str, *args) -> Markup:
    key = (name, lang, request.script_root, args)
    html = _fragments.get(key)
    if html is None:
        macro = getattr(app.jinja_env.get_template("layout.html").module, name)
        html = _fragments[key] = Markup(macro(*args))
    return html


def this_page(**changed) -> str:
    """This page's address with some of its query's values changed and the rest kept (a search, its filters): for
    links to its other pages and languages, without url_for's building of the whole address again."""
    args = request.args.to_dict(flat=False)
    args.update((name, [value]) for name, value in changed.items())
    return request.script_root + request.path + "?" + urlencode(args, doseq=True)


def options(choices, current) -> Markup:
    """A <select>'s <option>s from (value, label) pairs, the current value's selected, each label marked with its
    language when that is not the page's (a ward's English name on a Bengali page)."""
    return Markup("").join(
        Markup(
            f'<option value="{escape(value)}"{lang_attribute(str(label))} {"selected" if current == value else ""}>'
            f"{escape(label)}</option>"
        )
        for value, label in choices
    )


@lru_cache(maxsize=2048)
def kept_options(choices: Callable[..., list[tuple]], chosen, *key) -> Markup:
    """options(choices(*key), chosen) for a filter whose <option>s are the same for everyone choosing the same: made
    once per process for each key (with a structure in it, until it is read again) and choice."""
    return options(choices(*key), chosen)


def init_app(app: Flask) -> None:
    def page_fragment(name: str, *args) -> Markup:
        return fragment(app, name, language(), *args)

    app.jinja_env.globals.update(fragment=page_fragment, this_page=this_page)
