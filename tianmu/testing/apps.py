from django.apps import AppConfig


class TestingConfig(AppConfig):
    """Test and benchmark support. Installed only so that `tianmu gendata` is a command; it
    has no models, and nothing below it imports it (pyproject's import-linter layers)."""

    name = "tianmu.testing"
    label = "testing"
    verbose_name = "Tianmu test and benchmark support"
