#!/usr/bin/env bash
# The test command of crewdesk (`make test`, and so CI through .ci/run).
#
# 1. installs the Debian packages the tests need, when running as root and something is missing;
# 2. syncs the locked Python environment with uv and runs ruff;
# 3. starts a throwaway PostgreSQL 15 cluster and a throwaway Redis on free loopback ports;
# 4. runs the whole pytest suite twice: on SQLite (the default settings) and on PostgreSQL.
#
# Extra arguments go to both pytest runs: `bash scripts/test.sh -k policy -x`.
# Tests that need Redis or PostgreSQL directly read CREWDESK_TEST_REDIS_URL and
# CREWDESK_TEST_POSTGRES_URL; CREWDESK_TEST_STRICT=1 makes a test fail, not skip, when something
# it needs (Chromium, Redis) is missing, so a green run here cannot hide a missing install step.
set -euo pipefail
cd "$(dirname "$0")/.."

export UV_PYTHON_DOWNLOADS=never
export DEBIAN_FRONTEND=noninteractive

PG_BIN=/usr/lib/postgresql/15/bin
APT_PACKAGES=(chromium fonts-noto-cjk redis-server postgresql-15 gettext)

banner() {
    printf '\n======== %s ========\n' "$*"
}

installed() {
    [[ $(dpkg -s "$1" 2>/dev/null) == *"Status: install ok installed"* ]]
}

# --- 1. System packages ---------------------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "Missing Debian packages: ${missing[*]}" >&2
        echo "Install them first: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
    banner "apt-get install ${missing[*]}"
    apt-get update -qq
    # With recommends, as on the machines these tests were written on (Chromium's fonts).
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- 2. Python environment and lint -----------------------------------------------------------
if command -v uv >/dev/null 2>&1; then
    UV=(uv)
else
    python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv \
        || python3 -m pip install --quiet --break-system-packages uv
    UV=(python3 -m uv)
fi
banner "uv sync --locked"
"${UV[@]}" sync --locked

failures=()

banner "ruff check + ruff format --check"
if ! "${UV[@]}" run --locked ruff check .; then failures+=("ruff check"); fi
if ! "${UV[@]}" run --locked ruff format --check .; then failures+=("ruff format --check"); fi

# --- 3. Throwaway PostgreSQL and Redis --------------------------------------------------------
PG_DIR=""
REDIS_DIR=""
VAR_ROOT=""

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# initdb and pg_ctl refuse to run as root: run them as the postgres user, from a folder it can read.
as_postgres() {
    if [[ $(id -u) -eq 0 ]]; then
        (cd "$PG_DIR" && runuser -u postgres -- "$@")
    else
        (cd "$PG_DIR" && "$@")
    fi
}

cleanup() {
    local code=$?
    set +e
    if [[ -n $PG_DIR && -f $PG_DIR/data/postmaster.pid ]]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 20 stop >/dev/null 2>&1
    fi
    if [[ -n $REDIS_DIR && -f $REDIS_DIR/redis.pid ]]; then
        local pid
        pid=$(cat "$REDIS_DIR/redis.pid")
        kill "$pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    fi
    [[ -n $PG_DIR ]] && rm -rf "$PG_DIR"
    [[ -n $REDIS_DIR ]] && rm -rf "$REDIS_DIR"
    [[ -n $VAR_ROOT ]] && rm -rf "$VAR_ROOT"
    exit "$code"
}
trap cleanup EXIT

banner "throwaway PostgreSQL 15 and Redis"
# Under /tmp (not $TMPDIR): the postgres user must reach it, and socket paths must stay short.
PG_DIR=$(mktemp -d /tmp/crewdesk-pg.XXXXXX)
[[ $(id -u) -eq 0 ]] && chown postgres: "$PG_DIR"
as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
PG_PORT=""
for _ in 1 2 3; do
    PG_PORT=$(free_port)
    cat >>"$PG_DIR/data/postgresql.conf" <<CONF
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
CONF
    if as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 start \
        >/dev/null; then
        break
    fi
    PG_PORT=""   # the port was taken between probe and start: try another one
done
if [[ -z $PG_PORT ]]; then
    echo "PostgreSQL did not start:" >&2
    cat "$PG_DIR/server.log" >&2
    exit 1
fi
PG_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
as_postgres "$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -qX \
    -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE ROLE crewdesk LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
CREATE DATABASE crewdesk OWNER crewdesk;
SQL
export CREWDESK_TEST_POSTGRES_URL="postgres://crewdesk:$PG_PASSWORD@127.0.0.1:$PG_PORT/crewdesk"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"

REDIS_DIR=$(mktemp -d -t crewdesk-redis.XXXXXX)
REDIS_PORT=""
for _ in 1 2 3; do
    REDIS_PORT=$(free_port)
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --save '' \
        --appendonly no --daemonize yes --pidfile "$REDIS_DIR/redis.pid" \
        --logfile "$REDIS_DIR/redis.log"
    for _ in $(seq 50); do
        [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]] && break 2
        sleep 0.1
    done
    REDIS_PORT=""
done
if [[ -z $REDIS_PORT ]]; then
    echo "Redis did not start:" >&2
    cat "$REDIS_DIR/redis.log" >&2
    exit 1
fi
export CREWDESK_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
echo "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$REDIS_PORT"

# --- 4. The suite, on SQLite then on PostgreSQL -----------------------------------------------
# Tests never touch ./var: each run gets its own CREWDESK_VAR_DIR. The developer's own
# DATABASE_URL / REDIS_URL must not leak into the runs.
VAR_ROOT=$(mktemp -d -t crewdesk-var.XXXXXX)
export CREWDESK_TEST_STRICT=1
unset DATABASE_URL REDIS_URL CREWDESK_HUEY_IMMEDIATE CREWDESK_SECRET_KEY CREWDESK_DEBUG \
    CREWDESK_HTTPS CREWDESK_ALLOWED_HOSTS

summaries=()
run_suite() {
    local name=$1 marks=$2
    shift 2
    banner "pytest on $name"
    local start=$SECONDS
    local code=0
    env "$@" CREWDESK_VAR_DIR="$VAR_ROOT/$name" "${UV[@]}" run --locked pytest -q \
        --junitxml="$VAR_ROOT/$name.xml" -m "$marks" "${PYTEST_ARGS[@]}" || code=$?
    local counts="no report"
    if [[ -f $VAR_ROOT/$name.xml ]]; then
        counts=$(python3 "$JUNIT_COUNTS" "$VAR_ROOT/$name.xml")
    fi
    summaries+=("pytest on $name: $counts in $((SECONDS - start)) s (exit $code)")
    if ((code != 0)); then
        failures+=("pytest on $name (exit $code)")
    fi
}

# Prints "P passed, F failed, S skipped" from pytest's JUnit XML; with several files, the total.
JUNIT_COUNTS="$VAR_ROOT/junit_counts.py"
cat >"$JUNIT_COUNTS" <<'PY'
import sys
import xml.etree.ElementTree as ET

tests = failed = skipped = 0
for path in sys.argv[1:]:
    for suite in ET.parse(path).getroot().iter("testsuite"):
        tests += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
print(f"{tests - failed - skipped} passed, {failed} failed, {skipped} skipped")
PY

PYTEST_ARGS=("$@")
# The end-to-end tests (marker e2e) start their own processes and databases (SQLite, and
# PostgreSQL + Redis), whatever database the suite runs on: they run once, in the first pass.
run_suite sqlite ""
run_suite postgresql "not e2e" DATABASE_URL="$CREWDESK_TEST_POSTGRES_URL"

banner "summary"
printf '%s\n' "${summaries[@]}"
if ((${#failures[@]})); then
    printf 'FAILED: %s\n' "${failures[@]}"
fi
reports=("$VAR_ROOT"/*.xml)
if [[ -f ${reports[0]} ]]; then
    echo "total: $(python3 "$JUNIT_COUNTS" "${reports[@]}")"
fi
if ((${#failures[@]})); then
    exit 1
fi
