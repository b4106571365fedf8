# Kansli: `make demo` to try it, `make test` to check it (as CI does).
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
CODE := kansli tests bench conftest.py
# eark-validator (kansli.archive.eark) in its own virtualenv: it pins lxml 5.1.0, which
# pyhanko in $(VENV) cannot share.
EARK_VENV := .venv-eark

.PHONY: install demo serve test check pytest fuzz worker-kill bench bench-pg messages clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

$(EARK_VENV)/.installed:
	$(PYTHON) -m venv $(EARK_VENV)
	$(EARK_VENV)/bin/pip install -q eark-validator==1.1.3
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed $(EARK_VENV)/.installed

demo: install
	$(BIN)/kansli demo

serve: install
	$(BIN)/kansli serve

## The whole suite: static checks, then the tests on SQLite and, when
## KANSLI_TEST_DATABASE_URL is set (.ci/run sets it), the same tests on PostgreSQL
## side by side with them (two passes, two cores; the PostgreSQL pass prints after).
test: install node_modules/.installed check pytest

check:
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)
	$(BIN)/mypy kansli
	data=$$(mktemp -d); KANSLI_DATA_DIR=$$data $(BIN)/kansli makemigrations --check --dry-run; \
		status=$$?; rm -rf $$data; exit $$status

pytest:
	@if [ -z "$$KANSLI_TEST_DATABASE_URL" ]; then \
		$(BIN)/pytest; status=$$?; \
		echo "KANSLI_TEST_DATABASE_URL is not set: PostgreSQL run skipped"; exit $$status; \
	fi; \
	log=$$(mktemp); \
	KANSLI_DATABASE_URL="$$KANSLI_TEST_DATABASE_URL" $(BIN)/pytest -p no:cacheprovider >$$log 2>&1 & \
	postgres=$$!; trap 'kill $$postgres 2>/dev/null' INT TERM; \
	echo "== SQLite (PostgreSQL runs alongside) =="; \
	$(BIN)/pytest; sqlite=$$?; \
	wait $$postgres; pg=$$?; \
	echo "== the same suite on PostgreSQL =="; cat $$log; rm -f $$log; \
	echo "SQLite pass exit $$sqlite, PostgreSQL pass exit $$pg"; \
	[ $$sqlite -eq 0 ] && [ $$pg -eq 0 ]

## Schemathesis deep: 500 new inputs per API operation (`make test` runs 25, the same each time).
fuzz: install
	KANSLI_FUZZ_EXAMPLES=500 $(BIN)/pytest tests/test_api_fuzz.py

## The worker kill test at full size: 10,000 tasks, 4 workers, 10 SIGKILLs (`make test`
## runs 1,000); on PostgreSQL instead when KANSLI_DATABASE_URL points at one.
worker-kill: install
	KANSLI_KILL_TASKS=10000 $(BIN)/pytest -s kansli/web/tests/test_worker_kill.py \
	  kansli/web/tests/test_worker_kill_rq.py

bench: install
	$(BIN)/python bench/audit.py
	$(BIN)/python bench/registry.py
	$(BIN)/python bench/search.py --keep var/bench-registry
	$(BIN)/python bench/public.py --keep var/bench-registry
	$(BIN)/python bench/pack.py
	$(BIN)/python bench/meetings.py
	$(BIN)/python bench/approval.py
	$(BIN)/python bench/bomb.py
	$(BIN)/python bench/imap_intake.py --kills 25
	$(BIN)/python bench/redaction.py
	$(BIN)/python bench/drafting.py
	$(BIN)/python bench/retention.py
	$(BIN)/python bench/archive.py

## The PostgreSQL benchmarks (issue 18), each on a scratch database of its own, made and
## dropped here (audit events cannot be deleted): KANSLI_BENCH_PG names the server and
## a role allowed to create databases; DOCUMENTS=10000000 runs the scale bench (and the
## CPU cost per request on it) at ten million documents (needs wrk, about 12 GB).
KANSLI_BENCH_PG ?= postgresql://kansli:kansli@127.0.0.1:5432
DOCUMENTS ?= 1000000
# Each recipe line its own database, dropped when the line's shell exits.
SCRATCH_PG = db=kansli_bench_$$$$ && psql -q "$(KANSLI_BENCH_PG)/postgres" -c "CREATE DATABASE $$db" \
  && trap 'psql -q "$(KANSLI_BENCH_PG)/postgres" -c "DROP DATABASE $$db"' EXIT \
  && export KANSLI_DATABASE_URL="$(KANSLI_BENCH_PG)/$$db" &&
bench-pg: install
	$(SCRATCH_PG) $(BIN)/python bench/registry.py
	$(SCRATCH_PG) $(BIN)/python bench/bulk.py
	$(SCRATCH_PG) $(BIN)/python bench/size.py
	$(SCRATCH_PG) $(BIN)/python bench/scale.py --documents $(DOCUMENTS) \
	  && $(BIN)/python bench/cost.py --documents $(DOCUMENTS)

## Regenerate the Swedish translation catalogue (needs gettext) and compile it.
messages: install
	cd kansli && ../$(BIN)/kansli makemessages -l sv --no-obsolete
	cd kansli && ../$(BIN)/kansli compilemessages -l sv
	@echo "Translate the new entries in kansli/locale/sv/LC_MESSAGES/django.po, then run make messages again."

clean:
	rm -rf $(VENV) $(EARK_VENV) node_modules var
