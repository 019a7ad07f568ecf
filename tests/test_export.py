"""`tradewatch leads export`: CSV with a BOM and XLSX, Chinese headers, filters, and no formulas."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.app import app
from leads.export import export_cell
from tests.officer_desk_data import HOSTILE_TITLE, add_lead

runner = CliRunner()
ENV = {"TRADEWATCH_LANG": "zh", "COLUMNS": "200"}
FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+86-138", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def leads(tw_home) -> list[int]:
    ids = [
        add_lead("600001", "老象牙手镯 包老保真", 82),
        add_lead("600002", "穿山甲鳞片 中药材", 91, "wildlife.pangolin", matched="穿山甲", campaign="2026清风行动"),
        add_lead("600003", HOSTILE_TITLE, 75),
    ]
    ids += [add_lead(f"60010{i}", text, 70, seller=text) for i, text in enumerate(FORMULAS)]
    return ids


def test_csv_has_bom_chinese_headers_and_filters(leads, tmp_path: Path):
    out = tmp_path / "线索.csv"
    result = runner.invoke(app, ["leads", "export", "--out", str(out), "--campaign", "2026清风行动"], env=ENV)
    assert result.exit_code == 0, result.output
    assert "已导出 1 条线索" in result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:5] == ["线索编号", "状态", "分数", "优先级", "类别"]
    assert rows[1][1] == "待核查" and rows[1][4] == "穿山甲" and "穿山甲鳞片 中药材" in rows[1]


def test_csv_cells_never_start_a_formula_or_carry_controls(leads, tmp_path: Path):
    out = tmp_path / "all.csv"
    assert runner.invoke(app, ["leads", "export", "--format", "csv", "--out", str(out)], env=ENV).exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    cells = [cell for row in rows[1:] for cell in row if isinstance(cell, str)]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert '\'=HYPERLINK("http://evil.example","点我")' in cells
    assert "'+86-138" in cells
    assert not any(ch in text for ch in "\x1b\x07\x9b\u202e\u2066")


def test_xlsx_opens_as_text_not_formulas(leads, tmp_path: Path):
    out = tmp_path / "线索.xlsx"
    result = runner.invoke(app, ["leads", "export", "--out", str(out)], env=ENV)
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["线索编号", "状态", "分数"]
    title_column = header.index("标题")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
    titles = [row[title_column].value for row in sheet.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://evil.example","点我")' in titles
    hostile = next(t for t in titles if t.startswith("象牙"))
    assert "\\x1b]52;c;" in hostile and "\u202e" not in hostile
    assert sheet.cell(row=2, column=3).data_type == "n"  # scores stay numbers


def test_export_refusals(leads, tmp_path: Path):
    no_out = runner.invoke(app, ["leads", "export"], env=ENV)
    assert no_out.exit_code == 2 and "--out" in no_out.output
    bad = runner.invoke(app, ["leads", "export", "--out", str(tmp_path / "x.pdf")], env=ENV)
    assert bad.exit_code == 2 and "未知的导出格式 pdf" in bad.output
    missing_dir = runner.invoke(app, ["leads", "export", "--out", str(tmp_path / "no" / "x.csv")], env=ENV)
    assert missing_dir.exit_code == 2 and "不存在" in missing_dir.output


def test_export_cell_rules():
    assert export_cell("=1+1") == "'=1+1"
    assert export_cell("-5") == "'-5"
    assert export_cell(-5) == -5
    assert export_cell(None) == ""
    assert export_cell("正常标题") == "正常标题"
