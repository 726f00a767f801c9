"""Work records and credentials on the web: the shared page, what verifiers fetch, the check
form and the bundle; a stopped or erased share is a 404 at once."""

from __future__ import annotations

import html
import json

import aiohttp

from core import commands as c
from core.credentials import vcjwt
from tests.bots.web.conftest import Site
from tests.bots.web.test_web import csrf_in
from tests.core.credentials.helpers import issued, jobs_done, pass_check


async def _shared(site: Site, actor: c.Actor) -> str:
    said = await site.world.app.handle(c.ShareRecord(actor=actor))
    address = said.split("shared at ")[1].split()[0]
    return address.removeprefix("http://127.0.0.1/web/")


async def test_a_shared_record_shows_what_the_store_says_and_stops_at_once(site: Site) -> None:
    priya = await site.person(5001, "Priya")
    await site.world.app.handle(c.SetSkills(actor=priya, skills="proofreading:expert"))
    await site.world.app.handle(c.GoAvailable(actor=priya, window="3h"))
    bloom = await site.world.business("Bloom")
    await pass_check(site.world, priya)
    await jobs_done(site.world, priya, bloom, 5)
    path = await _shared(site, priya)

    async with aiohttp.ClientSession() as anyone:
        async with anyone.get(site.url(path)) as page:
            assert page.status == 200
            text = html.unescape(await page.text())
            assert page.headers["X-Robots-Tag"] == "noindex"
        assert "Priya's work record" in text
        assert "Proofreading: 5 jobs, all on time, 5.0★ from 5 ratings, verified ✓" in text
        assert text.count("Verified") == 2  # the skill check and the 5-jobs milestone
        assert "a business, proofreading" in text and "Bloom" not in text
        assert "Earned through" not in text  # earnings stay private

        async with anyone.get(site.url(f"{path}/credentials/2.jwt")) as download:
            token = (await download.text()).strip()
        async with anyone.get(site.url("credentials/keys.json")) as keys:
            key_set = await keys.json(content_type=None)
            assert keys.headers["Access-Control-Allow-Origin"] == "*"
        assert all("d" not in key for key in key_set["keys"])
        status_url = vcjwt.verify(token, key_set, lambda u: None, site.world.clock.now())
        assert "couldn't be read" in status_url.reason  # offline without the list...
        async with anyone.get(site.url("issuers/1/status")) as listed:
            signed_list = await listed.text()
        lists = {"http://127.0.0.1/web/issuers/1/status": signed_list}
        assert vcjwt.verify(token, key_set, lists.get, site.world.clock.now()).valid  # ...with it

        async with anyone.get(site.url(f"{path}/record.json")) as bundle:
            clr = await bundle.json(content_type=None)
        assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
        enveloped = clr["credentialSubject"]["verifiableCredential"]
        assert [e["type"] for e in enveloped] == ["EnvelopedVerifiableCredential"] * 2
        inside = [e["id"].removeprefix("data:application/vc+jwt,") for e in enveloped]
        assert all(
            vcjwt.verify(t, key_set, lists.get, site.world.clock.now()).valid for t in inside
        )

        async with anyone.get(site.url("issuers/1")) as profile:
            issuer = await profile.json(content_type=None)
        assert issuer["type"] == ["Profile"] and issuer["name"] == "Town"
        async with anyone.get(site.url("issuers/99")) as nobody:
            assert nobody.status == 404

        await site.world.app.handle(c.StopSharingRecord(actor=priya))
        async with anyone.get(site.url(path)) as gone:
            assert gone.status == 404
        async with anyone.get(site.url(f"{path}/record.json")) as gone:
            assert gone.status == 404
        async with anyone.get(site.url("r/never-made")) as never:
            assert never.status == 404


async def test_anyone_checks_a_credential_and_forgetme_revokes_it(site: Site) -> None:
    priya = await site.person(5001, "Priya")
    await site.world.app.handle(c.SetSkills(actor=priya, skills="proofreading:expert"))
    await pass_check(site.world, priya)
    token = (await issued(site.world, priya))[0].jwt
    path = await _shared(site, priya)

    async with aiohttp.ClientSession() as anyone:
        async with anyone.get(site.url("credentials/check")) as page:
            assert "Check a credential" in await page.text()
        async with anyone.post(site.url("credentials/check"), data={"credential": token}) as page:
            text = html.unescape(await page.text())
            assert page.status == 200 and "Valid" in text
            assert "Proofreading: skill check passed" in text and "Issued by Town" in text
        tampered = token[:-10] + ("A" if token[-10] != "A" else "B") + token[-9:]
        async with anyone.post(
            site.url("credentials/check"), data={"credential": tampered}
        ) as page:
            assert page.status == 422 and "signature doesn't match" in html.unescape(
                await page.text()
            )
        upload = aiohttp.FormData()
        upload.add_field("file", token.encode(), filename="badge.jwt", content_type="text/plain")
        async with anyone.post(site.url("credentials/check"), data=upload) as page:
            assert page.status == 200 and "Valid" in await page.text()
        async with anyone.post(site.url("credentials/check"), data={"credential": " "}) as page:
            assert "Paste a credential" in await page.text()
        async with anyone.post(
            site.url("credentials/check"), data={"credential": "x" * 70_000}
        ) as page:
            assert page.status == 422 and "far too long" in await page.text()

        await site.world.app.handle(c.ForgetMe(actor=priya, confirm="yes"))
        async with anyone.get(site.url(path)) as gone:
            assert gone.status == 404
        async with anyone.post(site.url("credentials/check"), data={"credential": token}) as page:
            assert "revoked by its issuer" in await page.text()


async def test_a_parent_shares_and_stops_from_their_own_page(site: Site) -> None:
    priya = await site.person(5001, "Priya")
    await site.world.app.handle(c.SetSkills(actor=priya, skills="proofreading:expert"))
    await pass_check(site.world, priya)
    browser = await site.signed_in(5001, "Priya")
    async with browser:
        async with browser.get(site.url("record")) as page:
            mine = html.unescape(await page.text())
        assert "My work record" in mine and "Not shared" in mine and "My record" in mine
        async with browser.post(
            site.url("record"), data={"what": "share", "csrf": csrf_in(mine)}
        ) as page:
            shared = html.unescape(await page.text())
        assert "Your work record is shared at" in shared and "Stop sharing" in shared
        async with browser.post(
            site.url("record"), data={"what": "earnings on", "csrf": csrf_in(shared)}
        ) as page:
            assert "now shows what you've earned" in html.unescape(await page.text())
        async with browser.post(
            site.url("record"), data={"what": "delete everything", "csrf": csrf_in(shared)}
        ) as page:
            assert "Choose one of the buttons" in await page.text()
        async with browser.post(site.url("record"), data={"what": "stop"}) as page:
            assert page.status == 403  # without the form's token nothing happens
        async with browser.get(site.url("record/credentials.json")) as bundle:
            clr = json.loads(await bundle.text())
        assert len(clr["credentialSubject"]["verifiableCredential"]) == 1
