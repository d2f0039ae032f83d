from __future__ import annotations

import pytest

from enforcement.workflow import Calendar, Rules

from .support import Flow


@pytest.fixture
def rules() -> Rules:
    return Rules.default()


@pytest.fixture
def cal() -> Calendar:
    return Calendar()


@pytest.fixture
def flow():
    return Flow
