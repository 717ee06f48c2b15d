"""Production settings pass Django's deployment checks; bad environment values stop the start.

Each check runs `manage.py` in a subprocess, because settings are read once per process.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

# Variables that would change what the subprocess sees; each test sets what it needs.
OWN_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CREWDESK_HUEY_IMMEDIATE")


def manage(
    *args: str, tmp_path: Path, create_var_dir: bool = True, **env: str
) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not (k.startswith("CREWDESK_") and k != "CREWDESK_TEST_STRICT")
        and k not in OWN_VARIABLES
    }
    var_dir = tmp_path / "var"
    if create_var_dir:
        var_dir.mkdir(exist_ok=True)  # a deployment's data folder exists before the first start
    base["CREWDESK_VAR_DIR"] = str(var_dir)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env() -> dict[str, str]:
    return {
        "CREWDESK_SECRET_KEY": secrets.token_urlsafe(60),
        "CREWDESK_ALLOWED_HOSTS": "crewdesk.example.com",
        "CREWDESK_HTTPS": "1",
        "CREWDESK_DEBUG": "0",
    }


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **production_env()
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output, output


def test_deployment_checks_warn_when_https_is_off(tmp_path):
    """The check above would catch a regression: without CREWDESK_HTTPS, Django warns."""
    env = production_env() | {"CREWDESK_HTTPS": "0"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "security.W004" in output, output  # SECURE_HSTS_SECONDS not set
    assert "security.W008" in output, output  # SECURE_SSL_REDIRECT not set


@pytest.mark.parametrize(
    "name, value",
    [
        ("CREWDESK_DEBUG", "maybe"),
        ("CREWDESK_HTTPS", "sometimes"),
        ("CREWDESK_LOGIN_MAX_FAILURES", "five"),
    ],
)
def test_a_bad_environment_value_stops_manage_py_naming_the_variable(tmp_path, name, value):
    result = manage("check", tmp_path=tmp_path, **{name: value})
    assert result.returncode != 0, result.stdout + result.stderr
    assert "ImproperlyConfigured" in result.stderr, result.stderr
    assert f"{name}={value!r}" in result.stderr, result.stderr


def test_manage_py_starts_with_a_secret_key_and_no_var_folder_yet(tmp_path):
    result = manage("check", tmp_path=tmp_path, create_var_dir=False, **production_env())
    assert result.returncode == 0, result.stderr
