"""One person's requests one after another, in the order they came; others' alongside."""

from __future__ import annotations

import asyncio

from bots.turns import PersonTurns


async def test_a_persons_requests_keep_their_order_and_never_overlap() -> None:
    turns = PersonTurns()
    log: list[str] = []

    async def request(person: int, name: str, pause: float) -> None:
        async with turns.of(person):
            log.append(f"start {name}")
            await asyncio.sleep(pause)
            log.append(f"end {name}")

    ann = [asyncio.create_task(request(1, f"ann{n}", 0.01)) for n in range(5)]
    await asyncio.sleep(0)
    ben = asyncio.create_task(request(2, "ben", 0.0))
    await asyncio.gather(*ann, ben)

    anns = [entry for entry in log if "ann" in entry]
    assert anns == [f"{edge} ann{n}" for n in range(5) for edge in ("start", "end")]
    assert log.index("end ben") < log.index("end ann0")  # not queued behind Ann
    assert not turns.busy(1) and not turns.busy(2)  # nothing kept once they are done
