import pytest


@pytest.fixture
def trade(world):
    from tianmu.commerce.tests.factories import build_trade

    return build_trade(world)
