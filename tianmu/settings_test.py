"""Settings for the test suite: production settings with fixed, public keys.

Production (DEBUG=0) refuses to start without its secrets (tianmu/settings.py); the tests run
with DEBUG=0 too, so they get keys that exist only for tests. Never deploy with this module.
"""

import os

_TEST_ENV = {
    "SECRET_KEY": "tianmu-tests-only-secret-key-not-for-any-deployment",
    # Fernet keys made for the tests; the suite rotates to others of its own.
    "TIANMU_ENCRYPTION_KEYS": "lhjmrVVlMEvd9krAOgqPsuQCLB3QWbN_N_X2tEWcXbQ=",
    "TIANMU_LOOKUP_KEY": "tianmu-tests-only-lookup-key-for-keyed-hashes",
    # Production refuses to start without a broker; the suite runs background jobs in-process.
    "TIANMU_JOBS_IN_PROCESS": "1",
    # No access line per request: a failing test's captured log stays readable (the logging
    # tests turn it on for themselves).
    "TIANMU_ACCESS_LOG": "0",
}
for _name, _value in _TEST_ENV.items():
    os.environ.setdefault(_name, _value)

from tianmu.settings import *  # noqa: E402, F403
