"""Shared pytest / Hypothesis configuration for the logbessel test suite.

Hypothesis runs derandomized (the examples are a deterministic function of each test), with no
deadline (the first call of a test may import mpmath / python-flint, and timing on a shared
2-core CI machine is noisy) and a moderate number of examples so that the whole suite stays
fast.  Select another profile with ``HYPOTHESIS_PROFILE=<name>``:

* ``default`` - what CI runs (deterministic, 100 examples per test);
* ``quick``   - 20 examples per test, for a fast local edit/test loop;
* ``thorough`` - 2000 random (not derandomized) examples per test, for an occasional soak run.
"""

from __future__ import annotations

import os
import warnings

from hypothesis import HealthCheck, settings

# When a Hypothesis test fails, its pytest plugin imports hypothesis.extra._patching (to print
# an @example patch), which imports libcst, which with some versions of its dependencies emits
# a DeprecationWarning (mypy_extensions.TypedDict) at import time. Under the project's
# `filterwarnings = error` that warning, raised inside a reporting hook, turns every genuine
# test failure into a pytest INTERNALERROR. Import it once here, quietly, so the failure is
# reported normally.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    try:
        import hypothesis.extra._patching  # noqa: F401
    except ImportError:  # libcst not installed: the plugin then skips the patch silently
        pass

_COMMON = dict(
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)

settings.register_profile("default", derandomize=True, max_examples=100, **_COMMON)
settings.register_profile("quick", derandomize=True, max_examples=20, **_COMMON)
settings.register_profile("thorough", derandomize=False, max_examples=2000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
