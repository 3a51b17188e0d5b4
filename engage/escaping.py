"""How a page writes {{ value }}: escaped exactly as Jinja and MarkupSafe escape it, without the Markup each escape()
wraps its result in only for the page to join it into a string at once. A list or queue page writes hundreds of
values, and that wrapping (two Python calls for each) cost a board's queue about a tenth of its time. And how it
hands them on: each run of text and values between two tags joined into one string, not yielded piece by piece.
And what a page's own text is written in: ASCII, its other characters as character references (see AsciiText)."""

from flask.templating import Environment
from jinja2.compiler import CodeGenerator
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup, escape

try:  # MarkupSafe's own escaping of a str, the C function markupsafe.escape() calls
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - MarkupSafe without its speedups, or their insides moved: its public escape()

    def _escape_inner(text: str) -> str:
        return str(escape(text))


def written(value) -> str:
    """markupsafe.escape(value) as a plain str: what a page holds where a template writes the value."""
    if type(value) is str:
        return _escape_inner(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_inner(str(value))


class WritingCodeGenerator(CodeGenerator):
    """Jinja's code generator, writing autoescaped values with written() instead of escape(). Only a template's
    output goes through it (joined into the page, or into a block's Markup), never a value the template computes
    with; output whose escaping is decided while rendering ({% autoescape %} with a variable) stays Jinja's.

    A run of output (text and {{ values }} up to the next tag) is written into a list of its own and yielded as one
    string, as Jinja writes it inside a block it buffers: Jinja yields each piece, and each yield passes up through
    the page's, its layout's and the join's generators (a board's queue: some 900 a page, 0.45 M instructions of
    its 9.9 M). The page is the same text; only the pieces it is streamed in are fewer and larger."""

    def visit_Output(self, node, frame) -> None:
        if frame.buffer is not None or frame.require_output_check or len(node.nodes) < 2:
            super().visit_Output(node, frame)
            return
        run = self.temporary_identifier()
        self.writeline(f"{run} = []")
        frame.buffer = run
        try:
            super().visit_Output(node, frame)
        finally:
            frame.buffer = None
        self.writeline(f"yield environment.joined({run})")

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.written(")
        if finalize.src is not None:
            self.write(finalize.src)


def referenced(html: str) -> str:
    """HTML with its characters outside ASCII written as character references ("–" as "&#8211;"): the same page."""
    return html if html.isascii() else html.encode("ascii", "xmlcharrefreplace").decode("ascii")


def ascii_html(text: str) -> Markup:
    """Text escaped for a page, in ASCII (see referenced)."""
    return Markup(referenced(str(escape(text))))


class AsciiText(Extension):
    """An HTML template's own text in ASCII, its other characters ("–", "·", "©") as character references, which a
    browser shows as the characters themselves. One such character in a page made all of it a string of two bytes a
    character (Python stores a string in the widest its characters need): joining the page widened each of its
    pieces, and sending it encoded the whole page into UTF-8 character by character, 0.5 M instructions of a board's
    queue's 9.5 M. An English page of ASCII words and values is joined and sent as it is. A Bengali page's words are
    still Bengali, and what people wrote is written as they wrote it. Not for text a browser does not decode
    references in (inside <script> or <style>): Engage's templates hold none outside ASCII there."""

    def filter_stream(self, stream: TokenStream):
        if not (stream.name or "").endswith(".html"):  # plain-text notices keep their characters
            return stream
        return (
            Token(token.lineno, token.type, referenced(token.value)) if token.type == "data" else token
            for token in stream
        )


class PageEnvironment(Environment):
    code_generator_class = WritingCodeGenerator
    written = staticmethod(written)
    joined = staticmethod("".join)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_extension(AsciiText)
