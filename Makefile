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

.PHONY: run test lint fmt check install demo bench clean test-postgres test-browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Set up, migrate SQLite under var/, load the demo on an empty database, print a login, serve.
run: $(STAMP)
	mkdir -p var
	$(DEV_ENV) $(BIN)/tianmu migrate --noinput
	$(DEV_ENV) $(BIN)/tianmu loaddemo --if-empty
	$(DEV_ENV) $(BIN)/tianmu adduser demo-admin --role admin --scope 330112 --password tianmu-demo-2026 --if-missing
	@echo ""
	@echo "  Tianmu is running at http://127.0.0.1:8000"
	@echo "  Log in as demo-admin / tianmu-demo-2026 (programme admin, Lin'an District)"
	@echo "  Demo mode: no two-factor sign-in, no forced password change (development only)"
	@echo ""
	$(DEV_ENV) $(BIN)/tianmu runserver 127.0.0.1:8000

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

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[prod]'
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/imports.py

clean:
	rm -rf $(VENV) var/*.sqlite3 *.egg-info
