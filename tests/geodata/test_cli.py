"""``siaga geocode``: JSON, batch from stdin, the table."""

from __future__ import annotations

import json

import click
from click.testing import CliRunner

from console.cli.geocode_command import geocode, register


def test_registers() -> None:
    group = click.Group()
    register(group)
    assert "geocode" in group.commands


def test_json_one_query() -> None:
    result = CliRunner().invoke(geocode, ["depan RSUD Mardi Waluyo", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["query"] == "depan RSUD Mardi Waluyo"
    m = data["match"]
    assert {
        "name",
        "kind",
        "lat",
        "lon",
        "kelurahan",
        "kecamatan",
        "relation",
        "confidence",
    } <= set(m)
    assert m["name"] == "RSUD Mardi Waluyo"
    assert m["relation"] == "depan"
    assert m["kelurahan"] == "Karangtengah"
    assert isinstance(data["alternatives"], list)


def test_json_no_match_and_outside() -> None:
    out = CliRunner().invoke(geocode, ["--json", "jalan pahlawan kota malang"]).output
    data = json.loads(out)
    assert data["match"] is None
    assert data["status"] == "outside_service_area"


def test_batch_from_stdin() -> None:
    lines = "alun2\nkelurahan turi rt 2\n\nkota malang\n"
    result = CliRunner().invoke(geocode, ["--json", "--limit", "2", "-"], input=lines)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["query"] for r in rows] == ["alun2", "kelurahan turi rt 2", "kota malang"]
    assert rows[1]["match"]["kelurahan"] == "Turi"
    assert rows[2]["match"] is None
    assert all(len(r["alternatives"]) <= 1 for r in rows)


def test_batch_reports_bad_lines_and_continues() -> None:
    result = CliRunner().invoke(
        geocode, ["--json", "-"], input="pasar legi\n" + "x" * 400 + "\n"
    )
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows[0]["match"]["landmark_id"] == "pasar-legi"
    assert rows[1]["status"] == "error"


def test_table_and_db_option() -> None:
    result = CliRunner().invoke(
        geocode, ["dekat pasar legi", "--db", "sqlite:///ignored.db"]
    )
    assert result.exit_code == 0, result.output
    assert "Pasar Legi" in result.output
    assert "dekat" in result.output


def test_bad_query_and_bad_pack() -> None:
    assert CliRunner().invoke(geocode, [" "]).exit_code == 2
    result = CliRunner().invoke(geocode, ["alun2", "--pack", "atlantis"])
    assert result.exit_code == 1
    assert "not found" in result.output
