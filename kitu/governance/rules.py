"""The rules of the general assembly as pure functions (no Django): majorities, quorum, transitions of a poll.

GenG: one member one vote (§ 43 (3)); statute changes need three quarters of the votes cast (§ 16 (2)); a
simple majority otherwise. Votes cast are yes and no: abstentions are not cast votes (they count neither way).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Majority(StrEnum):
    SIMPLE = "simple"
    THREE_QUARTERS = "three_quarters"


class PollStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    COUNTED = "counted"


# The one transition table of a poll: from → the states it may go to.
TRANSITIONS: dict[PollStatus, frozenset[PollStatus]] = {
    PollStatus.DRAFT: frozenset({PollStatus.OPEN}),
    PollStatus.OPEN: frozenset({PollStatus.CLOSED}),
    PollStatus.CLOSED: frozenset({PollStatus.COUNTED}),
    PollStatus.COUNTED: frozenset(),
}


def may_transition(current: str, target: str) -> bool:
    return PollStatus(target) in TRANSITIONS[PollStatus(current)]


@dataclass(frozen=True)
class Tally:
    yes: int = 0
    no: int = 0
    abstain: int = 0

    @property
    def cast(self) -> int:
        """The votes cast: yes and no (abstentions are not cast votes)."""
        return self.yes + self.no


def adopted(rule: str, tally: Tally) -> bool:
    """Whether a motion passes: simple majority — more yes than no; three quarters — at least three quarters
    of the votes cast are yes. Nobody voting yes never passes a motion."""
    if tally.yes <= 0:
        return False
    if Majority(rule) == Majority.THREE_QUARTERS:
        return 4 * tally.yes >= 3 * tally.cast
    return tally.yes > tally.no


def quorum_met(present: int, total: int, percent: int) -> bool:
    """Whether ``present`` of ``total`` votes reach the quorum of ``percent`` % the statutes require
    (0: no quorum, the assembly can always decide — the GenG sets none). Integer arithmetic, no rounding."""
    if percent <= 0:
        return True
    if total <= 0:
        return False
    return 100 * present >= percent * total


def invitation_in_time(days_before: int, required_days: int) -> bool:
    """Whether an invitation sent ``days_before`` the assembly keeps the statutory period."""
    return days_before >= required_days
