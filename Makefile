# Every target installs what it needs on a fresh clone (torch's CPU wheel first, then the project).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := data/sample
OUT    := out

.PHONY: all setup test test-all data facts gate suite compare ui bench clean

all: setup facts ## the main job: sample facts (grows into the CPU suite and the decision report)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

test: setup ## fast tests (CI's selection); exit code 5 (no tests) is not a failure
	$(BIN)/python -m pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then exit 0; else exit $$rc; fi

test-all: setup ## fast and slow tests
	$(BIN)/python -m pytest -q -m "not gpu"

data: setup ## regenerate the committed small synthetic sample
	$(BIN)/harness data synth --out $(SAMPLE) --seed 7 --scale small

facts: setup
	$(BIN)/harness facts --products $(SAMPLE)/products_all.csv --reviews $(SAMPLE)/reviews_all.csv --out $(OUT)/sample_facts.jsonl

ui: setup ## MLflow UI on 127.0.0.1 only
	$(BIN)/mlflow ui --backend-store-uri sqlite:///mlruns/mlflow.db --default-artifact-root mlruns/artifacts --host 127.0.0.1 --port 5000

clean:
	rm -rf $(OUT) reports/decision.* .pytest_cache
