"""The page layout's parts that are the same for everyone with the same language (the head's links, the skip link,
the header, the menu for a page and set of roles, the footer, a board's workspace navigation): rendered once per
process from layout.html's macros and kept, instead of on every request. They hold no nonce, token or anything about
the person."""

from collections.abc import Callable
from functools import lru_cache

from flask import Flask, request
from jinja2 import pass_context
from markupsafe import Markup, escape

_fragments: dict[tuple, Markup] = {}


def fragment(app: Flask, name: str, lang: str, *args) -> Markup:
    key = (name, lang, request.script_root, args)
    html = _fragments.get(key)
    if html is None:
        macro = getattr(app.jinja_env.get_template("layout.html").module, name)
        html = _fragments[key] = Markup(macro(*args))
    return html


def options(choices, current) -> Markup:
    """A <select>'s <option>s from (value, label) pairs, the current value's selected."""
    return Markup("").join(
        Markup(f'<option value="{escape(value)}" {"selected" if current == value else ""}>{escape(label)}</option>')
        for value, label in choices
    )


@lru_cache(maxsize=2048)
def kept_options(choices: Callable[..., list[tuple]], chosen, *key) -> Markup:
    """options(choices(*key), chosen) for a filter whose <option>s are the same for everyone choosing the same: made
    once per process for each key (with a structure in it, until it is read again) and choice."""
    return options(choices(*key), chosen)


def init_app(app: Flask) -> None:
    @pass_context
    def page_fragment(context, name: str, *args) -> Markup:
        return fragment(app, name, context["lang"], *args)  # the page's language, found once as it began

    app.jinja_env.globals["fragment"] = page_fragment
