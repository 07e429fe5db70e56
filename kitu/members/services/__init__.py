"""Every write to the member register. Each function is atomic, locks the member it changes and
writes an audit row per change."""

from ._common import MEMBER_COOP_FIELDS, MEMBER_SELF_SERVICE_FIELDS, paid_in_on, shares_on
from .lifecycle import (
    event_record,
    exclusion_record,
    exit_record,
    member_admit,
    member_reject,
    merger_record,
    next_member_number,
    notice_record,
    settlement_record,
    share_payment_record,
    shares_change,
    supervisory_approval_record,
)
from .master_data import (
    leitweg_id_set_default,
    leitweg_ids_replace,
    member_apply,
    member_update,
    order_settings_save,
    subrecord_delete,
    subrecord_save,
)

__all__ = [
    "MEMBER_COOP_FIELDS",
    "MEMBER_SELF_SERVICE_FIELDS",
    "event_record",
    "exclusion_record",
    "exit_record",
    "leitweg_id_set_default",
    "leitweg_ids_replace",
    "member_admit",
    "member_apply",
    "member_reject",
    "member_update",
    "merger_record",
    "next_member_number",
    "notice_record",
    "order_settings_save",
    "paid_in_on",
    "settlement_record",
    "share_payment_record",
    "shares_change",
    "shares_on",
    "subrecord_delete",
    "subrecord_save",
    "supervisory_approval_record",
]
