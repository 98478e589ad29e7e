#!/usr/bin/env bash
# Build the sdist, then the wheel FROM the sdist (so a file missing from the sdist breaks the
# build), and check both: tests/test_packaging.py (headers, CMake config package, .pyi stubs and
# py.typed in the wheel, no build junk) and the C++ example built against the wheel's CMake
# package, in a fresh virtual environment with the wheel installed.
#
#   tools/check_dist.sh            # from the repository root; takes a few minutes (the
#                                  # extension is compiled twice in the wheel build)
#
# Needs: python3 with venv, network access to PyPI (build dependencies), cmake and a C++ compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
. "$work/venv/bin/activate"
python -m pip install -q -U pip build

python -m build --sdist --outdir "$work/dist" .
sdist="$(ls "$work"/dist/logbessel-*.tar.gz)"
python -m pip wheel --no-deps -w "$work/dist" "$sdist"
wheel="$(ls "$work"/dist/logbessel-*.whl)"
echo "sdist: $(basename "$sdist"), wheel: $(basename "$wheel")"

python -m pip install -q "$wheel" pytest hypothesis
# Run from outside the source tree so that the installed wheel is imported.
cd "$work"
LOGBESSEL_WHEEL="$wheel" LOGBESSEL_SDIST="$sdist" \
  python -m pytest -q -p no:cacheprovider "$OLDPWD/tests/test_packaging.py"
python -c "import logbessel; print('cmake dir:', logbessel.get_cmake_dir())"
