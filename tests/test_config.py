"""Settings from the environment, with embedded defaults that need no server."""

import gc

import pytest

from engage import create_app
from engage.config import from_environment


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        from_environment({"ENGAGE_ENV": "production"})


def test_production_cookies_are_secure_and_http_only():
    settings = from_environment({"ENGAGE_ENV": "production", "SECRET_KEY": "s" * 40})
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_the_embedded_defaults_need_no_server():
    settings = from_environment({})
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert settings["CELERY"]["broker_url"].startswith("filesystem://")
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"
    assert settings["MAIL_SERVER"] is None


def test_the_production_stack_is_chosen_by_environment_variables():
    settings = from_environment(
        {"DATABASE_URL": "postgresql://u@db/engage", "REDIS_URL": "redis://cache:6379/0", "MAIL_SERVER": "smtp"}
    )
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/engage"
    assert settings["CELERY"]["broker_url"] == "redis://cache:6379/0"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"
    assert settings["MAIL_SERVER"] == "smtp"


def test_a_production_worker_keeps_its_start_up_objects_out_of_the_collectors_full_collections(settings):
    """Else a full collection walks them all (~100 ms) on whichever request sets it off."""
    gc.unfreeze()
    create_app(settings)
    assert gc.get_freeze_count() == 0  # a test app: the suite makes many, and they should go
    try:
        create_app({**settings, "ENGAGE_ENV": "production", "SECRET_KEY": "s" * 40})
        assert gc.get_freeze_count() > 50_000
    finally:
        gc.unfreeze()
