"""Statistical secrecy of the coordination view: small counts, totals, rates."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.actions.domain.coordination import (
    MASKED,
    NO_RATE,
    SECONDARY,
    Key,
    Rate,
    Sum,
    hidden_figures,
    shown_count,
    shown_rate,
)


def _column(parts: list[int], total_key: Key = ("total",)) -> tuple[dict[Key, int], Sum]:
    counts: dict[Key, int] = {(f"part{i}",): n for i, n in enumerate(parts)}
    counts[total_key] = sum(parts)
    return counts, Sum(total_key, tuple((f"part{i}",) for i in range(len(parts))))


def test_counts_from_one_to_four_read_moins_de_5_and_zero_and_five_are_shown() -> None:
    counts: dict[Key, int] = {("a",): 0, ("b",): 1, ("c",): 4, ("d",): 5}
    hidden = hidden_figures(counts, [])
    assert [shown_count(k, counts, hidden) for k in counts] == ["0", MASKED, MASKED, "5"]


def test_a_total_with_a_single_masked_part_is_masked_so_it_cannot_be_subtracted() -> None:
    counts, column = _column([3, 10, 12])
    hidden = hidden_figures(counts, [column])
    assert hidden == {("part0",): MASKED, ("total",): SECONDARY}
    assert shown_count(("total",), counts, hidden) == "masqué"  # 25: not "moins de 5"


def test_a_total_with_two_masked_parts_stays_shown() -> None:
    counts, column = _column([3, 2, 12])
    hidden = hidden_figures(counts, [column])
    assert ("total",) not in hidden
    assert shown_count(("total",), counts, hidden) == "17"


def test_a_total_with_no_masked_part_and_zeros_stays_shown() -> None:
    counts, column = _column([0, 0, 7])
    assert hidden_figures(counts, [column]) == {}


def test_a_total_shared_by_two_breakdowns_cannot_be_rebuilt_from_the_other_one() -> None:
    # The grand total of the actions by kind and by provider is one figure: masked because of
    # the kinds, it must not be shown beside the providers either, nor be their visible sum
    # (20 - 18 would give the 2 back): a provider is masked too.
    counts: dict[Key, int] = {("kind", "a"): 2, ("kind", "b"): 18, ("total",): 20}
    counts |= {("provider", "x"): 10, ("provider", "y"): 10}
    sums = [
        Sum(("total",), (("kind", "a"), ("kind", "b"))),
        Sum(("total",), (("provider", "x"), ("provider", "y"))),
    ]
    hidden = hidden_figures(counts, sums)
    assert hidden[("kind", "a")] == MASKED and hidden[("total",)] == SECONDARY
    assert sum(k in hidden for k in (("provider", "x"), ("provider", "y"))) == 1
    assert ("kind", "b") not in hidden


def test_masking_a_total_that_is_itself_a_part_masks_the_next_total_up() -> None:
    # reasons -> "pas pertinent" of each side -> "pas pertinent" of both sides.
    counts: dict[Key, int] = {("r1", "s"): 1, ("r2", "s"): 9, ("pp", "s"): 10}
    counts |= {("r1", "d"): 6, ("r2", "d"): 6, ("pp", "d"): 12}
    counts |= {("r1", "t"): 7, ("r2", "t"): 15, ("pp", "t"): 22}
    sums = [
        Sum(("pp", "s"), (("r1", "s"), ("r2", "s"))),
        Sum(("pp", "d"), (("r1", "d"), ("r2", "d"))),
        Sum(("pp", "t"), (("pp", "s"), ("pp", "d"))),
        Sum(("r1", "t"), (("r1", "s"), ("r1", "d"))),
        Sum(("r2", "t"), (("r2", "s"), ("r2", "d"))),
    ]
    hidden = hidden_figures(counts, sums)
    # Every sum now has none or at least two masked figures: nothing can be subtracted back.
    for s in sums:
        assert sum(k in hidden for k in (s.total, *s.parts)) != 1, s
    assert hidden[("r1", "s")] == MASKED
    assert {("pp", "s"), ("r1", "t"), ("pp", "t")} <= hidden.keys()


def test_an_equality_between_two_tables_masks_the_twin_of_a_masked_figure() -> None:
    counts: dict[Key, int] = {("places",): 30, ("inscriptions",): 30, ("k1",): 2, ("k2",): 28}
    sums = [
        Sum(("places",), (("k1",), ("k2",))),
        Sum(("inscriptions",), (("places",),)),
        Sum(("places",), (("inscriptions",),)),
    ]
    hidden = hidden_figures(counts, sums)
    assert hidden[("places",)] == SECONDARY and hidden[("inscriptions",)] == SECONDARY


def test_a_lone_masked_total_of_overlapping_groups_hides_its_smallest_shown_part() -> None:
    # Overlapping groups (publics): a total of 4 whose only non-zero part is 7 cannot happen in
    # a true sum, but the rule still leaves no lone masked figure.
    counts: dict[Key, int] = {("total",): 4, ("p1",): 7, ("p2",): 9, ("p3",): 0}
    hidden = hidden_figures(counts, [Sum(("total",), (("p1",), ("p2",), ("p3",)))])
    assert hidden == {("total",): MASKED, ("p1",): SECONDARY}


def test_a_rate_is_shown_in_whole_percent_rounded_half_up() -> None:
    counts: dict[Key, int] = {("n",): 5, ("d",): 8, ("m",): 7, ("e",): 9}
    assert shown_rate(Rate(("n",), ("d",)), counts, {}) == "63 %"  # 62.5
    assert shown_rate(Rate(("m",), ("e",)), counts, {}) == "78 %"


def test_a_rate_on_a_numerator_or_denominator_under_5_is_not_shown() -> None:
    counts: dict[Key, int] = {("four",): 4, ("zero",): 0, ("five",): 5, ("twenty",): 20}
    assert shown_rate(Rate(("four",), ("twenty",)), counts, {}) == NO_RATE
    assert shown_rate(Rate(("zero",), ("twenty",)), counts, {}) == NO_RATE
    assert shown_rate(Rate(("five",), ("five",)), counts, {}) == "100 %"  # the control


def test_a_rate_on_a_masked_total_is_not_shown_since_it_would_give_the_total_back() -> None:
    counts, column = _column([3, 10, 12])
    counts[("taken",)] = 20
    hidden = hidden_figures(counts, [column])
    assert shown_rate(Rate(("taken",), ("total",)), counts, hidden) == NO_RATE
    assert shown_rate(Rate(("taken",), ("part2",)), counts, hidden) != NO_RATE


@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=30), min_size=2, max_size=5),
        min_size=2,
        max_size=6,
    ).filter(lambda grid: len({len(r) for r in grid}) == 1)
)
def test_in_any_table_with_margins_no_sum_is_left_with_a_single_masked_figure(
    grid: list[list[int]],
) -> None:
    counts: dict[Key, int] = {}
    sums: list[Sum] = []
    width = len(grid[0])
    for i, row in enumerate(grid):
        counts |= {(str(i), str(j)): n for j, n in enumerate(row)}
        counts[(str(i), "total")] = sum(row)
        sums.append(Sum((str(i), "total"), tuple((str(i), str(j)) for j in range(width))))
    for j in [*map(str, range(width)), "total"]:
        counts[("total", j)] = sum(counts[(str(i), j)] for i in range(len(grid)))
        sums.append(Sum(("total", j), tuple((str(i), j) for i in range(len(grid)))))
    hidden = hidden_figures(counts, sums)
    for s in sums:
        assert sum(k in hidden for k in (s.total, *s.parts)) != 1
    for key, n in counts.items():
        assert (hidden.get(key) == MASKED) == (0 < n < 5)
        assert hidden.get(key) != SECONDARY or n >= 5
