"""Sphinx directive ``.. ufunc:: logbessel.NAME`` for NumPy ufunc objects.

autodoc has no documenter for ufuncs (they are neither functions nor classes), so this directive
renders one as a ``py:function`` entry: the signature from the ufunc's ``nin`` and the parameter
names of its numpydoc "Parameters" section, the docstring body (numpydoc sections) after
NumPy's generated signature line, and the list of loops (``ufunc.types``).
"""

from __future__ import annotations

import importlib
import re

import numpy as np
from docutils import nodes
from docutils.statemachine import StringList
from numpydoc.docscrape import NumpyDocString
from numpydoc.docscrape_sphinx import SphinxDocString
from sphinx.util.docutils import SphinxDirective


def _resolve(path: str):
    mod, _, name = path.rpartition(".")
    return getattr(importlib.import_module(mod), name)


def _body(doc: str) -> str:
    """Docstring without NumPy's first line ``name(x1, x2, /, out=None, ...)``, with the plain-text
    absolute values ``|v|`` of the prose escaped (reST would read them as substitutions), and
    ``I_`` before them (a reST reference otherwise); the
    Examples section (doctest blocks, shown literally) is left as it is."""
    lines = doc.splitlines()
    if lines and "(" in lines[0] and "out=None" in lines[0]:
        lines = lines[1:]
    text = "\n".join(lines).strip("\n")
    head, sep, examples = text.partition("\nExamples\n--------")
    head = re.sub(r"(?<!\\)\|", r"\\|", head)
    head = re.sub(r"(?<=\w)_(?=[^\w{])", r"\\_", head)  # I_|v| is not a reST reference "I_"
    return head + sep + examples


class UfuncDirective(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        path = self.arguments[0]
        obj = _resolve(path)
        if not isinstance(obj, np.ufunc):
            raise self.error(f"{path} is not a numpy.ufunc")
        body = _body(obj.__doc__ or "")
        params = [p.name for p in NumpyDocString(body)["Parameters"]][: obj.nin]
        if len(params) < obj.nin:
            params += [f"x{i + 1}" for i in range(len(params), obj.nin)]
        module, _, name = path.rpartition(".")
        sig = f"{name}({', '.join(params)}, /, out=None, *, where=True, casting='same_kind', dtype=None)"
        loops = ", ".join(f"``{t}``" for t in obj.types)
        # numpydoc's own renderer turns the sections into reST (as for autodoc'd functions)
        rendered = str(SphinxDocString(body))
        text = [f".. py:function:: {sig}", f"   :module: {module}", ""]
        text += ["   " + line if line else "" for line in rendered.splitlines()]
        text += ["", f"   NumPy ufunc (``nin={obj.nin}``, ``nout={obj.nout}``); loops: {loops}.", ""]
        container = nodes.section()
        container.document = self.state.document
        self.state.nested_parse(StringList(text, source=path), self.content_offset, container)
        return container.children


def setup(app):
    app.add_directive("ufunc", UfuncDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
