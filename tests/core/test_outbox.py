"""The outbox's lanes: order per recipient, one sender per notice whatever the number of
dispatchers, nothing lost when a sender dies, no chat's backlog in another chat's way, sent
the moment it is committed, and a clean stop."""

from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy import func, select

from bots.app import ParentBrain
from core.db import listen, make_engine, make_sessionmaker
from core.doorbell import NOTIFY_CHANNEL, Doorbell
from core.models import OutboxLane, OutboxNotice
from core.notices import Notice
from core.outbox import LANE_LEASE, OutboxDispatcher
from core.uow import uow_factory
from tests.conftest import POSTGRES_URL
from tests.world import World


class RecordingMessenger:
    """Delivers after a short, random pause; remembers every delivery in the order made."""

    platform = "telegram"

    def __init__(self, spacing: float = 0.0, pause: float = 0.002, seed: int = 1) -> None:
        self.delivered: list[tuple[str, str]] = []
        self.gap = spacing
        self.pause = pause
        self.random = random.Random(seed)
        self.arrived = asyncio.Event()

    def spacing(self, address: str) -> float:
        return self.gap

    async def deliver(self, address: str, notice: Notice, edit: str | None) -> str:
        await asyncio.sleep(self.random.random() * self.pause)
        self.delivered.append((address, notice.text))
        self.arrived.set()
        return f"m{len(self.delivered)}"

    def to(self, address: str) -> list[str]:
        return [text for where, text in self.delivered if where == address]


async def people(world: World, *names: str) -> dict[str, int]:
    return {name: (await world.join(name)).member_id for name in names}


async def queue(app: ParentBrain, member_id: int, text: str) -> None:
    async with app.uow() as uow:
        await uow.notify(Notice(to=member_id, text=text))
        await uow.commit()


async def test_each_recipient_gets_their_notices_in_order_while_lanes_run_together(
    world: World, app: ParentBrain
) -> None:
    ids = await people(world, "Ann", "Ben", "Cat")
    for n in range(12):
        for name, member_id in ids.items():
            await queue(app, member_id, f"{name} {n}")
    messenger = RecordingMessenger(pause=0.01)
    report = await OutboxDispatcher(app.uow, {"telegram": messenger}).dispatch_once()
    assert report.sent == 36
    for name in ids:
        assert messenger.to(world.address(name)) == [f"{name} {n}" for n in range(12)]
    texts = [text for _, text in messenger.delivered]
    # The lanes ran side by side: nobody waited for another's twelve to finish first.
    assert max(texts.index("Ann 0"), texts.index("Ben 0"), texts.index("Cat 0")) < 12


async def test_two_dispatchers_on_one_database_send_each_notice_once_in_order(
    world: World, app: ParentBrain
) -> None:
    ann = (await people(world, "Ann"))["Ann"]
    for n in range(80):
        await queue(app, ann, f"notice {n}")
    shared = RecordingMessenger(pause=0.003)
    first = OutboxDispatcher(app.uow, {"telegram": shared}, owner="process-a")
    second = OutboxDispatcher(app.uow, {"telegram": shared}, owner="process-b")
    stop = asyncio.Event()
    running = [asyncio.create_task(d.run(stop, poll=0.01)) for d in (first, second)]
    async with asyncio.timeout(30):
        while len(shared.delivered) < 80:
            shared.arrived.clear()
            await shared.arrived.wait()
    await asyncio.sleep(0.1)  # anything doubled would arrive now
    stop.set()
    await asyncio.gather(*running)
    assert shared.to(world.address("Ann")) == [f"notice {n}" for n in range(80)]


async def test_a_dispatcher_that_dies_mid_lane_loses_nothing_once_its_lease_runs_out(
    world: World, app: ParentBrain
) -> None:
    ann = (await people(world, "Ann"))["Ann"]
    for n in range(5):
        await queue(app, ann, f"notice {n}")

    class DiesOnSecond(RecordingMessenger):
        async def deliver(self, address: str, notice: Notice, edit: str | None) -> str:
            if notice.text == "notice 1":
                raise asyncio.CancelledError  # the process is killed mid-send
            return await super().deliver(address, notice, edit)

    dying = DiesOnSecond()
    doomed = OutboxDispatcher(app.uow, {"telegram": dying}, owner="doomed")
    doomed.lanes.release = _never_released  # type: ignore[method-assign]  # killed: no clean-up
    try:
        await doomed.dispatch_once()
    except asyncio.CancelledError:
        pass
    assert dying.to(world.address("Ann")) == ["notice 0"]

    survivor = RecordingMessenger()
    other = OutboxDispatcher(app.uow, {"telegram": survivor}, owner="survivor")
    assert (await other.dispatch_once()).sent == 0  # the dead one's lease still holds
    world.clock.advance(seconds=LANE_LEASE.total_seconds() + 1)
    assert (await other.dispatch_once()).sent == 4
    assert survivor.to(world.address("Ann")) == [f"notice {n}" for n in range(1, 5)]


async def _never_released(lane: tuple[str, str]) -> None:
    return None


async def test_a_backlog_in_one_chat_adds_nothing_to_another_chats_wait(
    world: World, app: ParentBrain
) -> None:
    ids = await people(world, "Ann", "Ben")
    for n in range(30):
        await queue(app, ids["Ann"], f"Ann {n}")
    paced = RecordingMessenger(spacing=0.05, pause=0.0)
    dispatcher = OutboxDispatcher(app.uow, {"telegram": paced}, doorbell=app.outbox.doorbell)
    stop = asyncio.Event()
    running = asyncio.create_task(dispatcher.run(stop, poll=60))
    async with asyncio.timeout(10):
        while not paced.to(world.address("Ann")):
            paced.arrived.clear()
            await paced.arrived.wait()
    await queue(app, ids["Ben"], "Ben's offer")  # the commit rings the dispatcher
    async with asyncio.timeout(10):
        while not paced.to(world.address("Ben")):
            paced.arrived.clear()
            await paced.arrived.wait()
    stop.set()
    await running
    texts = [text for _, text in paced.delivered]
    # Ben's notice went out behind at most a couple of Ann's paced ones, not all thirty.
    assert texts.index("Ben's offer") <= 3
    assert len(paced.to(world.address("Ann"))) < 30  # the stop came mid-backlog ...
    async with app.uow() as uow:  # ... and released the lane for whoever runs next
        lane = await uow.session.get_one(OutboxLane, ("telegram", world.address("Ann")))
        assert lane.lease_until <= uow.now()
        left = await uow.session.scalar(
            select(func.count()).where(OutboxNotice.status == "pending")
        )
    assert left == 30 - len(paced.to(world.address("Ann")))


async def test_a_committed_notice_goes_out_at_once_without_waiting_for_a_poll(
    world: World, app: ParentBrain
) -> None:
    ann = (await people(world, "Ann"))["Ann"]
    messenger = RecordingMessenger(pause=0.0)
    app.outbox.messengers = {"telegram": messenger}
    stop = asyncio.Event()
    running = asyncio.create_task(app.outbox.run(stop, poll=3600))  # no polling to speak of
    await asyncio.sleep(0.05)
    await queue(app, ann, "hello")
    async with asyncio.timeout(5):
        await messenger.arrived.wait()
    stop.set()
    await running
    assert messenger.to(world.address("Ann")) == ["hello"]


@pytest.mark.parametrize("database_url", ["postgres"] if POSTGRES_URL else [], indirect=True)
async def test_a_notice_queued_by_one_process_wakes_the_dispatcher_of_another(
    world: World, app: ParentBrain, database_url: str
) -> None:
    """PostgreSQL's NOTIFY, sent at commit, rings every listening process."""
    ann = (await people(world, "Ann"))["Ann"]
    elsewhere = make_engine(database_url)  # the other process's own connections
    heard = Doorbell()
    listening = await listen(elsewhere, NOTIFY_CHANNEL, heard.ring)
    messenger = RecordingMessenger(pause=0.0)
    other = OutboxDispatcher(
        uow_factory(make_sessionmaker(elsewhere), world.clock),
        {"telegram": messenger},
        doorbell=heard,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(other.run(stop, poll=3600))
    try:
        await asyncio.sleep(0.05)
        await queue(app, ann, "from the first process")
        async with asyncio.timeout(5):
            await messenger.arrived.wait()
    finally:
        stop.set()
        await running
        await listening.close()
        await elsewhere.dispose()
    assert messenger.to(world.address("Ann")) == ["from the first process"]
