# crewdesk developer commands. `make run` starts the app, `make test` is what CI runs.
.PHONY: run test lint messages uv sync bench-attendance bench-board bench-workorders \
	bench-assessment bench-dashboard

export UV_PYTHON_DOWNLOADS := never

# `uv` on PATH, or the module pip just installed (pip's script folder may not be on PATH).
UV = $(shell command -v uv 2>/dev/null || echo python3 -m uv)

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --break-system-packages uv

sync: uv
	$(UV) sync --locked

# PORT=9000 make run: migrate, load the demo organisation, serve on 127.0.0.1:$PORT with the worker.
run: sync
	$(UV) run --locked python manage.py serve

test:
	bash scripts/test.sh

lint: sync
	$(UV) run --locked ruff check .
	$(UV) run --locked ruff format --check .

# Needs gettext (apt-get install gettext).
messages: sync
	$(UV) run --locked python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var
	$(UV) run --locked python manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=var

# Figures for importing 100,000 punches and judging a month of 5,000 staff, on a fresh SQLite
# database; DATABASE_URL=postgres://... make bench-attendance runs it on PostgreSQL (needs
# CREATEDB). BENCH_ARGS="--staff 500 --punches 10000" for a quick run.
bench-attendance: sync
	$(UV) run --locked python bench/attendance.py $(BENCH_ARGS)

# The dispatcher board with 10,000 open orders (issue 4, benchmark c): median and p95 server time
# and SQL queries per request, on a fresh SQLite database; DATABASE_URL=postgres://... runs it on
# PostgreSQL (needs CREATEDB). BENCH_ARGS="--orders 2000 --requests 20" for a quick run.
bench-board: sync
	$(UV) run --locked python bench/workorders_board.py $(BENCH_ARGS)

# Work-order clocks and steps (issue: bench/workorders): (a) deadline → recorded breach with
# 100,000 open orders and a real run_huey worker, and the sweep query with 1,000 vs 100,000 open;
# (b) step transitions through the API under gunicorn -w 2 on a throwaway PostgreSQL + Redis,
# 8 clients. BENCH_ARGS="--part a --orders 5000 --due 200 --window 20" for a quick run;
# BENCH_ARGS="--part p --profile 40" prints CPU and SQL per step request (comparable on a busy machine).
bench-workorders: sync
	$(UV) run --locked python bench/workorders.py $(BENCH_ARGS)

# The assessment month (issue 5): (a) close one month for 5,000 engineers with 150,000 orders,
# ≈ 220,000 punches and 50,000 callbacks, (b) replay it under a changed policy; time and peak
# memory of each. SQLite by default; DATABASE_URL=postgres://... runs it on PostgreSQL (needs
# CREATEDB). BENCH_ARGS="--staff 500 --orders 15000 --callbacks 5000" makes a quick run.
bench-assessment: sync
	$(UV) run --locked python bench/assessment.py $(BENCH_ARGS)

# The company dashboard over 12 months for 5,000 engineers (issue 6): median and p95 server time
# and SQL queries per chart request (target ≤ 300 ms), on a fresh SQLite database;
# DATABASE_URL=postgres://... runs it on PostgreSQL (needs CREATEDB). BENCH_ARGS="--engineers 500
# --requests 10" for a quick run; --live counts every order instead of reading the monthly figures.
bench-dashboard: sync
	$(UV) run --locked python bench/dashboard.py $(BENCH_ARGS)
