# The two commands: `make run` starts the whole system, `make test` runs the whole suite.
# Both do all their set-up (virtualenv, packages, broker) on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := common services/identity services/accounts services/billing services/monitoring gateway
INSTALLED := $(VENV)/.installed

.PHONY: run test test-postgres simulate setup broker postgres clean

# The broker is made sure of here (not by the `broker` target) so that Ctrl-C stops it too when
# `make run` was the one to start it.
run: setup
	mkdir -p data
	BROKER_STARTED_FILE=data/.broker-started scripts/ensure-broker.sh
	BROKER_STARTED_FILE=data/.broker-started $(BIN)/python scripts/run.py

test: setup broker postgres
	PYTHONWARNINGS=ignore::DeprecationWarning $(BIN)/pytest $(PYTEST_ARGS)

# The end-to-end tests again, on fresh PostgreSQL databases (what runs when services scale out).
POSTGRES_URI ?= postgresql://postgres@127.0.0.1:5432
test-postgres: setup broker postgres
	PYTHONWARNINGS=ignore::DeprecationWarning $(BIN)/pytest tests/e2e --postgres $(POSTGRES_URI) $(PYTEST_ARGS)

# With `make run` up: sign up a partner and have its customers' agents report (SIMULATE_ARGS='--once').
simulate: setup
	$(BIN)/python scripts/simulate.py $(SIMULATE_ARGS)

setup: $(INSTALLED)

$(INSTALLED): constraints.txt requirements-test.txt $(addsuffix /pyproject.toml,$(PACKAGES))
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing packages into $(VENV) (log: $(VENV)/install.log)"
	@{ $(BIN)/python -m pip install --upgrade pip && \
	   $(BIN)/pip install -c constraints.txt -r requirements-test.txt $(addprefix -e ,$(PACKAGES)); \
	 } > $(VENV)/install.log 2>&1 || { tail -n 40 $(VENV)/install.log; exit 1; }
	touch $@

broker:
	scripts/ensure-broker.sh

# PostgreSQL: optional for `make run` (SQLite is the default); the tests race billing on it too. This
# starts the local cluster when one is installed and down.
postgres:
	-@pg_isready -q -h 127.0.0.1 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start

clean:
	rm -rf $(VENV) data
