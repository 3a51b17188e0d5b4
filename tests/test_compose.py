"""docker-compose.yml and the Dockerfile, checked without a Docker engine: the compose file against the official
Compose Specification JSON schema (as check-jsonschema ships it), after Compose's own variable interpolation, and
the things the stack relies on: health checks and start order, gunicorn sync workers, the settings engage/config.py
reads, and an image that builds its assets without a browser."""

import json
import re
import shlex
import shutil
import subprocess
from importlib.metadata import distribution
from pathlib import Path

import jsonschema
import pytest
import yaml

from engage import config

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
APP_SERVICES = ("migrate", "web", "worker", "beat")
ONE_SHOT = ("migrate",)
HEALTHY_OR_DONE = ("service_healthy", "service_completed_successfully")
ENVIRONMENT = {"SECRET_KEY": "a-long-random-string"}

VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>\w+)(?:(?P<operator>:?[-?+])(?P<argument>[^}]*))?\}|(?P<bare>\w+))"
)


def interpolate(value, env: dict[str, str]):
    """Compose's interpolation of ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["bare"]
        operator, argument = match["operator"], match["argument"]
        present = name in env
        usable = present and (env[name] != "" or not (operator or "").startswith(":"))
        if operator in (":-", "-"):
            return env[name] if usable else argument
        if operator in (":?", "?"):
            if not usable:
                raise KeyError(f"{name}: {argument}")
            return env[name]
        if operator in (":+", "+"):
            return argument if usable else ""
        return env.get(name, "")

    return VARIABLE.sub(replace, value)


def compose_schema() -> dict:
    path = distribution("check-jsonschema").locate_file("check_jsonschema/builtin_schemas/vendor/compose-spec.json")
    return json.loads(Path(path).read_text())


def schema_errors(document: dict) -> list[str]:
    schema = compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in validator.iter_errors(document)
    ]


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def compose(raw) -> dict:
    return interpolate(raw, ENVIRONMENT)


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def command_of(service: dict) -> str:
    command = service["command"]
    return command if isinstance(command, str) else shlex.join(command)


def environment_of(service: dict) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {name: str(value) for name, value in environment.items()}


# --- the file is a valid Compose file ----------------------------------------------------------------------------


def test_the_schema_is_the_compose_specification():
    schema = compose_schema()
    assert schema["title"] == "Compose Specification"
    assert {"services", "volumes", "networks"} <= set(schema["properties"])


def test_compose_file_is_valid_against_the_compose_specification(compose):
    assert schema_errors(compose) == []


def test_the_schema_check_catches_a_broken_file(compose):
    broken = json.loads(json.dumps(compose))
    broken["services"]["web"]["depends_on"]["postgres"]["condition"] = "service_ready"
    broken["services"]["worker"]["healthcheck"] = {"test": ["CMD", "true"], "interval": 10}
    broken["services"]["beat"]["dependson"] = ["redis"]
    errors = schema_errors(broken)
    assert any("service_ready" in error for error in errors), errors
    assert any("dependson" in error for error in errors), errors
    assert any("healthcheck/interval" in error for error in errors), errors


def test_the_stack_refuses_to_start_without_a_secret_key(raw):
    with pytest.raises(KeyError, match="SECRET_KEY"):
        interpolate(raw, {})


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="the Docker Compose plugin is not installed here (the schema check above covers the file)",
)
def test_docker_compose_config_accepts_the_file():
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE_FILE), "config", "--quiet"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", **ENVIRONMENT},
    )
    assert result.returncode == 0, result.stderr


# --- what the stack relies on ------------------------------------------------------------------------------------


def test_the_stack_has_every_part(services):
    assert {"postgres", "redis", "web", "worker", "beat", "mailcatcher", "migrate"} <= set(services)
    assert services["postgres"]["image"].split(":")[1].startswith("16")
    assert services["redis"]["image"].split(":")[1].startswith("7")


def test_services_have_health_checks_on_what_they_are_checked_by(services):
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert ":8000/healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_every_long_running_service_is_checked_or_waits_for_healthy_services(services):
    for name, service in services.items():
        if name in ONE_SHOT:
            continue
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        waits = depends_on and all(item.get("condition") in HEALTHY_OR_DONE for item in depends_on.values())
        assert "healthcheck" in service or waits, f"{name} has neither a healthcheck nor healthy dependencies"


def test_every_dependency_waits_for_health_or_completion(services):
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on a service that does not exist: {dependency}"
            assert condition["condition"] in HEALTHY_OR_DONE, f"{name} -> {dependency}: {condition}"
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} waits for {dependency}, which has no check"


def test_the_application_starts_after_the_migration(services):
    assert shlex.split(command_of(services["migrate"]))[-1] == "flask db upgrade && flask seed"
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
        assert depends_on["postgres"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name


def test_the_worker_is_started_again_when_it_stops_itself(services):
    """A worker whose broker stops answering exits (worker/watch.py): its restart policy brings it back."""
    assert services["worker"]["restart"] == "unless-stopped"


def test_web_serves_with_four_gunicorn_sync_workers(services):
    command = shlex.split(command_of(services["web"]))
    assert command[0] == "gunicorn"
    options = dict(zip(command[1:-1:2], command[2:-1:2], strict=True))
    assert options["-k"] == "sync"
    assert options["-w"] == "4"
    assert options["-b"] == "0.0.0.0:8000"
    assert command[-1] == "engage:create_app()"


def test_worker_and_beat_run_the_celery_app(services):
    assert command_of(services["worker"]).startswith("celery -A worker.app worker")
    assert command_of(services["beat"]).startswith("celery -A worker.app beat")


def test_application_settings_are_the_names_engage_config_reads(services):
    read = set(re.findall(r"""env(?:iron)?\.get\(\s*["'](\w+)["']""", (ROOT / "engage" / "config.py").read_text()))
    for name in APP_SERVICES:
        environment = environment_of(services[name])
        assert {
            "ENGAGE_ENV",
            "SECRET_KEY",
            "DATABASE_URL",
            "REDIS_URL",
            "MAIL_SERVER",
            "MAIL_PORT",
            "PUBLIC_URL",
        } <= set(environment), name
        assert set(environment) <= read, f"{name} sets what engage/config.py never reads: {set(environment) - read}"


def test_application_settings_point_at_the_stacks_own_services(services):
    postgres = environment_of(services["postgres"])
    for name in APP_SERVICES:
        settings = config.from_environment(environment_of(services[name]))
        assert settings["ENGAGE_ENV"] == "production"
        assert settings["SECRET_KEY"] == ENVIRONMENT["SECRET_KEY"]
        assert settings["SQLALCHEMY_DATABASE_URI"] == (
            f"postgresql+psycopg://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}"
            f"@postgres:5432/{postgres['POSTGRES_DB']}"
        )
        assert settings["REDIS_URL"] == "redis://redis:6379/0"
        assert settings["CELERY"]["broker_url"] == "redis://redis:6379/0"
        assert settings["RATELIMIT_STORAGE_URI"] == "redis://redis:6379/0"
        assert settings["MAIL_SERVER"] == "mailcatcher"
        assert settings["MAIL_PORT"] == 1025
        assert settings["PUBLIC_URL"].startswith("http")
        assert settings["SESSION_COOKIE_SECURE"] is True


# --- the image -----------------------------------------------------------------------------------------------------


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), split into build stages."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    stages: list[list[str]] = []
    for line in lines:
        if line.upper().startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def test_the_image_runs_on_python_311_slim_as_a_user_other_than_root():
    final = dockerfile_stages()[-1]
    assert final[0].split()[1] == "python:3.11-slim"
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")


def test_the_image_installs_the_package_and_copies_what_runs_beside_it():
    final = " ".join(dockerfile_stages()[-1])
    assert "pip install ." in final
    assert "[test]" not in final
    for folder in ("templates", "migrations", "worker"):
        assert re.search(rf"COPY {folder} {folder}\b", final), folder
    # engage.config.ROOT (templates/, migrations/) is the folder above the engage package: the code in /app.
    assert "PYTHONPATH=/app" in final and "WORKDIR /app" in final
    assert "pybabel compile" in final


def test_the_image_builds_its_assets_in_a_build_stage_without_a_browser():
    stages = dockerfile_stages()
    assert len(stages) >= 2
    build = " ".join(stages[0])
    assert "make assets" in build or "sass" in build
    assert re.search(r"COPY --from=\w+ \S*engage/static engage/static", " ".join(stages[-1]))
    everything = DOCKERFILE.read_text().lower()
    for download in ("playwright install", "chromium", "chrome", "puppeteer browsers"):
        assert download not in everything, download
    assert "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1" in build
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for package in lock["packages"]:
        assert not re.search(r"(playwright|puppeteer|chromedriver|chromium|electron)", package), package


def test_the_build_stage_node_is_new_enough_for_sass():
    build = dockerfile_stages()[0][0]
    node = re.search(r"FROM node:(\d+)", build)
    assert node, "the asset stage builds on the official Node image"
    engines = json.loads((ROOT / "package-lock.json").read_text())["packages"]["node_modules/sass"]["engines"]["node"]
    assert int(node[1]) >= int(re.search(r"\d+", engines)[0]), engines


def test_the_image_leaves_out_local_environments_and_builds():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "node_modules", "instance", "engage/static"} <= ignored
