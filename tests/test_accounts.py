"""Accounts: registration, verification, sign-in and out, sessions ended on the server, passwords, deletion."""

import re
import statistics
import time
from datetime import datetime

import pytest
from support import csrf_token

from engage.accounts import services as accounts
from engage.accounts.models import AccountToken, User, UserSession
from engage.extensions import db

PASSWORD = "correct horse battery"


def register(browser, email="amina@example.org", name="Amina Rahman", password=PASSWORD):
    return browser.submit(
        "/account/register",
        {"name": name, "email": email, "password": password, "connections": ["lives", "works"]},
    )


def make_user(app, email="amina@example.org", name="Amina Rahman", verified=True) -> int:
    with app.app_context():
        user = accounts.register(name, email, PASSWORD, ["lives"], "en")
        if verified:
            accounts.verify_email(link_token_of_latest(user))
        db.session.commit()
        return user.id


def link_token_of_latest(user) -> str:
    notice = db.session.scalars(db.select(accounts.notices.Notice).filter_by(recipient=user.email)).all()[-1]
    return notice.context["link"].rsplit("/", 1)[1]


def sign_in(browser, email="amina@example.org", password=PASSWORD):
    return browser.submit("/account/sign-in", {"email": email, "password": password})


def link_in(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"http://engage\.test(\S+)", body).group(1)


def test_registering_sends_a_verification_link_that_confirms_the_address(app, browser, deliver):
    response = register(browser)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/register/check-your-email"
    [message] = deliver()
    assert message["To"] == "amina@example.org"
    assert message["Subject"] == "Confirm your email address"
    page = browser.get(link_in(message))
    assert "Your email address is confirmed" in page.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="amina@example.org"))
        assert user.email_verified_at is not None
        assert user.connections == ["lives", "works"]
        assert user.password_hash.startswith("$argon2id$")


def test_a_verification_link_works_once(browser, deliver):
    register(browser)
    link = link_in(deliver()[0])
    assert browser.get(link).status_code == 200
    second = browser.get(link)
    assert second.status_code == 400
    assert "expired or has already been used" in second.get_data(as_text=True)


def test_registering_an_existing_address_looks_the_same_and_tells_the_owner(app, browser, deliver):
    make_user(app)
    deliver()
    response = register(browser, name="Someone Else", password="another password 1")
    assert response.headers["Location"] == "/account/register/check-your-email"
    [message] = deliver()[1:]
    assert message["Subject"] == "You already have an account"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_email_addresses_are_case_insensitive(app, browser):
    make_user(app, email="amina@example.org")
    assert sign_in(browser, email="  AMINA@Example.org ").status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "", "Enter your full name"),
        ("name", "x" * 201, "Name must be 200 characters or fewer"),
        ("email", "not-an-email", "Enter an email address in the correct format"),
        ("email", "a" * 400 + "@example.org", "Email address must be 320 characters or fewer"),
        ("password", "short", "Password must be at least 10 characters"),
        ("password", "p" * 300, "Password must be 256 characters or fewer"),
        ("connections", [], "Select how you are connected to Tower Hamlets"),
    ],
)
def test_registration_errors_are_shown_in_govuk_style_and_keep_what_was_typed(browser, field, value, error):
    data = {"name": "Zoë <b>Bold</b>", "email": "zoe@example.org", "password": PASSWORD, "connections": ["lives"]}
    data[field] = value
    response = browser.submit("/account/register", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert error in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error:" in page
    if field != "name":
        assert 'value="Zoë &lt;b&gt;Bold&lt;/b&gt;"' in page


HOSTILE = [
    "<script>alert('x')</script>",
    "Robert'); DROP TABLE user;--",
    "\u202eevil\u202c name with bidi override",
    "ZWJ 👩‍👩‍👧 and combining é",
    "nul\x00byte and \x1b escape",
    "مرحبا עברית 日本語 বাংলা",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_stored_as_typed_and_rendered_as_text(app, browser, name):
    response = register(browser, name=name, email="hostile@example.org")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="hostile@example.org"))
        assert "\x00" not in user.name and "\ud800" not in user.name
        accounts.verify_email(link_token_of_latest(user))
        db.session.commit()
    sign_in(browser, email="hostile@example.org")
    page = browser.get("/account/").get_data(as_text=True)
    assert "<script>alert" not in page
    if "script" in name:
        assert "&lt;script&gt;alert(" in page


def test_invalid_utf8_in_a_form_is_not_a_500(app, browser):
    token = csrf_token(browser.get("/account/register").get_data(as_text=True))
    body = (
        f"csrf_token={token}&name=%ED%A0%80%FF&email=x%40example.org&password=correct+horse+battery&connections=lives"
    )
    response = browser.client.post(
        "/account/register", data=body.encode(), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 302)


def test_huge_form_bodies_get_a_clear_page_not_a_500(browser):
    response = browser.submit("/account/register", {"name": "x" * 2_000_000, "email": "a@b.org"})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_sign_in_with_a_wrong_password_or_unknown_email_gives_the_same_error(app, browser):
    make_user(app)
    wrong = sign_in(browser, password="wrong password!").get_data(as_text=True)
    unknown = sign_in(browser, email="nobody@example.org").get_data(as_text=True)
    for page in (wrong, unknown):
        assert "Enter a correct email address and password" in page
    assert 'value="nobody@example.org"' in unknown


def test_sign_in_opens_the_account_page_and_only_follows_local_next_links(app, browser):
    make_user(app)
    assert sign_in(browser).headers["Location"] == "/account/"
    response = browser.submit(
        "/account/sign-in?next=//evil.example/x", {"email": "amina@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account/"
    assert "Amina Rahman" in browser.get("/account/").get_data(as_text=True)


def test_signing_out_ends_the_session_on_the_server(app, browser):
    make_user(app)
    sign_in(browser)
    captured = browser.client.get_cookie("session").value
    assert browser.submit("/account/sign-out", {}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", captured)
    response = thief.get("/account/")
    assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(UserSession.id))) == 0


def test_a_session_cookie_holds_only_under_the_key_that_signed_it_or_while_that_key_is_a_fallback(
    app, app_with, browser
):
    """Sessions are signed once per process's keys (engage.extensions.KeptSigningSessions): a new SECRET_KEY with the
    old one among SECRET_KEY_FALLBACKS keeps people signed in; without it, or with a cookie changed, they are not."""
    make_user(app)
    sign_in(browser)
    cookie = browser.client.get_cookie("session").value

    def account_page(other, value=cookie):
        client = other.test_client()
        client.set_cookie("session", value)
        return client.get("/account/").status_code

    assert account_page(app) == 200
    new_key = "a-new-key-" + "n" * 40
    assert account_page(app_with(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[app.secret_key])) == 200
    assert account_page(app_with(SECRET_KEY=new_key)) == 302
    assert account_page(app, cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")) == 302


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(app, new_browser, deliver):
    make_user(app)
    laptop, phone = new_browser(), new_browser()
    sign_in(laptop)
    sign_in(phone)
    response = laptop.submit(
        "/account/change-password",
        {"current_password": PASSWORD, "password": "a brand new passphrase"},
        page="/account/change-password",
    )
    assert response.headers["Location"] == "/account/"
    assert laptop.get("/account/").status_code == 200
    assert phone.get("/account/").status_code == 302
    assert "Your password has been changed" in [m["Subject"] for m in deliver()]
    assert sign_in(new_browser(), password="a brand new passphrase").status_code == 302


def test_changing_the_password_needs_the_current_one(app, browser):
    make_user(app)
    sign_in(browser)
    page = browser.submit(
        "/account/change-password", {"current_password": "not it at all", "password": "a brand new passphrase"}
    ).get_data(as_text=True)
    assert "Your current password is not correct" in page
    assert 'href="#current_password"' in page


def test_password_reset_by_a_single_use_link(app, browser, deliver):
    make_user(app)
    deliver()
    response = browser.submit("/account/reset-password", {"email": "amina@example.org"})
    assert response.headers["Location"] == "/account/reset-password/sent"
    link = link_in(deliver()[-1])
    response = browser.submit(link, {"password": "my new long password"})
    assert response.headers["Location"] == "/account/sign-in"
    assert sign_in(browser, password="my new long password").status_code == 302
    again = browser.get(link)
    assert again.status_code == 400 and "expired or has already been used" in again.get_data(as_text=True)


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(browser, deliver):
    response = browser.submit("/account/reset-password", {"email": "nobody@example.org"})
    assert response.headers["Location"] == "/account/reset-password/sent"
    assert deliver() == []


def test_an_expired_reset_link_gets_a_clear_page(app, browser, deliver):
    make_user(app)
    browser.submit("/account/reset-password", {"email": "amina@example.org"})
    link = link_in(deliver()[-1])
    with app.app_context():
        db.session.execute(db.update(AccountToken).values(expires_at=datetime(2000, 1, 1)))
        db.session.commit()
    response = browser.get(link)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert browser.get("/account/reset-password/made-up-token").status_code == 400


def test_deleting_the_account_removes_the_person_and_signs_them_out(app, browser):
    make_user(app)
    sign_in(browser)
    wrong = browser.submit("/account/delete", {"password": "not my password"}).get_data(as_text=True)
    assert "Your password is not correct" in wrong
    assert browser.submit("/account/delete", {"password": PASSWORD}).headers["Location"] == "/"
    assert browser.get("/account/").status_code == 302
    with app.app_context():
        assert accounts.user_by_email("amina@example.org") is None


def test_a_disabled_account_is_signed_out_and_cannot_sign_in(app, browser):
    user_id = make_user(app)
    sign_in(browser)
    with app.app_context():
        accounts.disable(db.session.get(User, user_id))
        db.session.commit()
    assert browser.get("/account/").status_code == 302
    assert "Enter a correct email address and password" in sign_in(browser).get_data(as_text=True)


def test_sign_in_is_rate_limited_per_address(app, browser):
    make_user(app)
    for _ in range(10):
        sign_in(browser, password="guessing wrong")
    response = sign_in(browser)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0 and response.headers["X-RateLimit-Remaining"] == "0"
    # The limiter speaks only on the account routes it limits, not on every page.
    assert "X-RateLimit-Limit" not in browser.client.get("/proposals/").headers


def test_password_reset_requests_are_rate_limited(browser):
    for _ in range(10):
        browser.submit("/account/reset-password", {"email": "target@example.org"})
    assert browser.submit("/account/reset-password", {"email": "target@example.org"}).status_code == 429


def from_address(new_browser, address: str):
    """A person at another machine: their own network address and cookies."""
    person = new_browser()
    person.client.environ_base["REMOTE_ADDR"] = address
    return person


def test_an_attacker_failing_from_one_client_does_not_stop_the_owner_from_another(app, new_browser):
    make_user(app)
    attacker = from_address(new_browser, "203.0.113.9")
    for _ in range(10):
        assert sign_in(attacker, password="guessing wrong").status_code == 200
    refused = sign_in(attacker, password="guessing again")
    assert refused.status_code == 429
    assert sign_in(from_address(new_browser, "198.51.100.7")).status_code == 302
    assert re.search(r"Try again after \d\d:\d\d\.", refused.get_data(as_text=True))
    # Nor one on the same network as the owner, whose own device counts apart.
    laptop = from_address(new_browser, "198.51.100.7")
    assert sign_in(laptop).status_code == 302
    neighbour = from_address(new_browser, "198.51.100.7")
    for _ in range(11):
        sign_in(neighbour, password="guessing wrong")
    assert sign_in(neighbour, password="guessing wrong").status_code == 429
    assert sign_in(laptop).status_code == 302


def test_failures_from_many_clients_stop_strangers_but_not_the_owners_device_or_a_reset_by_email(
    app, new_browser, deliver
):
    """Past SIGN_IN_FAILURES_PER_ADDRESS (50 an hour) from any number of machines, only a device the owner has
    signed in from gets through; anyone else may reset the password by email, and then signs in."""
    make_user(app)
    laptop = from_address(new_browser, "198.51.100.7")
    assert sign_in(laptop).status_code == 302
    laptop.submit("/account/sign-out", {})
    for machine in range(5):
        attacker = from_address(new_browser, f"203.0.113.{machine}")
        for _ in range(10):
            assert sign_in(attacker, password="guessing wrong").status_code == 200
    phone = from_address(new_browser, "192.0.2.44")
    refused = sign_in(phone)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Sign in from a device you have used before, or reset your password" in page
    assert re.search(r"Try again after \d\d:\d\d\.", page)
    assert sign_in(from_address(new_browser, "203.0.113.77"), password="guessing wrong").status_code == 429
    assert sign_in(laptop).status_code == 302
    deliver()
    assert phone.submit("/account/reset-password", {"email": "amina@example.org"}).status_code == 302
    assert phone.submit(link_in(deliver()[-1]), {"password": "my new long password"}).status_code == 302
    assert sign_in(phone, password="my new long password").status_code == 302


def test_registering_a_known_address_costs_what_registering_a_new_one_does(app, app_with, new_browser):
    """With the production argon2 profile: the time of the answer must not tell whether an address has an account
    (before, a known address took ~15 ms and a new one ~330 ms, only the new one's password being hashed)."""
    make_user(app)
    production = app_with(ARGON2_PROFILE="RFC_9106_LOW_MEMORY")
    client = production.test_client()
    token = csrf_token(client.get("/account/register").get_data(as_text=True))

    def median_time(addresses) -> float:
        times = []
        for address in addresses:
            form = {"csrf_token": token, "name": "A Person", "email": address, "password": PASSWORD}
            started = time.perf_counter()
            response = client.post("/account/register", data={**form, "connections": ["lives"]})
            times.append(time.perf_counter() - started)
            assert response.headers["Location"] == "/account/register/check-your-email"
        return statistics.median(times)

    median_time(["warm.up@example.org"])
    new = median_time([f"new{n}@example.org" for n in range(3)])
    known = median_time(["amina@example.org"] * 3)
    assert 0.5 < known / new < 2, (known, new)


def test_registering_is_rate_limited_per_address_and_per_client(new_browser):
    person = from_address(new_browser, "198.51.100.7")
    for _ in range(10):
        assert register(person, email="target@example.org").status_code == 302
    assert register(person, email="target@example.org").status_code == 429
    for n in range(19):
        assert register(person, email=f"person{n}@example.org").status_code == 302
    assert register(person, email="one.more@example.org").status_code == 429
    assert register(from_address(new_browser, "192.0.2.44"), email="one.more@example.org").status_code == 302


def test_a_form_without_its_csrf_token_is_refused_with_a_clear_page(app, browser):
    response = app.test_client().post("/account/sign-in", data={"email": "a@b.org", "password": "x"})
    assert response.status_code == 400
    assert "Your form could not be sent" in response.get_data(as_text=True)
    forged = app.test_client().post("/account/register", data={"csrf_token": "forged", "name": "x"})
    assert forged.status_code == 400


def test_resending_the_verification_link(app, browser, deliver):
    make_user(app, verified=False)
    deliver()
    sign_in(browser)
    assert "You have not confirmed your email address" in browser.get("/account/").get_data(as_text=True)
    browser.submit("/account/verify/resend", {}, page="/account/")
    [message] = deliver()[1:]
    assert message["Subject"] == "Confirm your email address"
