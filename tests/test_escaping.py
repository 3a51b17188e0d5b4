"""Pages write values escaped exactly as Jinja with MarkupSafe does (engage.escaping), whatever the value."""

import pytest
from jinja2 import Environment
from markupsafe import Markup, escape

from engage.escaping import PageEnvironment

HOSTILE = "<script>alert(\"x\")</script> & 'quoted' ‮বাংলা\u0000"


class Html:
    def __html__(self):
        return "<em>already safe</em>"


class Shown:
    def __str__(self):
        return "<b>shown & told</b>"


VALUES = {
    "hostile": HOSTILE,
    "markup": Markup("<strong>kept</strong>"),
    "number": 42,
    "fraction": 0.5,
    "nothing": None,
    "html": Html(),
    "shown": Shown(),
    "many": [HOSTILE, Markup("<i>i</i>"), 7],
    "on": True,
    "off": False,
}

TEMPLATES = [
    "{{ hostile }}|{{ markup }}|{{ number }}|{{ fraction }}|{{ nothing }}|{{ html }}|{{ shown }}|{{ absent }}",
    "<a href=\"/x?q={{ hostile }}\" title='{{ hostile }}'>{{ hostile|safe }} {{ hostile|e }} {{ markup|e }}</a>",
    "{{ hostile ~ markup }} {{ '%s and %s'|format(hostile, markup) }} {{ hostile|upper }} {{ hostile[:5] }}",
    "{% for value in many %}<li>{{ value }}</li>{% endfor %}{{ many|join(', ') }}",
    "{% set kept %}<p>{{ hostile }}</p>{% endset %}{{ kept }} {{ kept|length }}",
    "{% macro box(value) %}<div>{{ value }}{{ caller() if caller }}</div>{% endmacro %}"
    "{{ box(hostile) }}{% call box(markup) %}<span>{{ hostile }}</span>{% endcall %}",
    "{% autoescape false %}{{ hostile }}{% endautoescape %}{{ hostile }}",
    "{% autoescape true %}{{ hostile }}{% endautoescape %}{% autoescape false %}{{ markup }}{% endautoescape %}",
    "{{ 'a literal <b>&</b>' }} {{ _('x') if false else 'y' }}",
]


@pytest.mark.parametrize("source", TEMPLATES)
def test_a_page_writes_every_kind_of_value_as_jinja_and_markupsafe_escape_it(app, source):
    stock = Environment(autoescape=True)
    assert app.jinja_env.from_string(source).render(VALUES) == stock.from_string(source).render(VALUES)


@pytest.mark.parametrize("escaped", [True, False])
def test_escaping_decided_while_rendering_is_jinjas_own(app, escaped):
    """{% autoescape on %} with a variable: the page decides as it renders, so Jinja's own code writes it."""
    source = "{% autoescape on %}{{ hostile }}|{{ markup }}{% endautoescape %}"
    values = {**VALUES, "on": escaped}
    assert "escape if context.eval_ctx.autoescape" in app.jinja_env.compile(source, raw=True)
    assert app.jinja_env.from_string(source).render(values) == Environment().from_string(source).render(values)


def test_the_app_writes_its_pages_with_the_faster_escaping(app):
    assert isinstance(app.jinja_env, PageEnvironment)
    page = app.jinja_env.from_string("<p>{{ hostile }}</p>")
    written = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;quoted&#39; ‮বাংলা\x00"
    assert page.render(VALUES) == f"<p>{written}</p>"


def test_text_templates_write_values_as_they_are(app):
    """Notices' plain-text bodies are not HTML: nothing is escaped in them."""
    text = app.jinja_env.from_string("{% autoescape false %}Hello {{ hostile }}{% endautoescape %}")
    assert text.render(VALUES) == "Hello " + HOSTILE


def test_translated_words_escape_what_is_put_in_them_on_pages_and_not_in_plain_text(app):
    """_() marks the translation safe and escapes the values put into it, in a block that sets variables too; in a
    plain-text notice, the values are written as they are."""
    page = '{% block main %}{% set x = 1 %}<p>{{ _("Dear %(name)s,", name=hostile) }}{{ x }}</p>{% endblock %}'
    text = '{% autoescape false %}{{ _("Dear %(name)s,", name=hostile) }}{% endautoescape %}'
    with app.test_request_context("/"):
        assert app.jinja_env.from_string(page).render(VALUES) == f"<p>Dear {escape(HOSTILE)},1</p>"
        assert app.jinja_env.from_string(text).render(VALUES) == f"Dear {HOSTILE},"


LAYOUT = {
    "layout.html": "<html>{% block head %}<title>{{ title }}</title>{% endblock %}"
    "<body>{% block body %}{% endblock %}{% include 'footer.html' %}</body></html>",
    "footer.html": "<footer>{{ hostile }} {% for value in many %}{{ loop.index }}:{{ value }} {% endfor %}</footer>",
    "macros.html": "{% macro row(value, n) %}<tr><td>{{ n }}</td><td>{{ value }}</td></tr>{% endmacro %}",
    "page.html": "Before the layout {{ hostile }}{% extends 'layout.html' %}{% from 'macros.html' import row %}"
    '{% block head %}{{ super() }}<meta content="{{ hostile }}">{% endblock %}'
    "{% block body %}<h1>{{ title }} ({{ number }})</h1>{% for value in many %}{% if loop.first %}<table>{% endif %}"
    "{{ row(value, loop.index) }}<tr><td>{{ value }}</td><td>{{ markup }}{{ nothing }}</td></tr>"
    "{% if loop.last %}</table>{% endif %}{% else %}<p>None</p>{% endfor %}{% endblock %}",
}


def test_a_page_with_a_layout_blocks_loops_macros_and_includes_is_the_page_jinja_writes_in_fewer_pieces(app):
    """Each run of text and values between two tags is handed on as one string: the same page as Jinja's, in fewer
    and larger pieces (each piece yielded costs a pass through every template and the join above it)."""
    from jinja2 import DictLoader

    ours, stock = (
        PageEnvironment(app, autoescape=True, loader=DictLoader(LAYOUT)),
        Environment(autoescape=True, loader=DictLoader(LAYOUT)),
    )
    values = {**VALUES, "title": HOSTILE}
    page = ours.get_template("page.html")
    assert page.render(values) == stock.get_template("page.html").render(values)
    assert "<td>3</td><td>7</td>" in page.render(values) and "<script>" not in page.render(values)
    pieces = len(list(page.generate(values)))
    assert pieces < len(list(stock.get_template("page.html").generate(values))) / 2


PAGES = {
    "page.html": "<title>{{ title }} – Tower Hamlets</title><p>{{ hostile }} · {{ markup }} © {{ number }}</p>",
    "notice.txt": "{% autoescape false %}{{ title }} – Tower Hamlets · ©{% endautoescape %}",
}


def test_a_page_writes_its_own_text_in_ascii_and_values_as_they_are(app):
    """A page template's own characters outside ASCII are written as character references (the page shows them the
    same); values, Bengali among them, are written as they are; a plain-text notice keeps its characters."""
    from html import unescape

    from jinja2 import DictLoader

    ours, stock = (
        PageEnvironment(app, autoescape=True, loader=DictLoader(PAGES)),
        Environment(autoescape=True, loader=DictLoader(PAGES)),
    )
    values = {**VALUES, "title": "Queue"}
    page = ours.get_template("page.html").render(values)
    assert page.isascii() is False  # the hostile value's Bengali, as written
    assert page.replace(escape(HOSTILE), "").isascii()
    assert "Queue &#8211; Tower Hamlets" in page and "&#183;" in page and "&#169; 42" in page
    assert unescape(page) == unescape(stock.get_template("page.html").render(values))
    english = ours.get_template("page.html").render({**values, "hostile": "Benches"})
    assert english.isascii()  # joined and sent as it is
    assert ours.get_template("notice.txt").render(values) == "Queue – Tower Hamlets · ©"
