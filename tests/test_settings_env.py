"""Settings come from the environment, strictly: a typo stops start-up instead of changing behaviour."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from helpdesk.lib.env import env_bool, env_int, env_list, parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_debug_typo_stops_start_up(monkeypatch):
    monkeypatch.setenv("DEBUG", "Flase")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='Flase' is not a boolean"):
        env_bool("DEBUG", True)


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("ON", True), ("0", False), ("no", False), ("", True)])
def test_booleans_in_plain_words(monkeypatch, raw, expected):
    monkeypatch.setenv("DEBUG", raw)
    assert env_bool("DEBUG", True) is expected


def test_env_int_rejects_words(monkeypatch):
    monkeypatch.setenv("RATELIMIT_LOGIN", "ten")
    with pytest.raises(ImproperlyConfigured, match="RATELIMIT_LOGIN='ten' is not an integer"):
        env_int("RATELIMIT_LOGIN", 10)


def test_env_int_reads_numbers_and_defaults(monkeypatch):
    monkeypatch.setenv("RATELIMIT_LOGIN", "25")
    assert env_int("RATELIMIT_LOGIN", 10) == 25
    monkeypatch.delenv("RATELIMIT_LOGIN")
    assert env_int("RATELIMIT_LOGIN", 10) == 10


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " desk.example.com, ,www.example.com ")
    assert env_list("ALLOWED_HOSTS", []) == ["desk.example.com", "www.example.com"]


def test_smtp_url_with_user_password_and_port():
    config = parse_email_url("smtp://u:p@h:2525")
    assert (config.backend, config.host, config.port) == (SMTP, "h", 2525)
    assert (config.user, config.password, config.use_tls, config.use_ssl) == ("u", "p", False, False)


def test_smtp_tls_url_uses_starttls():
    config = parse_email_url("smtp+tls://mailer%40example.com:s%2Fcret@mail.example.com:587")
    assert (config.backend, config.host, config.port) == (SMTP, "mail.example.com", 587)
    assert (config.user, config.password) == ("mailer@example.com", "s/cret")
    assert config.use_tls and not config.use_ssl


def test_smtps_defaults_to_port_465():
    config = parse_email_url("smtps://mail.example.com")
    assert (config.port, config.use_ssl, config.use_tls) == (465, True, False)


def test_console_url():
    assert parse_email_url("console://").backend == "django.core.mail.backends.console.EmailBackend"


def test_file_url_keeps_the_directory():
    config = parse_email_url("file:///tmp/x")
    assert config.backend == "django.core.mail.backends.filebased.EmailBackend"
    assert config.file_path == "/tmp/x"  # noqa: S108 - a parsed string, never opened


@pytest.mark.parametrize("url", ["smpt://h:25", "postgres://h/db", "h:25"])
def test_a_bad_scheme_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        parse_email_url(url)


def manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    clean.update(HELPDESK_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="helpdesk.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="desk.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_catches_a_weak_setup(tmp_path):
    result = manage(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING", DEBUG="true", ALLOWED_HOSTS="desk.example.com"
    )
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout  # DEBUG on in production


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = manage(tmp_path, "check", DEBUG="false", ALLOWED_HOSTS="desk.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start(tmp_path):
    result = manage(tmp_path, "check", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_an_imap_ca_file_that_is_not_there_refuses_to_start(tmp_path):
    result = manage(tmp_path, "check", IMAP_CA_FILE=str(tmp_path / "no-such-ca.pem"))
    assert result.returncode != 0
    assert "IMAP_CA_FILE" in result.stderr and "is not a file" in result.stderr
    (tmp_path / "ca.pem").write_text("")
    assert manage(tmp_path, "check", IMAP_CA_FILE=str(tmp_path / "ca.pem")).returncode == 0


def test_a_claim_lease_no_longer_than_the_tasks_time_limit_refuses_to_start(tmp_path):
    result = manage(tmp_path, "check", CELERY_TASK_TIME_LIMIT="20", OUTBOX_CLAIM_SECONDS="20")
    assert result.returncode != 0
    assert "OUTBOX_CLAIM_SECONDS must be longer than the send task's time limit (20 s)" in result.stderr
