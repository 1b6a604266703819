"""Settings for bench/api.py's server: the product's settings, with the bench-only URLs.

Importable as `api_settings` with bench/ on the Python path (bench/api.py starts gunicorn
with `--pythonpath bench`); the product never loads it.
"""

from tianmu.settings import *  # noqa: F403

ROOT_URLCONF = "api_bare"
