"""The payload schema shared by the till and the central service.

Plain pydantic models and JSON helpers only: importing this package pulls in neither
SQLAlchemy nor Qt nor either side's code, so both the till (``callshop_pos``) and
central (``central``) depend on it and on nothing of each other.
"""

from callshop_wire.codec import WireError, content_sha256, decode, encode, to_json_dict
from callshop_wire.payloads import (
    SCHEMA_VERSION,
    Anchor,
    BoothLive,
    BoothTotals,
    CallRecord,
    CarrierBalance,
    CarrierEntry,
    CarrierLedger,
    ClosedShift,
    CorrectionPayload,
    CorrectionRecord,
    DepositRecord,
    Heartbeat,
    HeldHead,
    JournalHead,
    JournalHeads,
    OpenShiftLive,
    PaymentLine,
    PaymentRecord,
    RefundRecord,
    ShiftAccepted,
    ShopId,
    StatusTotals,
    WholesaleEntry,
    WholesalePriceList,
    ZFigures,
)
from callshop_wire.types import format_utc, parse_utc

__all__ = [
    "SCHEMA_VERSION",
    "Anchor",
    "BoothLive",
    "BoothTotals",
    "CallRecord",
    "CarrierBalance",
    "CarrierEntry",
    "CarrierLedger",
    "ClosedShift",
    "CorrectionPayload",
    "CorrectionRecord",
    "DepositRecord",
    "Heartbeat",
    "HeldHead",
    "JournalHead",
    "JournalHeads",
    "OpenShiftLive",
    "PaymentLine",
    "PaymentRecord",
    "RefundRecord",
    "ShiftAccepted",
    "ShopId",
    "StatusTotals",
    "WholesaleEntry",
    "WholesalePriceList",
    "WireError",
    "ZFigures",
    "content_sha256",
    "decode",
    "encode",
    "format_utc",
    "parse_utc",
    "to_json_dict",
]
