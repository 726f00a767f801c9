"""Every journey runs beside a second community on the same bot: Valley, with its own
administrator and a free parent who fits Town's work. Town's people belong to Town (as their
platform would say when they joined its group or server); Valley's parent must never hear of
Town's work, which each journey checks as it ends."""

from __future__ import annotations

from tests.fakes.discord_api import ADMIN_ROLE_ID, GUILD_ID
from tests.scenarios.discord_driver import DiscordDriver
from tests.scenarios.telegram_driver import GROUP, TelegramDriver

TOWN = 1  # the community the settings name, made at start-up
VALLEY_GROUP, VALLEY_MODERATORS = -100_900, -100_901
VALLEY_SERVER, VALLEY_CHANNEL = 800_000_000_000_000_901, 800_000_000_000_000_902
VALLEY_PEOPLE = ("Nora", "Nils")  # its administrator, and a parent who proofreads


async def a_neighbouring_community(driver: TelegramDriver | DiscordDriver) -> None:
    if isinstance(driver, TelegramDriver):
        driver.fake.admins[VALLEY_GROUP].add(driver.uid("Nora"))
        for name in VALLEY_PEOPLE:
            driver.fake.statuses[(GROUP, driver.uid(name))] = "left"  # not in Town's group
        await driver.command("Nora", "setup", where=VALLEY_GROUP)
        await driver.command("Nora", "setup", "moderators 2", where=VALLEY_MODERATORS)
        await driver.command("Nils", "status", where=VALLEY_GROUP)
    else:
        driver.guild_id = VALLEY_SERVER
        driver.fake.member_roles[driver.uid("Nora")].append(ADMIN_ROLE_ID)  # Manage Server
        await driver.command("Nora", "setup", str(VALLEY_CHANNEL))
        await driver.command("Nils", "status", where="server")
    await driver.onboard("Nils", ["Proofreading", "Design"], "expert")
    await driver.command("Nils", "available", "8h")
    if isinstance(driver, DiscordDriver):
        driver.guild_id = GUILD_ID  # back to Town's server, where the journeys happen
    driver.outsiders.update(VALLEY_PEOPLE)
    driver.home = TOWN


def valley_heard_nothing_of_town(driver: TelegramDriver | DiscordDriver) -> None:
    offers = [text for text in driver.dms("Nils") if "New paid work" in text]
    assert offers == [], f"Valley's parent was offered Town's work: {offers}"
