"""What anyone can type into an address or a form: control codes dropped, and a query string's numbers, words and
choices read within bounds. A value out of bounds, in another script's digits or not offered is as if it were not
there: the page shows its default, never a server error."""

import re

# C0 controls other than tab and newlines, DEL and lone surrogates: never meant, and PostgreSQL refuses NUL.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# ASCII digits only: str.isdigit() accepts "²" (which int() refuses) and int() accepts "٣", "१" and "１".
_DIGITS = re.compile(r"[0-9]{1,12}")
LARGEST_ID = 2**31 - 1  # a database integer column's largest value
LAST_PAGE = 10_000


def clean_text(value: str | None) -> str | None:
    return _CONTROLS.sub("", value).strip() if isinstance(value, str) else value


def whole_number(args, name: str, *, minimum: int = 1, maximum: int = LARGEST_ID, default=None):
    """The parameter `name` as a whole number from `minimum` to `maximum` in ASCII digits, or `default`."""
    value = args.get(name, "")
    if _DIGITS.fullmatch(value) is None:
        return default
    number = int(value)
    return number if minimum <= number <= maximum else default


def page(args) -> int:
    """Which page of a list: 1 unless the query string names one within reach."""
    return whole_number(args, "page", maximum=LAST_PAGE, default=1)


def text(args, name: str, max_length: int) -> str:
    """The parameter `name` without control codes or surrounding spaces, cut to `max_length`; "" if absent."""
    return clean_text(args.get(name, ""))[:max_length]


def choice(args, name: str, choices, default=None):
    """The parameter `name` if it is one of `choices`, else `default`."""
    value = args.get(name)
    return value if value in choices else default
