# The README's two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app run
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast bench venv translations vendor init-db demo clean lint screenshots audit-deps mutants mutants-guards requirements

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# The zh_CN catalogue (enforcement/translations/zh_Hans_CN/LC_MESSAGES/messages.po) is the one
# place translations are edited. This extracts the messages of the code and templates (babel.cfg),
# merges new ones into the .po (empty, for you to fill; nothing is fuzzy-matched) and compiles the
# committed .mo. tests/test_translations.py fails on an empty entry or a stale .mo.
CATALOGUE := enforcement/translations
translations: $(STAMP)
	@mkdir -p build
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o build/messages.pot .
	$(VENV)/bin/pybabel -q update -i build/messages.pot -d $(CATALOGUE) -l zh_Hans_CN \
	    --no-fuzzy-matching --ignore-pot-creation-date --width 100
	$(VENV)/bin/pybabel compile -d $(CATALOGUE) --statistics

init-db: $(STAMP)
	$(FLASK) init-db

# Loads the demo city once: a second `make run` keeps what is there.
# ... and draws the demo city's basemap once (instance/basemaps/demo.mbtiles, ~10 s, Pillow)
# unless a basemap is already there.
demo: init-db
	$(FLASK) demo-data --if-empty
	$(FLASK) basemap demo --if-missing

# `make run PORT=8080` when 5000 is taken.
PORT ?= 5000
run: demo
	@echo "Serving http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	PORT=$(PORT) $(PY) run.py

test: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadgroup

test-fast: $(STAMP)
	$(PY) -m pytest -q -x -m "not browser and not slow"

# ruff (lint, the whole repository) and mypy (types of enforcement/; strict on the pure engine),
# both configured in pyproject.toml. Run by .ci/run before the tests.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check enforcement
	$(VENV)/bin/mypy

# The pinned sets, compiled from the direct dependencies (requirements.in, requirements-dev.in;
# each line says why it is there) with pip-tools. Existing pins are kept: to upgrade a package,
# change its pin in the .in file and run this again. Needs the package index (or its mirror).
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --no-emit-index-url --no-emit-find-links \
               --annotation-style=line --strip-extras
requirements: $(STAMP)
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in

# Known vulnerabilities in the pinned set (asks PyPI's advisory data; a mirror without it answers
# "not found" for every package: see the README).
audit-deps: $(STAMP)
	$(VENV)/bin/pip-audit --no-deps --disable-pip -r requirements.txt -r requirements-dev.txt

# Browser tests write their screenshots to build/screenshots; this refreshes the committed ones.
screenshots: $(STAMP)
	$(PY) -m pytest -q -m browser tests/browser
	cp build/screenshots/*.png docs/screenshots/

# Mutation testing (mutmut, configured in pyproject.toml [tool.mutmut]): the engine
# (enforcement/workflow/) and the CSV formula guard. Not part of `make test`: it takes long (the
# run time and the machine's load are in docs/mutation.md). Reruns only what changed since the last
# run in mutants/; `rm -rf mutants` for a fresh one. Writes build/mutation.md: check it, then copy
# it to docs/mutation.md with the survivors explained.
mutants: $(STAMP)
	@mkdir -p build
	@date -u +%s > build/mutants-started
	-env -u TEST_DATABASE_URL MUTATION_MAX_EXAMPLES=40 nice -n 10 $(VENV)/bin/mutmut run --max-children 2
	$(PY) scripts/mutation_report.py --started "$$(cat build/mutants-started)" > build/mutation.md
	@echo "wrote build/mutation.md"

# The guards (authorisation, idempotency, the audit chain and anchor, every export's formula guard,
# the credit-code check, the photo checks) in their own folder, with their own settings
# (mutmut-guards.toml): their database-backed tests stay out of the engine's run. In visits.py and
# complaints.py only the client_uuid functions are in scope, and in exports/ the writers' cell
# guards (CSV; the streamed XLSX every download uses: every text cell a string, never a
# formula), not their layout (GUARD_MUTANTS).
# Writes build/mutation-guards.md.
GUARDS := build/mutants-guards
GUARD_MUTANTS := enforcement.services.casework.authority.* enforcement.services.oversight.access.* \
	enforcement.services.core.audit.* enforcement.exports.csv.* \
	enforcement.exports.xlsx_stream.x__cell__mutmut_* enforcement.exports.xlsx_stream.x__text__mutmut_* \
	enforcement.credit_code.* \
	enforcement.services.field.photos.* enforcement.services.field.visits.x__existing__mutmut_* \
	enforcement.services.field.visits.x_payload_hash__mutmut_* \
	enforcement.services.desk.complaints.x__existing__mutmut_*
mutants-guards: $(STAMP)
	@mkdir -p $(GUARDS)
	cp mutmut-guards.toml $(GUARDS)/pyproject.toml
	for f in enforcement tests templates static run.py pytest.ini; do ln -sfn ../../$$f $(GUARDS)/$$f; done
	@date -u +%s > build/mutants-guards-started
	-cd $(GUARDS) && env -u TEST_DATABASE_URL MUTATION_MAX_EXAMPLES=40 nice -n 10 ../../$(VENV)/bin/mutmut run --max-children 2 \
		$(foreach g,$(GUARD_MUTANTS),"$(g)")
	$(PY) scripts/mutation_report.py --root $(GUARDS) --only $(foreach g,$(GUARD_MUTANTS),"$(g)") \
		--started "$$(cat build/mutants-guards-started)" > build/mutation-guards.md
	@echo "wrote build/mutation-guards.md"

# SQLite always; BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench adds
# PostgreSQL (with PostGIS where installed) as a second column. BENCH_SCALE=full|mid|small,
# BENCH_REUSE=1 keeps generated databases (benchmarks/__main__.py).
bench: $(STAMP)
	$(PY) -m benchmarks

# Re-vendor the front-end files from the committed package-lock.json (needs npm).
vendor:
	bash scripts/vendor.sh

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis mutants
