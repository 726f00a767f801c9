"""Each person in their own language, on every front end: the app's language is used without
typing anything, /language changes it, notices reach each person in theirs, and a community
can choose its own."""

from __future__ import annotations

from tests.scenarios.driver import Driver
from tests.scenarios.in_spanish import english_in
from tests.scenarios.test_journeys import MENU, said

# A Spanish-speaking business's work, in its own words.
CARTA = MENU | {
    "title": "Revisar la carta de primavera",
    "description": "Dos páginas. Ortografía y precios coherentes.",
    "deadline": "tomorrow 17:00",
}


async def test_a_parent_whose_app_speaks_spanish_reads_spanish_and_the_business_english(
    driver: Driver,
) -> None:
    driver.speaks("Lucía", "es")
    welcome = await driver.onboard("Lucía", ["Proofreading"], "expert")
    assert said(welcome, "/available"), welcome
    available = await driver.command("Lucía", "available", "2h")
    assert said(available + driver.dms("Lucía"), "Estás disponible hasta las 11:00"), available

    await driver.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    posted = await driver.post("Mel", **CARTA)
    assert said(posted, "the parent receives £21.25"), posted  # Mel's app is in English
    driver.make_moderator("Kate")
    await driver.command("Kate", "funded", "1 bank ref 0302")
    assert said(driver.dms("Mel"), "Payment of £25.00 received")

    assert said(driver.dms("Lucía"), "Nuevo trabajo pagado", "Recibes 21,25", "Por qué tú:")
    assert said(driver.dms("Lucía"), "experto en proofreading")
    taken = await driver.press("Lucía", "Accept")
    assert said(taken, "es tuyo"), taken
    assert said(driver.dms("Mel"), "Lucía is working on"), driver.dms("Mel")

    asked = await driver.press("Lucía", "Submit work")
    assert said(asked, "Envía ahora tu trabajo"), asked
    sent = await driver.reply("Lucía", "He corregido 12 erratas: https://docs.example/carta-v2")
    assert said(sent, "se ha enviado a la empresa"), sent
    assert said(driver.dms("Mel"), "Delivery for", "https://docs.example/carta-v2")

    await driver.press("Mel", "Approve")
    assert said(driver.dms("Lucía"), "Se te deben 21,25"), driver.dms("Lucía")
    earnings = await driver.command("Lucía", "earnings")
    assert said(earnings, "Te han pagado"), earnings

    leaks = english_in(driver.dms("Lucía") + taken + asked + sent + earnings)
    assert not leaks, leaks


async def test_language_switches_back_to_english_and_auto_returns_to_the_app(
    driver: Driver,
) -> None:
    driver.speaks("Lucía", "es")
    await driver.onboard("Lucía", ["Proofreading"], "expert")
    shown = await driver.command("Lucía", "language")
    assert said(shown, "Lees Parent Brain en Español"), shown

    switched = await driver.command("Lucía", "language", "en")
    assert said(switched, "from now on you read Parent Brain in English"), switched
    status = await driver.command("Lucía", "status")
    assert said(status, "You're not available right now"), status

    back = await driver.command("Lucía", "language", "auto")
    assert said(back, "lees Parent Brain en el idioma de tu app (Español)"), back
    status = await driver.command("Lucía", "status")
    assert said(status, "Ahora mismo no estás disponible"), status

    unknown = await driver.command("Lucía", "language", "klingon")
    assert said(unknown, 'Parent Brain aún no habla "klingon"'), unknown


async def test_someone_whose_app_says_english_chooses_spanish(driver: Driver) -> None:
    await driver.onboard("Priya", ["Proofreading"], "expert")
    chosen = await driver.command("Priya", "language", "es")
    assert said(chosen, "a partir de ahora lees Parent Brain en Español"), chosen
    driver.speaks("Priya", "es")  # what she now sees, for the buttons she presses
    help_shown = await driver.command("Priya", "help")
    assert said(help_shown, "Lo que puedes escribir:", "deja de recibir ofertas"), help_shown


async def test_the_moderators_channel_reads_the_communitys_language(driver: Driver) -> None:
    driver.make_moderator("Kate")
    changed = await driver.command("Kate", "settings", "language es", where="group")
    assert said(changed + driver.dms("Kate"), "language: es (Español)"), changed
    await driver.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    posted = await driver.post("Mel", **CARTA)
    assert said(driver.moderators(), "espera una transferencia de 25,00"), driver.moderators()
    # Mel's app says English, which comes before the community's language
    assert said(posted + driver.dms("Mel"), "the parent receives £21.25"), posted


async def test_a_business_whose_app_speaks_spanish_posts_pays_and_approves_in_spanish(
    driver: Driver,
) -> None:
    driver.speaks("Mel", "es")
    await driver.onboard("Priya", ["Proofreading"], "expert")
    await driver.command("Priya", "available", "2h")
    registered = await driver.command("Mel", "business", "Panadería Bloom, mel@bloom.example")
    assert said(registered, "Escribe /post"), registered
    posted = await driver.post("Mel", **(CARTA | {"deadline": "mañana 17:00"}))
    assert said(posted, "la madre o el padre recibe 21,25", "la comisión de la plataforma es 3,75")
    driver.make_moderator("Kate")
    await driver.command("Kate", "funded", "1 bank ref 0302")
    assert said(driver.dms("Mel"), "Recibido el pago de 25,00"), driver.dms("Mel")

    await driver.press("Priya", "Accept")
    assert said(driver.dms("Mel"), "Priya está trabajando en"), driver.dms("Mel")
    await driver.press("Priya", "Submit work")
    await driver.reply("Priya", "Fixed 12 typos: https://docs.example/carta-v2")
    assert said(driver.dms("Mel"), "Entrega de", "Apruébala para pagar"), driver.dms("Mel")
    approved = await driver.press("Mel", "Approve")
    assert said(approved + driver.dms("Mel"), "¿Qué tal lo hizo?"), approved
    assert said(driver.dms("Priya"), "is owed to you")  # Priya reads English
    statement = await driver.command("Mel", "statement")
    assert said(statement, "Extracto de Panadería Bloom"), statement

    answers = registered + posted + approved + statement
    for_mel = [t for t in answers if t not in driver.moderators()]  # the channel reads English
    leaks = english_in(driver.dms("Mel") + for_mel)
    assert not leaks, leaks
