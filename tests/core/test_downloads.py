"""Who may download a delivered file from the web: the business it was for and the
community's moderators; nobody else, and no moderator of another community."""

from __future__ import annotations

import pytest

from core import commands as c
from core.downloads import downloadable, downloads
from core.errors import NotAllowed, NotFound
from core.files import FileRef
from core.handlers.delivery import latest_delivery
from tests.world import World


async def test_only_the_business_and_its_moderators_may_download(world: World) -> None:
    await world.town()
    priya = await world.parent("Priya")
    shop = await world.business("Bloom")
    work_id = await world.funded(shop)
    await world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await world.pending_offer(work_id, priya))
    )
    kept = FileRef(
        platform="discord", ref="https://cdn/x.pdf", name="x.pdf", size_bytes=9, stored=True
    )
    await world.app.files.put(kept.key, b"%PDF-1.7")
    on_telegram = FileRef(platform="telegram", ref="AgAD123", name="photo.jpg", size_bytes=5)
    await world.app.handle(
        c.SubmitDelivery(actor=priya, work_id=work_id, body="", files=[kept, on_telegram])
    )
    async with world.app.uow() as uow:
        delivery = await latest_delivery(uow, work_id)
        assert delivery is not None
        found = await downloads(uow, delivery.id)
    assert [(d.name, d.size) for d in found] == [("x.pdf", "1 KB"), ("photo.jpg", "1 KB")]
    pdf, photo = found

    kate = await world.moderator("Kate")
    valley = await world.community("Valley", group=-2002)
    vera = await world.moderator("Vera", community=valley)
    async with world.app.uow() as uow:
        assert (await downloadable(uow, shop, pdf.file_id)).name == "x.pdf"
        assert (await downloadable(uow, kate, pdf.file_id)).key == kept.key
        for stranger in (priya, vera):
            with pytest.raises(NotAllowed):
                await downloadable(uow, stranger, pdf.file_id)
        with pytest.raises(NotFound, match="stayed on Telegram"):
            await downloadable(uow, shop, photo.file_id)
        with pytest.raises(NotFound):
            await downloadable(uow, shop, 999)
