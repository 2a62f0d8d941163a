import pytest


@pytest.fixture(autouse=True)
def _expert_process_on(expert_process):
    """Every test of the expert's process runs with its step guards on."""
