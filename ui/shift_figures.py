"""Keeping the shift bar's figures current from change values, not by re-reading.

Reading a shift's summary walks all its calls; with thousands of calls that is too
slow to do after every call. The figures move by exactly what each change says, so
the window updates its copy of the summary from the change value itself: a new call,
the calls whose status changed (old → new), the payment and the refunds. A full
read happens only when a shift opens or closes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from callshop_pos.services.reports.summary import ShiftSummary
from callshop_pos.services.till.call_status import StatusChange
from callshop_pos.services.till.calls import CallView
from callshop_pos.services.till.payments import PaymentResult

__all__ = ["after_call_finished", "after_status_change"]

_COUNTERS = {"paid": "paid", "unserved": "unserved", "unpaid": "unpaid"}


def after_call_finished(summary: ShiftSummary, call: CallView) -> ShiftSummary:
    """The summary once ``call`` (answered, just finished) has joined the shift."""
    if not call.answered or call.shift_id != summary.id:
        return summary
    changes: dict[str, int] = {
        "call_count": summary.call_count + 1,
        "talk_seconds": summary.talk_seconds + call.duration_s,
        "billable_seconds": summary.billable_seconds + call.billable_s,
    }
    counter = _COUNTERS.get(call.status)
    if counter is not None:
        changes[counter] = getattr(summary, counter) + 1
    if call.price_minor is None:
        changes["unrated"] = summary.unrated + 1
    return replace(summary, **changes)


def after_status_change(
    summary: ShiftSummary,
    before: Iterable[CallView],
    change: PaymentResult | StatusChange,
) -> ShiftSummary:
    """The summary after a payment or status change, given the calls as they were."""
    counts = {name: getattr(summary, name) for name in _COUNTERS.values()}
    old = {c.id: c.status for c in before}
    for call in change.calls:
        previous = old.get(call.id)
        if previous in counts:
            counts[previous] -= 1
        if call.status in counts:
            counts[call.status] += 1
    payments = summary.payments_minor
    refunds = summary.refunds_minor
    if isinstance(change, PaymentResult):
        payments += change.total_minor
    else:
        if change.payment is not None:
            payments += change.payment.total_minor
        refunds += sum(r.total_minor for r in change.refunds)
    takings = payments - refunds
    return replace(
        summary,
        payments_minor=payments,
        refunds_minor=refunds,
        cash_minor=takings,
        expected_minor=summary.opening_float_minor + takings,
        **counts,
    )
