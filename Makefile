# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1
# Development settings for the demo server: DEBUG=1 derives the keys that production must set
# (docs/deploy.md); TIANMU_DEMO=1 waives two-factor sign-in and the forced password change for
# the demo login (refused unless DEBUG=1). The test suite uses tianmu/settings_test.py instead.
DEV_ENV := DEBUG=1 TIANMU_DEMO=1
# Where `make run` listens: HOST=0.0.0.0 to try it from a phone on the same network (the
# development server then answers any host name; it is still DEBUG and the demo only).
HOST ?= 127.0.0.1
PORT ?= 8000
ifeq ($(filter 127.0.0.1 localhost,$(HOST)),)
RUN_ENV := $(DEV_ENV) ALLOWED_HOSTS=*
else
RUN_ENV := $(DEV_ENV)
endif
PIP := $(BIN)/pip --quiet --disable-pip-version-check --no-input

.PHONY: run serve test lint fmt check install demo bench clean test-postgres test-browser

$(STAMP): pyproject.toml
	@echo "Installing Tianmu into $(VENV) (first run only, a minute or two; log: $(VENV)/install.log)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip > $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@$(PIP) install -e '.[dev]' >> $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@touch $(STAMP)

install: $(STAMP)

# gunicorn, the production extra (`make serve`, the benches).
PROD_STAMP := $(VENV)/.installed-prod
$(PROD_STAMP): $(STAMP)
	@$(PIP) install -e '.[dev,prod]' >> $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@touch $(PROD_STAMP)

## Set up, migrate SQLite under var/, load the demo on an empty database, create one demo
## login per role, print where to go, serve (HOST=0.0.0.0 for a phone on the same network).
run: $(STAMP)
	@mkdir -p var
	@$(DEV_ENV) $(BIN)/tianmu migrate --noinput -v 0
	@$(DEV_ENV) $(BIN)/tianmu loaddemo --if-empty -v 0
	@$(DEV_ENV) $(BIN)/tianmu demousers
	@echo ""
	@echo "  Tianmu is running at http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)"
	@$(if $(filter 0.0.0.0,$(HOST)),$(BIN)/python -c "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(('10.255.255.255', 1)); print('  From a phone on the same network: http://%s:$(PORT)' % s.getsockname()[0])" 2>/dev/null || true,true)
	@echo "  Log in as demo-admin / tianmu-demo-2026 (programme admin, Lin'an District);"
	@echo "  the login page lists a demo login for every role and what to try first."
	@echo "  Demo mode: no two-factor sign-in, no forced password change (development only)"
	@echo ""
	@$(RUN_ENV) $(BIN)/tianmu runserver $(HOST):$(PORT)

## The production stack on this machine, in the foreground (docs/deploy.md): gunicorn, a Celery
## worker for every queue and beat, DEBUG=0, against PostgreSQL 127.0.0.1:5432 (database
## tianmu_serve, created and migrated) and Redis 127.0.0.1:6379. Ctrl-C stops all three.
serve: $(PROD_STAMP)
	@BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) deploy/serve

## Set up, lint, and run the whole suite (SQLite; browser tests run in .ci/run).
test: $(STAMP) lint
	DJANGO_SETTINGS_MODULE=tianmu.settings_test $(BIN)/tianmu makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=tianmu.settings_test $(BIN)/tianmu check
	$(BIN)/pytest -n 2 -m "not browser" -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test-postgres: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tianmu} $(BIN)/pytest -n 2 -m "not browser" -q

test-browser: $(STAMP)
	$(BIN)/pytest -m browser -q -p no:xdist

bench: $(PROD_STAMP)
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/match_cli.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/imports.py

clean:
	rm -rf $(VENV) var/*.sqlite3 *.egg-info
