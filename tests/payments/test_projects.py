"""A project's money through Stripe (the real SDK against the fake): a Checkout per milestone
in the project's transfer group, webhooks replayed, a crash mid-settlement finished once, a
milestone's expired link renewed rather than the milestone dropped, cancellation refunds."""

from __future__ import annotations

import pytest

from core import commands as c
from core.states import WorkStatus
from payments import ledger
from tests.core.test_projects import milestones, post_project
from tests.fakes.stripe_api import FakeStripe
from tests.payments.conftest import deliver, onboarded
from tests.payments.test_crash import dying_after, movements
from tests.world import World


def checkout_of(stripe_fake: FakeStripe, work_id: int) -> dict[str, object]:
    return [
        s
        for s in stripe_fake.of_kind("checkout.session")
        if s["metadata"]["work_id"] == str(work_id)
    ][-1]


async def paid(town: World, stripe_fake: FakeStripe, work_id: int, times: int = 1) -> None:
    event = stripe_fake.event(
        "checkout.session.completed", stripe_fake.paid(checkout_of(stripe_fake, work_id)["id"])
    )
    for _ in range(times):  # Stripe delivers at least once: replays change nothing
        assert await deliver(town.app, event) == 200


async def clean(town: World) -> None:
    async with town.app.uow() as uow:
        assert await ledger.check(uow.session) == []


async def test_each_milestone_is_its_own_checkout_and_transfer_in_the_projects_group(
    town: World, stripe_fake: FakeStripe
) -> None:
    priya = await town.parent("Priya", skills="copywriting:expert")
    account = await onboarded(town, stripe_fake, priya)
    shop = await town.business()
    posted = await post_project(town, shop)
    ids = [m.id for m in await milestones(town, posted.project_id)]
    sessions = stripe_fake.of_kind("checkout.session")
    assert [s["metadata"]["work_id"] for s in sessions] == [str(i) for i in ids]
    made = stripe_fake.made("checkout/sessions")
    assert {form["payment_intent_data[transfer_group]"] for form, _ in made} == {
        f"project-{posted.project_id}"
    }
    assert [key for _, key in made] == [f"checkout-work-{i}" for i in ids]

    await paid(town, stripe_fake, ids[0], times=3)
    assert await movements(town.app, "fund") == 1
    offer = await town.pending_offer(ids[0], priya)
    await town.app.handle(c.AcceptOffer(actor=priya, offer_id=offer))
    await town.app.handle(c.SubmitDelivery(actor=priya, work_id=ids[0], body="done"))
    with dying_after(town.app.gateway, "transfer"):  # Stripe paid; we died before recording
        await town.app.handle(c.ApproveDelivery(actor=shop, work_id=ids[0]))
    assert len(stripe_fake.of_kind("transfer")) == 1
    assert (await town.app.sweep()).money_finished == 1  # the restarted process finishes it
    [transfer] = stripe_fake.of_kind("transfer")
    assert (transfer["amount"], transfer["destination"], transfer["transfer_group"]) == (
        10200,
        account,
        f"project-{posted.project_id}",
    )
    assert transfer["source_transaction"] == (await town.item(ids[0])).charge_ref
    assert (await town.item(ids[0])).status == WorkStatus.PAID
    assert (await town.item(ids[1])).status == WorkStatus.AWAITING_PAYMENT
    await clean(town)

    await paid(town, stripe_fake, ids[1], times=2)  # funded later: straight to Priya
    assert (await town.item(ids[1])).status == WorkStatus.ASSIGNED
    await clean(town)


async def test_a_milestones_expired_checkout_gets_a_new_link_and_cancelling_refunds_once(
    town: World, stripe_fake: FakeStripe
) -> None:
    priya = await town.parent("Priya", skills="copywriting:expert")
    shop = await town.business()
    posted = await post_project(town, shop)
    ids = [m.id for m in await milestones(town, posted.project_id)]
    await paid(town, stripe_fake, ids[0])
    await town.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await town.pending_offer(ids[0], priya))
    )
    first = checkout_of(stripe_fake, ids[2])
    expired = stripe_fake.event("checkout.session.expired", {**first, "status": "expired"})
    for _ in range(2):
        assert await deliver(town.app, expired) == 200
    renewed = checkout_of(stripe_fake, ids[2])
    assert renewed["id"] != first["id"]
    milestone = await town.item(ids[2])
    assert milestone.status == WorkStatus.AWAITING_PAYMENT
    assert milestone.checkout_url is not None and str(renewed["url"]) in milestone.checkout_url

    said = await town.app.handle(c.CancelProject(actor=shop, project_id=posted.project_id))
    assert "£120.00 for 1 funded milestone" in said
    refunds = stripe_fake.of_kind("refund")
    assert [r["amount"] for r in refunds] == [12000]
    with pytest.raises(Exception, match="nothing to cancel"):
        await town.app.handle(c.CancelProject(actor=shop, project_id=posted.project_id))
    assert len(stripe_fake.of_kind("refund")) == 1
    await clean(town)
