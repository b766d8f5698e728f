# The two commands: `make run` starts the whole system, `make test` runs the whole suite.
# Both do all their set-up (virtualenv, packages, broker) on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := common services/identity services/accounts services/billing services/monitoring services/notifications services/audit gateway
INSTALLED := $(VENV)/.installed

.PHONY: run test lint test-postgres test-faults simulate bench dead-letters replay-dead-letters setup broker postgres wrk \
	browser clean

# The broker is made sure of here (not by the `broker` target) so that Ctrl-C stops it too when
# `make run` was the one to start it.
run: setup
	mkdir -p -m 0700 data
	BROKER_STARTED_FILE=data/.broker-started scripts/ensure-broker.sh
	BROKER_STARTED_FILE=data/.broker-started $(BIN)/python scripts/run.py

# The suite in TEST_SHARDS parts (default 2) run at once, whole modules each (tests/shards.py).
test: setup lint broker postgres wrk browser
	PYTHONWARNINGS=ignore::DeprecationWarning $(BIN)/python scripts/run_tests.py $(PYTEST_ARGS)

# The code checks `make test` runs first: ruff's lint and its format check, one configuration (ruff.toml);
# then mypy on portal_common and every service's domain and usecases packages (mypy.ini names them).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --config-file mypy.ini

# The end-to-end tests again, on fresh PostgreSQL databases (what runs when services scale out).
POSTGRES_URI ?= postgresql://postgres@127.0.0.1:5432
test-postgres: setup broker postgres
	PYTHONWARNINGS=ignore::DeprecationWarning $(BIN)/python scripts/run_tests.py tests/e2e --postgres $(POSTGRES_URI) $(PYTEST_ARGS)

# The fault and bad-input tests alone (`make test` runs them too): a private RabbitMQ node stopped and
# started under load, kill -9 of one of two billing processes, events twice and late, fuzzing, secrets.
test-faults: setup broker postgres
	PYTHONWARNINGS=ignore::DeprecationWarning $(BIN)/pytest tests/faults $(PYTEST_ARGS)

# With `make run` up: sign up a partner and have its customers' agents report (SIMULATE_ARGS='--once').
simulate: setup
	$(BIN)/python scripts/simulate.py $(SIMULATE_ARGS)

# Event messages whose handler failed every try, parked in `<handler queue>.dead`: list them, and send
# them back to their handler once the cause is mended (QUEUE=<handler queue> for one). AMQP_URI: the broker.
dead-letters: setup
	$(BIN)/python -m portal_common.dead_letters list

replay-dead-letters: setup
	$(BIN)/python -m portal_common.dead_letters replay $(if $(QUEUE),--queue $(QUEUE))

# The benchmark (issue 6): its own vhost, ports and databases; figures into docs/BENCHMARKS.md.
# BENCH_ARGS='--size tiny' for a quick run, '--only reads ingestion' for some sections (with their anchors).
bench: setup broker postgres wrk
	PYTHONWARNINGS=ignore::DeprecationWarning $(BIN)/python -m bench $(BENCH_ARGS)

setup: $(INSTALLED)

$(INSTALLED): constraints.txt requirements-test.txt scripts/build-argon2.sh scripts/check_argon2.py $(addsuffix /pyproject.toml,$(PACKAGES))
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing packages into $(VENV) (log: $(VENV)/install.log)"
	@{ $(BIN)/python -m pip install --upgrade pip && \
	   $(BIN)/pip install -c constraints.txt -r requirements-test.txt $(addprefix -e ,$(PACKAGES)); \
	 } > $(VENV)/install.log 2>&1 || { tail -n 40 $(VENV)/install.log; exit 1; }
	scripts/build-argon2.sh $(VENV) constraints.txt
	touch $@

broker:
	scripts/ensure-broker.sh

# PostgreSQL: optional for `make run` (SQLite is the default); the tests race billing on it too. This
# starts the local cluster when one is installed and down.
postgres:
	-@pg_isready -q -h 127.0.0.1 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start

# wrk, the load generator of `make bench` (the suite runs a tiny bench): Debian's package, as root.
wrk:
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q wrk >/dev/null || \
	    { apt-get -o DPkg::Lock::Timeout=300 update -q >/dev/null && \
	      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q wrk >/dev/null; }; }; } || \
	  { echo "make bench needs wrk: install Debian's 'wrk' package (apt-get install wrk)"; exit 1; }

# Headless Chromium and its WebDriver from Debian for the web portal's browser tests (never a browser
# download): installed with apt when missing (as root, or through sudo when it asks no password).
CHROMIUM_PACKAGES := chromium chromium-driver
browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || { \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo "sudo -n" ); \
	  echo "installing $(CHROMIUM_PACKAGES) with apt"; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -q $(CHROMIUM_PACKAGES) || { \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=300 update -q && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -q $(CHROMIUM_PACKAGES); }; }

clean:
	rm -rf $(VENV) data
