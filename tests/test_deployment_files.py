"""The deployment files agree with the code and with each other.

docker-compose.yml cannot be started in CI (no Docker engine), so these tests check what
can go stale without anyone noticing: module paths, the single beat, the environment
variable names the settings really read, the image copying every app, and that README,
Makefile and .ci/run name the same commands. No database needed.
"""

from __future__ import annotations

import importlib
import os
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKERS = ("worker-sweep", "worker-mail", "worker-notices", "worker-background")
APP_SERVICES = ("web", *WORKERS, "beat")
# The addresses and setting names the README, emails already sent and users rely on.
ARCHITECTURE_SETTINGS = {
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "SITE_URL",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def command_words(service: dict) -> list[str]:
    """The service's command as words, whether written as a list, a string or `sh -c '...'`."""
    command = service.get("command") or []
    words = shlex.split(command) if isinstance(command, str) else [str(word) for word in command]
    if words[:2] == ["sh", "-c"]:
        return shlex.split(" ".join(words[2:]))
    return words


def env_names_read_by_settings() -> set[str]:
    source = (ROOT / "helpdesk" / "settings.py").read_text()
    return set(re.findall(r"env_(?:str|bool|int|list)\(\s*\"([A-Z0-9_]+)\"", source))


def makefile_target(name: str) -> tuple[list[str], list[str]]:
    """(prerequisites, recipe lines) of a Makefile target."""
    lines = (ROOT / "Makefile").read_text().splitlines()
    for index, line in enumerate(lines):
        match = re.match(rf"^{re.escape(name)}\s*:(?!=)(.*)$", line)
        if match:
            recipe = []
            for body in lines[index + 1 :]:
                if not body.startswith("\t"):
                    break
                recipe.append(body.strip())
            return match.group(1).split(), recipe
    raise AssertionError(f"Makefile has no {name!r} target")


def test_compose_has_every_service(services):
    assert {"web", *WORKERS, "beat", "postgres", "redis"} <= set(services)


def test_compose_runs_a_worker_for_every_queue_and_each_queue_once(services):
    """Every queue the settings route to has its worker; none is consumed by two groups (the sweep's
    worker would otherwise take mail too and could fall behind it)."""
    from django.conf import settings

    consumed = []
    for name in WORKERS:
        words = command_words(services[name])
        consumed += words[words.index("-Q") + 1].split(",")
    assert sorted(consumed) == sorted(settings.WORKER_QUEUES)
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert routed == set(settings.WORKER_QUEUES)
    sweep = command_words(services["worker-sweep"])
    assert sweep[sweep.index("-Q") + 1] == "sweep"  # alone: nothing else can make the sweep wait


def test_exactly_one_beat(services):
    beats = [name for name, service in services.items() if "beat" in command_words(service)]
    assert beats == ["beat"]
    # Embedded beat (`worker -B`) would be a second scheduler.
    for name, service in services.items():
        words = command_words(service)
        assert "-B" not in words and "--beat" not in words, name
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_web_serves_the_wsgi_application(services):
    words = command_words(services["web"])
    assert "gunicorn" in words
    target = next(word for word in words if word.endswith(":application"))
    assert target == "helpdesk.wsgi:application"
    module_path, attribute = target.split(":")
    module = importlib.import_module(module_path)
    assert callable(getattr(module, attribute))
    # Migrations run before gunicorn starts.
    assert words.index("migrate") < words.index("gunicorn")


@pytest.mark.parametrize("name, role", [*((worker, "worker") for worker in WORKERS), ("beat", "beat")])
def test_celery_services_use_the_project_app(services, name, role):
    words = command_words(services[name])
    assert words[:4] == ["celery", "-A", "helpdesk", role]
    celery_module = importlib.import_module("helpdesk.celery")
    assert celery_module.app.main == "helpdesk"


def test_app_services_share_one_image_and_environment(services):
    environments = [services[name]["environment"] for name in APP_SERVICES]
    assert all(environment == environments[0] for environment in environments)
    for name in APP_SERVICES:
        assert services[name].get("build") == ".", name


def test_app_environment_uses_the_settings_names(services):
    env = services["web"]["environment"]
    assert set(env) >= ARCHITECTURE_SETTINGS
    unknown = set(env) - env_names_read_by_settings()
    assert not unknown, f"docker-compose.yml sets variables the settings never read: {sorted(unknown)}"
    assert env["DEBUG"] == "false"


def test_app_environment_points_at_the_compose_services(services):
    env = services["web"]["environment"]
    database = urlsplit(env["DATABASE_URL"])
    broker = urlsplit(env["CELERY_BROKER_URL"])
    cache = urlsplit(env["CACHE_URL"])
    assert (database.scheme, database.hostname) == ("postgres", "postgres")
    assert (broker.scheme, broker.hostname) == ("redis", "redis")
    assert (cache.scheme, cache.hostname) == ("redis", "redis")
    # The cache may evict; the broker must not share its database.
    assert broker.path != cache.path
    redis_command = command_words(services["redis"])
    assert redis_command[redis_command.index("--maxmemory-policy") + 1] == "noeviction"
    assert redis_command[redis_command.index("--appendonly") + 1] == "yes"


def test_settings_read_the_documented_names():
    assert env_names_read_by_settings() >= ARCHITECTURE_SETTINGS


def test_image_contains_every_app():
    dockerfile = (ROOT / "Dockerfile").read_text()
    copied = {line.split()[1].rstrip("/") for line in dockerfile.splitlines() if line.startswith("COPY ")}
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    needed = apps | {"helpdesk", "templates", "static", "manage.py", "requirements.txt"}
    assert needed <= copied, f"Dockerfile does not COPY {sorted(needed - copied)}"
    assert "collectstatic" in dockerfile


def test_ci_runs_make_test():
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK), ".ci/run must be executable"
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    commands = [line.strip() for line in text.splitlines() if not line.strip().startswith("#")]
    assert "make test" in commands


def test_make_test_lints_then_runs_pytest():
    prerequisites, recipe = makefile_target("test")
    assert "lint" in prerequisites
    assert any("pytest" in line and "$(PYTEST_ARGS)" in line for line in recipe)
    _, lint = makefile_target("lint")
    lint_text = "\n".join(lint)
    assert "ruff check" in lint_text
    assert "makemigrations --check" in lint_text
    assert "check --deploy --fail-level WARNING" in lint_text


def test_deploy_check_key_is_strong_enough():
    # Django's W009 wants 50+ characters and 5+ distinct ones; a weak key would fail `make lint`.
    text = (ROOT / "Makefile").read_text()
    key = re.search(r"SECRET_KEY='([^']+)'", text).group(1)
    assert len(key) >= 50
    assert len(set(key)) >= 5
    assert not key.startswith("django-insecure-")


def test_readme_names_the_make_targets():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme
    assert "make test" in readme
    for target in ("run", "test"):
        makefile_target(target)


def test_the_dev_runner_worker_consumes_every_queue():
    from django.conf import settings

    script = (ROOT / "scripts" / "run-dev.sh").read_text()
    [line] = [line for line in script.splitlines() if "worker" in line and line.startswith('"$CELERY"')]
    words = shlex.split(line)
    assert sorted(words[words.index("-Q") + 1].split(",")) == sorted(settings.WORKER_QUEUES)
