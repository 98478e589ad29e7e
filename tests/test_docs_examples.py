"""The code in the documentation runs against the real API.

Every ``.. code-block:: python`` of docs/vmf_tutorial.rst is executed, in order, in one
namespace (as a reader would paste them), and a few facts the page states are checked on the
result. The README's ``>>>`` examples are run as doctests.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _python_blocks(rst: str) -> list[str]:
    """The bodies of the ``.. code-block:: python`` directives of an reST text, dedented."""
    blocks = []
    lines = rst.splitlines()
    i = 0
    while i < len(lines):
        if re.match(r"\s*\.\. code-block:: python\s*$", lines[i]):
            i += 1
            body = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith("   ")):
                body.append(lines[i][3:])
                i += 1
            blocks.append("\n".join(body).strip("\n") + "\n")
        else:
            i += 1
    return blocks


def test_vmf_tutorial_code_blocks_run(capsys):
    pytest.importorskip("scipy")
    path = ROOT / "docs" / "vmf_tutorial.rst"
    if not path.exists():
        pytest.skip("docs/ not present (installed package without the source tree)")
    blocks = _python_blocks(path.read_text(encoding="utf-8"))
    assert len(blocks) >= 4, "the tutorial lost its code blocks"
    ns: dict = {}
    for k, code in enumerate(blocks):
        exec(compile(code, f"vmf_tutorial.rst[block {k}]", "exec"), ns)  # noqa: S102

    # Facts the page states about what the blocks compute.
    import logbessel
    from logbessel.vmf import VonMisesFisher

    d = 1000
    assert ns["dist"].log_normalizer == logbessel.vmf_log_norm(d, 500.0)
    assert ns["X"].shape == (900, 50)
    labels = ns["labels"]
    # three well-separated clusters: each true cluster maps to one label
    for c in range(3):
        assert len(np.unique(labels[300 * c: 300 * (c + 1)])) == 1
    assert len(np.unique(labels)) == 3
    assert ns["resp"].shape == (900, 3)
    assert np.allclose(ns["resp"].sum(axis=1), 1.0)
    assert isinstance(ns["model"].kappas_, np.ndarray)
    assert isinstance(ns["est"], VonMisesFisher)
    # the callback printed one line per EM iteration
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == ns["model"].n_iter_


def test_readme_examples():
    path = ROOT / "README.md"
    if not path.exists():
        pytest.skip("README.md not present")
    text = path.read_text(encoding="utf-8")
    # the ``>>>`` examples inside ```python fences; the GPU ones need CuPy and a device and are
    # run by tests/test_gpu.py's equivalents instead
    examples = "\n".join(
        m.group(1)
        for m in re.finditer(r"```python\n(.*?)```", text, re.S)
        if ">>>" in m.group(1) and "cupy" not in m.group(1)
    )
    parser = doctest.DocTestParser()
    test = parser.get_doctest(examples, {"np": np}, "README.md", str(path), 0)
    assert test.examples, "the README has no >>> examples"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    res = runner.summarize(verbose=False)
    assert res.failed == 0
