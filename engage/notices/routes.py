"""/dev/mail: in development, with no mail server, the mail the worker delivered to files."""

from email import policy
from email.parser import BytesParser
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template

bp = Blueprint("notices", __name__, url_prefix="/dev/mail")


@bp.before_request
def development_only():
    if current_app.config["ENGAGE_ENV"] != "development" or current_app.config["MAIL_SERVER"]:
        abort(404)


def _mail_files() -> list[Path]:
    folder = Path(current_app.config["MAIL_FOLDER"])
    return sorted(folder.glob("*.eml"), reverse=True) if folder.exists() else []


def _read(path: Path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


@bp.get("/")
def mailbox():
    messages = [(path.stem, _read(path)) for path in _mail_files()[:100]]
    return render_template("notices/mailbox.html", messages=messages)


@bp.get("/<name>")
def message(name: str):
    path = next((p for p in _mail_files() if p.stem == name), None)
    if path is None:
        abort(404)
    mail = _read(path)
    return render_template("notices/message.html", mail=mail, body=mail.get_body(("plain",)).get_content())
