"""In development with no mail server, delivered mail goes to files that /dev/mail/ lists; nowhere else."""

from engage.extensions import db
from engage.notices import delivery
from engage.notices import services as notices


def test_development_mail_is_written_to_files_and_listed_at_dev_mail(app_with, tmp_path):
    dev = app_with(ENGAGE_ENV="development", MAIL_SERVER=None, MAIL_FOLDER=str(tmp_path))
    with dev.app_context():
        notice = notices.queue("password_changed", "amina@example.org", "dev-mail", {"name": "Amina <b>"})
        db.session.commit()
        assert delivery.deliver([notice.id])["sent"] == 1
    client = dev.test_client()
    listing = client.get("/dev/mail/").get_data(as_text=True)
    assert "amina@example.org" in listing and "Your password has been changed" in listing
    [name] = [p.stem for p in tmp_path.glob("*.eml")]
    message = client.get(f"/dev/mail/{name}").get_data(as_text=True)
    assert "Hello Amina &lt;b&gt;," in message


def test_dev_mail_does_not_exist_outside_development(browser):
    assert browser.get("/dev/mail/").status_code == 404


def test_dev_mail_does_not_exist_when_a_mail_server_is_configured(app_with):
    dev = app_with(ENGAGE_ENV="development", MAIL_SERVER="127.0.0.1")
    assert dev.test_client().get("/dev/mail/").status_code == 404
