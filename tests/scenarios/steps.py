"""Steps several tests share, for any platform's driver."""

from __future__ import annotations

from tests.scenarios.driver import Driver


async def an_offer_waiting_for_priya(driver: Driver) -> None:
    """Priya proofreads and is free; Mel's menu is posted and funded; the offer is hers."""
    await driver.onboard("Priya", ["Proofreading"], "expert")
    await driver.command("Priya", "available", "3h")
    await driver.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    await driver.post(
        "Mel",
        title="Proofread menu",
        description="Two pages.",
        skills="proofreading",
        budget="£25",
        estimate="45m",
        deadline="tomorrow 17:00",
    )
    driver.make_moderator("Kate")
    await driver.command("Kate", "funded", "1")
