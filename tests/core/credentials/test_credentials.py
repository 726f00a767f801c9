"""Open Badges 3.0 credentials: issued for a passed check and for work milestones, valid by
1EdTech's schema, verifiable with the public keys alone, and failing for a clear reason when
tampered with, signed by another key, expired or revoked."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from joserfc.jwk import RSAKey
from pydantic import SecretStr
from sqlalchemy import select

from core import commands as c
from core.config import Settings
from core.credentials import keys, vcjwt
from core.errors import DomainError
from core.models import IssuerKey
from tests.core.credentials.helpers import (
    issued,
    jobs_done,
    pass_check,
    published,
    status_lists,
)
from tests.world import World

SCHEMA = json.loads(
    (Path(__file__).with_name("ob_v3p0_achievementcredential_schema.json")).read_text()
)


def payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


async def test_a_passed_check_is_a_credential_by_the_open_badges_schema(world: World) -> None:
    town = await world.town()
    priya = await world.parent("Priya")
    said = await pass_check(world, priya)
    assert "you passed" in said and "credential for it is on its way" in said

    [credential] = await issued(world, priya)
    claims = payload(credential.jwt)
    jsonschema.Draft201909Validator(
        SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    ).validate(claims)
    assert claims["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["issuer"]["name"] == "Town" and claims["issuer"]["id"].endswith(
        f"/issuers/{town}"
    )
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["name"] == "Proofreading: skill check passed"
    assert "skill check" in achievement["criteria"]["narrative"]
    assert claims["evidence"][0]["narrative"].startswith("4 of 4 right")
    # The JWT claims say what the credential says (Open Badges 3.0, "JWT Payload Format").
    assert (claims["iss"], claims["jti"], claims["sub"]) == (
        claims["issuer"]["id"],
        claims["id"],
        claims["credentialSubject"]["id"],
    )
    header = json.loads(base64.urlsafe_b64decode(credential.jwt.split(".")[0] + "=="))
    assert header["alg"] == "RS256" and header["kid"].endswith(
        "/credentials/keys.json#" + header["kid"].rpartition("#")[2]
    )

    # It arrives as a file the parent can keep.
    inbox = await world.inbox("Priya")
    sent = [n for n in inbox if n.files]
    assert sent and "issued you a credential: Proofreading: skill check passed" in sent[-1].text
    assert sent[-1].files[0].name == "proofreading-skill-check-passed.jwt"
    assert await world.app.files.get(sent[-1].files[0].key) == credential.jwt.encode()


async def test_it_verifies_with_the_public_keys_alone(world: World) -> None:
    town = await world.town()
    priya = await world.parent("Priya")
    await pass_check(world, priya)
    [credential] = await issued(world, priya)
    key_set = await published(world)
    assert key_set["keys"] and all("d" not in k and "p" not in k for k in key_set["keys"])

    lists = await status_lists(world, town)
    checked = vcjwt.verify(credential.jwt, key_set, lists.get, world.clock.now())
    assert checked.valid, checked.reason
    assert checked.checks == ("signature", "claims", "dates", "status")
    assert "Valid" in checked.reason


async def test_any_one_byte_changed_fails_with_a_reason(world: World) -> None:
    town = await world.town()
    priya = await world.parent("Priya")
    await pass_check(world, priya)
    token = (await issued(world, priya))[0].jwt
    key_set, lists = await published(world), await status_lists(world, town)
    now = world.clock.now()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    # Every place in the header, a spread through the payload, and the signature's last
    # characters, whose low bits a lenient decoder would ignore.
    places = [*range(0, token.index(".")), *range(token.index(".") + 1, len(token), 37)]
    places += range(len(token) - 4, len(token))
    for place in places:
        if token[place] == ".":
            continue
        for swap in (alphabet[(alphabet.index(token[place]) + 1) % 64], "="):
            changed = token[:place] + swap + token[place + 1 :]
            checked = vcjwt.verify(changed, key_set, lists.get, now)
            assert not checked.valid, (place, swap)
            assert checked.reason
    assert not vcjwt.verify(token + " x", key_set, lists.get, now).valid


async def test_a_wrong_key_an_unknown_key_and_a_forged_issuer_fail(world: World) -> None:
    town = await world.town()
    priya = await world.parent("Priya")
    await pass_check(world, priya)
    token = (await issued(world, priya))[0].jwt
    lists, now = await status_lists(world, town), world.clock.now()
    published_kid = (await published(world))["keys"][0]["kid"]

    stranger = RSAKey.generate_key(2048, private=True)
    their_set = {"keys": [{**stranger.as_dict(private=False), "kid": published_kid}]}
    wrong = vcjwt.verify(token, their_set, lists.get, now)
    assert not wrong.valid and "signature doesn't match" in wrong.reason

    assert "doesn't publish" in vcjwt.verify(token, {"keys": []}, lists.get, now).reason

    # Signed by someone else's key, claiming to be the community: not valid here.
    forged = vcjwt.sign(
        payload(token) | {"name": "Forged"},
        keys.SigningKey("key-forger", stranger),
        "https://evil.example/keys.json",
    )
    assert "doesn't publish" in vcjwt.verify(forged, await published(world), lists.get, now).reason


async def test_expiry_and_revocation_each_fail_with_their_reason(
    world: World, settings: Settings
) -> None:
    town = await world.town()
    world.app.settings.credential_valid_days = 30  # this deployment's credentials expire
    try:
        priya = await world.parent("Priya")
        await pass_check(world, priya)
    finally:
        world.app.settings.credential_valid_days = 0
    token = (await issued(world, priya))[0].jwt
    key_set = await published(world)
    assert payload(token)["exp"] == payload(token)["nbf"] + 30 * 24 * 3600
    later = world.clock.now() + timedelta(days=31)
    expired = vcjwt.verify(token, key_set, (await status_lists(world, town)).get, later)
    assert not expired.valid and expired.reason.startswith("It expired on")

    said = await world.app.handle(c.ForgetMe(actor=priya, confirm="yes"))
    assert "erased" in said
    revoked = vcjwt.verify(token, key_set, (await status_lists(world, town)).get, world.clock.now())
    assert not revoked.valid and revoked.reason == "It has been revoked by its issuer."
    [row] = await issued(world, priya)
    assert row.revoked_at is not None and row.jwt == ""

    unknown = vcjwt.verify(token, key_set, lambda url: None, world.clock.now())
    assert not unknown.valid and "couldn't be read" in unknown.reason


async def test_five_and_then_more_good_jobs_earn_milestones_once(world: World) -> None:
    await world.town()
    priya = await world.parent("Priya")
    bloom = await world.business("Bloom")
    await jobs_done(world, priya, bloom, 4)
    assert [r.achievement for r in await issued(world, priya)] == []
    await jobs_done(world, priya, bloom, 1)
    [milestone] = await issued(world, priya)
    assert milestone.achievement == "jobs:proofreading:5"
    claims = payload(milestone.jwt)
    assert claims["name"] == "Proofreading: 5 jobs well done"
    assert len(claims["evidence"]) == 5
    # Bloom never agreed to be named: the evidence says "a business", never its name or items.
    assert "Bloom" not in milestone.jwt and "flyer" not in json.dumps(claims).lower()
    assert claims["evidence"][0]["name"] == "A business, proofreading"
    assert "rated 5★" in claims["evidence"][0]["narrative"]

    await jobs_done(world, priya, bloom, 1)  # a sixth: nothing new, nothing twice
    assert len(await issued(world, priya)) == 1
    inbox = await world.inbox("Priya")
    assert sum("Proofreading: 5 jobs well done" in n.text for n in inbox) == 1


async def test_poor_ratings_earn_no_milestone_and_a_named_business_is_named(
    world: World,
) -> None:
    await world.town()
    priya, omar = await world.parent("Priya"), await world.parent("Omar")
    bloom = await world.business("Bloom")
    await world.app.handle(c.GoUnavailable(actor=omar))
    await jobs_done(world, priya, bloom, 5, stars=4)  # 4★ average: under the 4.5★ bar
    assert await issued(world, priya) == []

    said = await world.app.handle(c.NameBusinessInRecords(actor=bloom, named=True))
    assert "will name Bloom Ltd" in said
    await world.app.handle(c.GoUnavailable(actor=priya))
    await world.app.handle(c.GoAvailable(actor=omar, window="3h"))
    await jobs_done(world, omar, bloom, 5)
    [milestone] = await issued(world, omar)
    evidence = payload(milestone.jwt)["evidence"]
    assert evidence[0]["name"] == "Bloom Ltd: Proofread flyer 1, proofreading"


async def test_the_key_is_encrypted_at_rest_and_rotates_without_breaking_old_ones(
    world: World,
) -> None:
    town = await world.town()
    priya = await world.parent("Priya")
    await pass_check(world, priya)
    old = (await issued(world, priya))[0].jwt
    async with world.app.uow() as uow:
        [row] = (await uow.session.scalars(select(IssuerKey))).all()
        assert row.private_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        assert "a passphrase for the tests" not in row.private_pem
        new_kid = await keys.rotate(uow, world.app.settings)
        await uow.commit()
    assert new_kid != row.kid

    omar = await world.parent("Omar")
    await pass_check(world, omar)
    new = (await issued(world, omar))[0].jwt
    key_set, lists = await published(world), await status_lists(world, town)
    assert {k["kid"] for k in key_set["keys"]} == {row.kid, new_kid}
    now = world.clock.now()
    assert vcjwt.verify(old, key_set, lists.get, now).valid
    assert vcjwt.verify(new, key_set, lists.get, now).valid
    assert json.loads(base64.urlsafe_b64decode(new.split(".")[0] + "=="))["kid"].endswith(new_kid)

    wrong = world.app.settings.model_copy(update={"issuer_key_passphrase": SecretStr("not it")})
    async with world.app.uow() as uow:
        with pytest.raises(DomainError, match="can't be opened with this passphrase"):
            await keys.signing_key(uow, wrong)


async def test_an_operator_key_file_signs_and_is_published(world: World, tmp_path: Path) -> None:
    town = await world.town()
    made = RSAKey.generate_key(2048, private=True)
    pem = tmp_path / "issuer.pem"
    pem.write_bytes(made.as_pem(private=True))
    world.app.settings.issuer_key_file = str(pem)
    try:
        priya = await world.parent("Priya")
        await pass_check(world, priya)
        token = (await issued(world, priya))[0].jwt
        key_set = await published(world)
        assert "operator" in {k["kid"] for k in key_set["keys"]}
        assert vcjwt.verify(
            token, key_set, (await status_lists(world, town)).get, world.clock.now()
        ).valid
        pem.write_text("not a key")
        async with world.app.uow() as uow:
            with pytest.raises(DomainError, match="can't be read as an RSA private key") as err:
                await keys.signing_key(uow, world.app.settings)
        assert "not a key" not in str(err.value)
    finally:
        world.app.settings.issuer_key_file = None


async def test_a_community_sets_its_own_milestones(world: World) -> None:
    await world.town()
    kate = await world.moderator("Kate")
    said = await world.app.handle(
        c.ChangeCommunitySetting(actor=kate, name="milestones", value="2, 10")
    )
    assert "milestones: 2, 10" in said
    for absurd in ("0", "lots", "5000"):
        with pytest.raises(DomainError, match="milestones"):
            await world.app.handle(
                c.ChangeCommunitySetting(actor=kate, name="milestones", value=absurd)
            )
    priya = await world.parent("Priya")
    await jobs_done(world, priya, await world.business("Bloom"), 2)
    assert [r.name for r in await issued(world, priya)] == ["Proofreading: 2 jobs well done"]
