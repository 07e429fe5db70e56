"""The pure rules: majorities, quorum, the poll's transition table, the invitation period (property tests)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kitu.governance import rules
from kitu.governance.rules import Majority, PollStatus, Tally

votes = st.integers(min_value=0, max_value=500)


@settings(max_examples=150)
@given(votes, votes, votes)
def test_simple_majority_is_more_yes_than_no(yes: int, no: int, abstain: int) -> None:
    assert rules.adopted(Majority.SIMPLE, Tally(yes, no, abstain)) == (yes > no)


@settings(max_examples=150)
@given(votes, votes, votes)
def test_three_quarters_of_votes_cast(yes: int, no: int, abstain: int) -> None:
    expected = yes > 0 and Fraction(yes, yes + no) >= Fraction(3, 4)
    assert rules.adopted(Majority.THREE_QUARTERS, Tally(yes, no, abstain)) == expected


@settings(max_examples=100)
@given(votes, votes, votes)
def test_abstentions_never_change_the_result(yes: int, no: int, abstain: int) -> None:
    for rule in Majority:
        assert rules.adopted(rule, Tally(yes, no, abstain)) == rules.adopted(rule, Tally(yes, no, 0))


@settings(max_examples=100)
@given(votes, votes)
def test_three_quarters_is_stricter_than_simple(yes: int, no: int) -> None:
    if rules.adopted(Majority.THREE_QUARTERS, Tally(yes, no)):
        assert rules.adopted(Majority.SIMPLE, Tally(yes, no))


@pytest.mark.parametrize(
    ("yes", "no", "rule", "expected"),
    [
        (3, 1, Majority.THREE_QUARTERS, True),  # exactly three quarters
        (74, 26, Majority.THREE_QUARTERS, False),
        (75, 25, Majority.THREE_QUARTERS, True),
        (5, 5, Majority.SIMPLE, False),  # a tie fails
        (0, 0, Majority.SIMPLE, False),  # nobody voted yes
        (0, 0, Majority.THREE_QUARTERS, False),
    ],
)
def test_majority_edges(yes: int, no: int, rule: Majority, expected: bool) -> None:
    assert rules.adopted(rule, Tally(yes, no, 7)) is expected


@settings(max_examples=150)
@given(st.integers(0, 1000), st.integers(0, 1000), st.integers(0, 100))
def test_quorum_is_the_share_present(present: int, total: int, percent: int) -> None:
    present = min(present, total)
    met = rules.quorum_met(present, total, percent)
    if percent == 0:
        assert met
    elif total == 0:
        assert not met
    else:
        assert met == (Fraction(present, total) >= Fraction(percent, 100))


def test_quorum_edges() -> None:
    assert rules.quorum_met(10, 100, 10)
    assert not rules.quorum_met(9, 100, 10)
    assert rules.quorum_met(1, 3, 33) and not rules.quorum_met(1, 3, 34)


def test_the_transition_table_is_a_line() -> None:
    order = [PollStatus.DRAFT, PollStatus.OPEN, PollStatus.CLOSED, PollStatus.COUNTED]
    for a in order:
        for b in order:
            assert rules.may_transition(a, b) == (order.index(b) == order.index(a) + 1)


def test_invitation_period() -> None:
    assert rules.invitation_in_time(14, 14)
    assert not rules.invitation_in_time(13, 14)
