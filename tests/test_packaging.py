"""Packaging: the C++ library others build on, and the contents of the wheel and the sdist.

* ``test_cpp_example_*``: configure, build and run ``examples/cpp`` (a C++ program that finds
  logbessel with ``find_package(logbessel CONFIG)`` and checks log_iv / log_kv against Arb values)
  against the CMake config package of the installed logbessel (``logbessel.get_cmake_dir()``) and
  against a plain ``cmake --install`` of the source tree. Skipped when cmake or a C++ compiler is
  missing. About 5-15 s.
* ``test_wheel_contents`` / ``test_sdist_contents``: check a built wheel / sdist. Building them
  takes minutes (the extension is compiled twice), so the test suite does not build them:
  ``tools/check_dist.sh`` builds the sdist, then the wheel *from the sdist*, and runs these tests
  with ``LOGBESSEL_WHEEL`` / ``LOGBESSEL_SDIST`` pointing at the results. Skipped otherwise.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

import logbessel

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "cpp"
HEADERS = sorted(p.name for p in (ROOT / "src" / "cpp" / "include" / "logbessel").iterdir())


def _have_cxx() -> bool:
    return any(shutil.which(c) for c in (os.environ.get("CXX", ""), "c++", "g++", "clang++") if c)


needs_cmake = pytest.mark.skipif(shutil.which("cmake") is None or not _have_cxx(),
                                 reason="needs cmake and a C++ compiler")


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)
    assert res.returncode == 0, f"{' '.join(cmd)} failed:\n{res.stdout}\n{res.stderr}"
    return res


def _generator() -> list[str]:
    return ["-G", "Ninja"] if shutil.which("ninja") else []


def _build_and_run_example(build: Path, cmake_args: list[str]) -> str:
    _run(["cmake", "-S", str(EXAMPLE), "-B", str(build), *_generator(), "-DCMAKE_BUILD_TYPE=Release", *cmake_args])
    _run(["cmake", "--build", str(build)])
    exe = build / "logbessel_example"
    res = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, f"example failed:\n{res.stdout}\n{res.stderr}"
    # every check line says ok, and there are as many as the example defines (11)
    checks = [ln for ln in res.stdout.splitlines() if ln.startswith(("log_iv", "log_kv"))]
    assert len(checks) == 11 and all(ln.endswith(" ok") for ln in checks), res.stdout
    return res.stdout


@needs_cmake
def test_cpp_example_with_installed_package(tmp_path):
    """find_package(logbessel) through logbessel.get_cmake_dir() of the package under test."""
    try:
        cmake_dir = logbessel.get_cmake_dir()
    except FileNotFoundError:
        pytest.skip("this logbessel has no CMake config package (not installed with pip)")
    assert Path(cmake_dir, "logbesselConfigVersion.cmake").is_file()
    _build_and_run_example(tmp_path / "build", [f"-Dlogbessel_DIR={cmake_dir}"])


@needs_cmake
def test_cpp_example_with_cmake_install(tmp_path):
    """A plain CMake install of the source tree (no Python): <prefix>/include + share/cmake."""
    prefix = tmp_path / "prefix"
    _run(["cmake", "-S", str(ROOT), "-B", str(tmp_path / "lib"), *_generator(), "-DLOGBESSEL_PYTHON=OFF",
          "-DLOGBESSEL_CUDA=OFF", f"-DCMAKE_INSTALL_PREFIX={prefix}"])
    _run(["cmake", "--install", str(tmp_path / "lib")])
    assert sorted(p.name for p in (prefix / "include" / "logbessel").iterdir()) == HEADERS
    out = _build_and_run_example(tmp_path / "build", [f"-DCMAKE_PREFIX_PATH={prefix}"])
    assert "all checks passed" in out


def test_cmake_config_template_names_the_target():
    text = (ROOT / "cmake" / "logbesselConfig.cmake.in").read_text(encoding="utf-8")
    assert "add_library(logbessel::headers INTERFACE IMPORTED)" in text
    assert "cxx_std_17" in text


# ---------------------------------------------------------------------------------------------
# Wheel and sdist (built by tools/check_dist.sh)
# ---------------------------------------------------------------------------------------------
_JUNK = re.compile(r"(^|/)(CMakeFiles|CMakeCache\.txt|cmake_install\.cmake|build\.ninja|\.ninja_\w+|"
                   r"__pycache__|\.pytest_cache|\.hypothesis|_build)(/|$)|\.(o|obj|a|pyc)$")


def _env_path(var: str) -> Path:
    p = os.environ.get(var)
    if not p:
        pytest.skip(f"{var} not set (tools/check_dist.sh builds the distribution and sets it)")
    path = Path(p)
    assert path.is_file(), path
    return path


def test_wheel_contents():
    names = zipfile.ZipFile(_env_path("LOGBESSEL_WHEEL")).namelist()
    files = set(names)
    # the extension, the typing information, the headers and the CMake config package
    assert any(re.fullmatch(r"logbessel/_core\..*(\.so|\.pyd)", n) for n in names), names
    for stub in ("logbessel/py.typed", "logbessel/__init__.pyi", "logbessel/_core.pyi"):
        assert stub in files, stub
    shipped = sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("logbessel/include/logbessel/"))
    assert shipped == HEADERS
    for f in ("logbesselConfig.cmake", "logbesselConfigVersion.cmake"):
        assert f"logbessel/share/cmake/logbessel/{f}" in files
    assert "logbessel/data/reference_float64.npz" in files
    junk = [n for n in names if _JUNK.search(n)]
    assert not junk, junk
    # nothing outside the package and its metadata
    assert all(n.startswith(("logbessel/", "logbessel-")) for n in names), names


def test_sdist_contents():
    with tarfile.open(_env_path("LOGBESSEL_SDIST")) as tf:
        names = [n.split("/", 1)[1] for n in tf.getnames() if "/" in n]
    files = set(names)
    for need in ("pyproject.toml", "CMakeLists.txt", "cmake/logbesselConfig.cmake.in", "README.md",
                 "src/cpp/_core.cpp", "src/cpp/include/logbessel/logbessel.hpp", "python/logbessel/__init__.py",
                 "examples/cpp/CMakeLists.txt", "PKG-INFO"):
        assert need in files, need
    junk = [n for n in names if _JUNK.search(n) or n.startswith(("build/", "dist/"))]
    assert not junk, junk
