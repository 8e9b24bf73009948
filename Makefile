# README's two commands: `make run` (the app on the seed documents) and `make test` (the tests).
# Both set up everything on a fresh machine with Python 3.11 and pip.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 7860

.PHONY: run test install install-test browser ocr bench eval

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Debian's Tesseract + Vietnamese model (scans), poppler's pdftoppm (renders scanned PDF pages), DejaVu (test pages)
OCR_PACKAGES := tesseract-ocr tesseract-ocr-vie poppler-utils fonts-dejavu-core
ocr:
	@{ command -v tesseract && command -v pdftoppm && tesseract --list-langs 2>/dev/null | grep -qx vie \
	   && test -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES) >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES) >/dev/null; fi; }

# torch first and pinned: the CPU wheel on this machine's disk, never a multi-GB CUDA build.
install: $(BIN)/python ocr
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .

install-test: install
	$(BIN)/pip install --quiet -e '.[test]'

# Debian's Chromium for the browser tests (Playwright drives it; it downloads no browser of its own).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; fi; }

run: install
	$(BIN)/vanban index seeds/
	$(BIN)/vanban serve --port $(PORT)

test: install-test browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/bench_pipeline.py

eval: install
	$(BIN)/vanban index seeds/
	$(BIN)/vanban eval --gold ../shared/eval/dev.jsonl

# The README's screenshots, on purpose: the browser tests write them to build/screenshots/ (git-ignored), and
# only this target copies them over the tracked ones in docs/screenshots/.
.PHONY: screenshots
screenshots: install-test browser
	rm -rf build/screenshots
	$(BIN)/python -m pytest -q -m browser tests/test_app_browser.py
	mkdir -p docs/screenshots
	cp build/screenshots/*.png docs/screenshots/
