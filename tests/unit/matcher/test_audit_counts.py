"""What a federation reads of its need: counts, with those that could point at a person hidden."""

from __future__ import annotations

import pytest

from services.matcher.entrypoints.http import shown


@pytest.mark.parametrize(("count", "reads"), [(1, "moins de 5"), (4, "moins de 5")])
def test_a_count_of_one_to_four_reads_less_than_five(count: int, reads: str) -> None:
    assert shown(count) == reads


@pytest.mark.parametrize("count", [0, 5, 12])
def test_none_and_five_or_more_are_shown_as_they_are(count: int) -> None:
    assert shown(count) == count
