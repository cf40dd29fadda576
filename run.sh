#!/usr/bin/env bash
# One entry point for people and CI.
#   ./run.sh app    set everything up, then start the app on http://localhost:8501
#   ./run.sh test   set everything up (Chromium and pdftoppm included), then run the tests
#   ./run.sh bench  speed benchmark;  ./run.sh accuracy  accuracy benchmark
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
VENV=.venv

setup_python() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)-$1"
  if [ ! -f "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    if [ "$1" = test ]; then
      "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"
    else
      "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e .
    fi
    touch "$stamp"
  fi
  # byte-compile the project's own modules: where PYTHONDONTWRITEBYTECODE is
  # set, every process (pool workers, servers, subprocesses) would otherwise
  # compile them again; quick when nothing changed
  "$VENV/bin/python" -m compileall -q -j 0 footprint app.py >/dev/null
}

setup_test_tools() {
  # Debian's chromium for the browser tests, poppler-utils' pdftoppm to
  # render the PDF report in its test
  local missing=""
  if [ ! -x /usr/bin/chromium ]; then missing=" chromium"; fi
  if ! command -v pdftoppm >/dev/null; then missing="$missing poppler-utils"; fi
  if [ -z "$missing" ]; then return; fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  echo "Installing Debian's$missing for the tests..."
  $sudo apt-get update -qq
  # shellcheck disable=SC2086  # one word per package
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
}

case "${1:-}" in
  app)
    setup_python app
    shift
    exec "$VENV/bin/streamlit" run app.py "$@"
    ;;
  test)
    setup_python test
    setup_test_tools
    shift
    # one worker per core; each test file runs whole in one worker, so its
    # module fixtures (rendered photos, servers) are built once; the long files
    # go first, in the order tests/conftest.py gives them
    exec "$VENV/bin/python" -m pytest -n auto --dist loadfile --no-loadscope-reorder "$@"
    ;;
  bench)
    setup_python test
    shift
    exec "$VENV/bin/python" scripts/bench_speed.py "$@"
    ;;
  accuracy)
    setup_python test
    shift
    exec "$VENV/bin/python" scripts/bench_accuracy.py "$@"
    ;;
  *)
    echo "usage: ./run.sh app | test | bench | accuracy" >&2
    exit 3
    ;;
esac
