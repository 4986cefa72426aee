"""The travel-time matrix layer and benchmark packs that use it."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from geodata.packs.benchmark import (
    BenchmarkError,
    CrowFlyTravelModel,
    load_benchmark_pack,
    resolve_benchmark_path,
)
from geodata.packs.matrix import MatrixError, MatrixTravelModel, load_travel_matrix

NODES = "node_id,lat,lon\nA,52.00,5.00\nB,52.00,5.10\nC,52.10,5.10\n"
# Asymmetric on purpose: A->B 300 s, B->A 420 s.
MATRIX = "from,A,B,C\nA,0,300,700\nB,420,0,500\nC,650,480,0\n"


def write(folder: Path, nodes: str = NODES, matrix: str = MATRIX) -> tuple[Path, Path]:
    (folder / "nodes.csv").write_text(nodes, encoding="utf-8")
    (folder / "matrix.csv").write_text(matrix, encoding="utf-8")
    return folder / "nodes.csv", folder / "matrix.csv"


def test_matrix_times_between_nodes_are_the_matrix(tmp_path):
    model = MatrixTravelModel(load_travel_matrix(*write(tmp_path)), turnout_s=30.0)
    a, b, c = (52.0, 5.0), (52.0, 5.1), (52.1, 5.1)
    assert model.eta(a, b, "AMBULANCE") == pytest.approx(330.0)
    assert model.eta(b, a, "AMBULANCE") == pytest.approx(450.0)
    etas = model.eta_many(np.array([a, b, c]), c, ["AMBULANCE"] * 3)
    assert etas.tolist() == pytest.approx([730.0, 530.0, 30.0])


def test_a_point_off_a_node_adds_the_access_leg(tmp_path):
    model = MatrixTravelModel(load_travel_matrix(*write(tmp_path)), access_kmh=36.0)
    # 0.009 deg north of A is ~1,000 m: 100 s at 10 m/s, then A->B.
    t = model.eta((52.009, 5.0), (52.0, 5.1), "AMBULANCE")
    assert t == pytest.approx(300.0 + 100.0, rel=0.01)


@pytest.mark.parametrize(
    ("nodes", "matrix", "message"),
    [
        (NODES, "from,A,C,B\nA,0,1,1\n", "matrix.csv line 1"),
        (NODES, "from,A,B,C\nA,0,300,700\nB,420,0\nC,1,1,0\n", "matrix.csv line 3"),
        (NODES, "from,A,B,C\nA,0,x,1\nB,1,0,1\nC,1,1,0\n", "not a number"),
        (NODES, "from,A,B,C\nA,0,-1,1\nB,1,0,1\nC,1,1,0\n", ">= 0"),
        (NODES, "from,A,B,C\nA,5,1,1\nB,1,0,1\nC,1,1,0\n", "diagonal"),
        ("node_id,lat,lon\nA,95,5\n", "from,A\nA,0\n", "out of range"),
        ("node_id,lat,lon\nA,52,5\nA,52,5.1\n", "from,A\nA,0\n", "repeated"),
    ],
)
def test_bad_files_fail_with_file_and_line(tmp_path, nodes, matrix, message):
    with pytest.raises(MatrixError, match=message):
        load_travel_matrix(*write(tmp_path, nodes, matrix))


def test_a_benchmark_pack_takes_a_matrix_without_code_changes(tmp_path):
    folder = tmp_path / "mini"
    shutil.copytree(resolve_benchmark_path("utrecht"), folder)
    nodes = "node_id,lat,lon\n" + "".join(
        f"S{s.id},{s.lat},{s.lon}\n" for s in load_benchmark_pack("utrecht").stations
    )
    ids = [line.split(",")[0] for line in nodes.splitlines()[1:]]
    rows = ["from," + ",".join(ids)]
    for i, a in enumerate(ids):
        rows.append(
            a + "," + ",".join("0" if i == j else "600" for j in range(len(ids)))
        )
    write(folder, nodes, "\n".join(rows) + "\n")
    toml = (folder / "benchmark.toml").read_text(encoding="utf-8")
    toml = toml.replace(
        'model = "crowfly"',
        'model = "matrix"\nnodes = "nodes.csv"\nmatrix = "matrix.csv"',
    )
    (folder / "benchmark.toml").write_text(toml, encoding="utf-8")
    pack = load_benchmark_pack(folder)
    assert isinstance(pack.travel, MatrixTravelModel)
    s1, s2 = pack.stations[0], pack.stations[1]
    assert pack.travel.eta((s1.lat, s1.lon), (s2.lat, s2.lon), "AMBULANCE") == 600.0
    assert isinstance(load_benchmark_pack("utrecht").travel, CrowFlyTravelModel)


def test_a_matrix_pack_without_its_files_is_refused(tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(resolve_benchmark_path("utrecht"), folder)
    toml = (folder / "benchmark.toml").read_text(encoding="utf-8")
    toml = toml.replace(
        'model = "crowfly"', 'model = "matrix"\nnodes = "n.csv"\nmatrix = "m.csv"'
    )
    (folder / "benchmark.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(BenchmarkError, match=r"n\.csv: file not found"):
        load_benchmark_pack(folder)
