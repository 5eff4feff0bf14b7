# Shortcuts for people who like make; dev.py is the one place that knows how.
PYTHON ?= python3

.PHONY: run test bench lock clean

run:
	$(PYTHON) dev.py run $(ARGS)

test:
	$(PYTHON) dev.py test

lock:
	$(PYTHON) dev.py lock

bench:
	$(PYTHON) dev.py bench $(ARGS)

clean:
	rm -rf .venv .mypy_cache .pytest_cache .ruff_cache
