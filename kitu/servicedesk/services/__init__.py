"""Every write of the service desk (docs/servicedesk.md)."""

from .clock import recompute_all, refresh
from .comments import comment_add, time_record
from .mailin import mail_in
from .tickets import TRANSITIONS, ticket_assign, ticket_create, ticket_merge, ticket_rate, transition

__all__ = [
    "TRANSITIONS",
    "comment_add",
    "mail_in",
    "recompute_all",
    "refresh",
    "ticket_assign",
    "ticket_create",
    "ticket_merge",
    "ticket_rate",
    "time_record",
    "transition",
]
