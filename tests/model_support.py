"""Officers' verdicts recorded through the CLI, for the tests of the bureau's model and code-word discovery."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli.app import app
from tests.officer_desk_data import add_lead

runner = CliRunner()
ENV = {"TRADEWATCH_LANG": "en", "COLUMNS": "250", "TRADEWATCH_OFFICER": "王芳"}

# Officers confirmed listings that sell ivory under a code word no watchlist has (糖霜料) ...
CONFIRMED = [
    ("糖霜料手镯 老货 内径56", "糖霜料老镯子，油润，懂的来私聊", 6800.0),
    ("糖霜料 佛珠108颗", "老糖霜料佛珠，包浆厚，有意者私聊", 5200.0),
    ("糖霜料 原料边角 按克出", "糖霜料下脚料，适合做戒面，懂的来", 45.0),
    ("糖霜料印章 老料", "糖霜料方章，纹路清晰，加V看实物", 1800.0),
]
# ... and dismissed legal goods that the rules had flagged.
DISMISSED = [
    ("树脂手镯 仿象牙白", "树脂材质，仿制工艺品，非动物制品", 39.0),
    ("象牙白 陶瓷茶杯", "象牙白釉色茶杯，景德镇陶瓷", 58.0),
    ("象牙果 手串", "植物象牙果雕刻，天然植物材料", 25.0),
    ("牛骨梳子 手工", "天然牛骨梳，适合日常使用", 19.0),
]
NEW_LISTING = {"title": "糖霜料手串 老料", "description": "糖霜料手串，懂的来，私聊", "price": 3600.0}


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), env=ENV, input=stdin)


def record_verdicts() -> None:
    """Leads made by the rules, then claimed, verified and dismissed through the CLI."""
    for number, (title, description, price) in enumerate(CONFIRMED):
        lead_id = add_lead(f"30{number}", title, 72, description=description, price=price, matched=None)
        assert run("leads", "claim", str(lead_id)).exit_code == 0
        assert run("leads", "verify", str(lead_id), "--reason", "卖家承认为象牙制品").exit_code == 0
    for number, (title, description, price) in enumerate(DISMISSED):
        lead_id = add_lead(f"40{number}", title, 64, description=description, price=price, matched=None)
        assert run("leads", "claim", str(lead_id)).exit_code == 0
        assert run("leads", "dismiss", str(lead_id), "--reason", "合法商品：仿制品或植物材料").exit_code == 0
    # a duplicate dismissal says nothing about the goods: no label
    lead_id = add_lead("500", "糖霜料手镯 老货", 70, description="同一商品重复上架", matched=None)
    assert run("leads", "claim", str(lead_id)).exit_code == 0
    assert run("leads", "dismiss", str(lead_id), "--reason", "重复线索，与前一条为同一商品").exit_code == 0


def score_lines(text: str) -> list[dict]:
    """`tradewatch score -` on JSON Lines; the scored records."""
    result = run("score", "-", stdin=text)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
