# Two commands on a fresh machine:
#   make run    set up .venv and open the app on the sample plan (with the generated sample
#               market data, so the Stress tab and history sigma work; your own market file
#               is used instead when TRADE_PLANNER_MARKET is set)
#   make test   set up .venv and run the whole test suite headless
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SAMPLE_MARKET := build/sample-market/market.sqlite3
TRADE_PLANNER_MARKET ?= $(SAMPLE_MARKET)

.PHONY: run test lint bench screenshot sample clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) $(if $(filter $(SAMPLE_MARKET),$(TRADE_PLANNER_MARKET)),$(SAMPLE_MARKET))
	TRADE_PLANNER_MARKET='$(TRADE_PLANNER_MARKET)' $(PY) main.py $(FILE)

# Generated (never downloaded), imported into its own market file under build/.
$(SAMPLE_MARKET): $(STAMP) resources/make_sample_market.py
	rm -rf build/sample-market
	$(PY) resources/make_sample_market.py build/sample-market/files
	$(PY) main.py market import build/sample-market/files/*.zip --market $(SAMPLE_MARKET)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

bench: $(STAMP)
	$(PY) bench/run_all.py

screenshot: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) main.py --screenshot docs/screenshot.png

sample: $(STAMP)
	$(PY) resources/make_sample.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
