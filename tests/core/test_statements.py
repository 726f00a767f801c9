"""A business's statement as a spreadsheet: every movement, and nothing a spreadsheet runs."""

from __future__ import annotations

import csv
import io

from core.statements import statement_csv
from tests.world import World


async def test_a_title_a_spreadsheet_would_run_is_kept_as_text(world: World) -> None:
    shop = await world.business()
    await world.funded(shop, title="=HYPERLINK(1) menu")
    await world.funded(shop, title="Plain menu")
    async with world.app.uow() as uow:
        sheet = list(csv.reader(io.StringIO(await statement_csv(uow, shop))))
    titles = [row[2] for row in sheet[1:]]
    assert titles == ["'=HYPERLINK(1) menu", "Plain menu"]
    assert [row[4] for row in sheet[1:]] == ["25.00", "25.00"]  # numbers stay numbers
