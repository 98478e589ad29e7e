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

from hypothesis import HealthCheck, settings

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
