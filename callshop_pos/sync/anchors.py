"""The till's journal against the heads central holds (``callshop-pos verify``).

Every closed shift and correction carried the till's journal head to central, which
keeps them all. If the till's entry at each of those sequence numbers still has the
hash central holds, the history central witnessed is intact here; if not, the till's
history was rewritten (even consistently, which the local check cannot see), or the
database was restored from an older copy, or central heard from another till
pretending to be this shop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.services.context import Shop

__all__ = ["AnchorCheck", "HeldHead", "check_heads"]


@dataclass(frozen=True, slots=True)
class HeldHead:
    seq: int
    hash: str
    uuid: str  # the shift or correction that carried it


@dataclass(frozen=True, slots=True)
class AnchorCheck:
    checked: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        if self.ok:
            return (
                f"central: the {self.checked} journal head(s) central holds match this "
                "till's journal"
            )
        lines = [
            f"central: {len(self.problems)} of {self.checked} head(s) central holds "
            "do not match this till's journal:"
        ]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


def check_heads(shop: Shop, heads: Sequence[HeldHead]) -> AnchorCheck:
    """Compare every head central holds with this till's journal entry of that number."""
    problems: list[str] = []
    with shop.db.read() as s:
        wanted = sorted({h.seq for h in heads})
        local: dict[int, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = s.execute(
                select(JournalEntry.seq, JournalEntry.hash).where(JournalEntry.seq.in_(chunk))
            )
            local.update((seq, digest) for seq, digest in rows)
    for held in heads:
        mine = local.get(held.seq)
        if mine is None:
            problems.append(
                f"entry #{held.seq} (sent with {held.uuid}) is missing here: the database "
                "is older than what central holds (restored from a backup?) or was cut"
            )
        elif mine != held.hash:
            problems.append(
                f"entry #{held.seq} (sent with {held.uuid}) has another hash here "
                f"({mine[:12]}… instead of {held.hash[:12]}…): the history was rewritten, "
                "or another till sends as this shop"
            )
    return AnchorCheck(checked=len(heads), problems=tuple(problems))
