"""A small made-up city written as an OSM extract with pyosmium.

Kota Sukamaju (made up): two kelurahan side by side, a grid of named streets,
a market, a mosque, a school, a fire station, a police post and a hospital.
Positions are near (-7.500, 110.000); nothing here is a real place.
"""

from __future__ import annotations

import json
from pathlib import Path

# west kelurahan: lon 110.000-110.010; east: 110.010-110.020; lat -7.510..-7.500
WEST = [[110.000, -7.510], [110.010, -7.510], [110.010, -7.500], [110.000, -7.500]]
EAST = [[110.010, -7.510], [110.020, -7.510], [110.020, -7.500], [110.010, -7.500]]

#: (id, lon, lat, tags) of tagged nodes.
PLACES = [
    (101, 110.0032, -7.5031, {"amenity": "marketplace", "name": "Pasar Sukamaju"}),
    (
        102,
        110.0148,
        -7.5062,
        {"amenity": "place_of_worship", "name": "Masjid Al Ikhlas"},
    ),
    (
        103,
        110.0171,
        -7.5022,
        {"amenity": "fire_station", "name": "Pos Pemadam Sukamaju"},
    ),
    (104, 110.0051, -7.5081, {"amenity": "police", "name": "Polsek Sukamaju"}),
    (105, 110.0122, -7.5089, {"amenity": "hospital", "name": "RS Harapan Sehat"}),
    (106, 110.0305, -7.5300, {"amenity": "cafe", "name": "Warung Di Luar Kota"}),
    (107, 110.0090, -7.5045, {"amenity": "bench"}),  # no name: not a landmark
]
#: Streets: (way id, name, highway, [(lon, lat), ...]).
STREETS = [
    (
        201,
        "Jalan Merdeka",
        "secondary",
        [(110.001, -7.505), (110.010, -7.505), (110.019, -7.505)],
    ),
    (
        202,
        "Jalan Melati",
        "residential",
        [(110.005, -7.509), (110.005, -7.505), (110.005, -7.501)],
    ),
    (
        203,
        "Jalan Kenanga",
        "residential",
        [(110.015, -7.509), (110.015, -7.505), (110.015, -7.501)],
    ),
    (204, "", "service", [(110.010, -7.505), (110.010, -7.508)]),
]
#: A school drawn as a closed way (stands at the mean of its corners).
SCHOOL = (
    301,
    "SD Negeri 2 Sukamaju",
    [
        (110.0120, -7.5020),
        (110.0130, -7.5020),
        (110.0130, -7.5030),
        (110.0120, -7.5030),
    ],
)


def write_osm(path: Path) -> Path:
    """Write the extract (``.osm.pbf`` or ``.osm`` by the name's suffix)."""
    import osmium
    from osmium.osm.mutable import Node, Way

    nodes: dict[tuple[float, float], int] = {}
    next_id = [1000]

    def node_id(lon: float, lat: float) -> int:
        key = (lon, lat)
        if key not in nodes:
            next_id[0] += 1
            nodes[key] = next_id[0]
        return nodes[key]

    ways = []
    for wid, name, highway, coords in STREETS:
        tags = {"highway": highway}
        if name:
            tags["name"] = name
        ways.append((wid, [node_id(*c) for c in coords], tags))
    sid, sname, corners = SCHOOL
    refs = [node_id(*c) for c in corners]
    ways.append((sid, [*refs, refs[0]], {"amenity": "school", "name": sname}))

    writer = osmium.SimpleWriter(str(path))
    try:
        for nid, lon, lat, tags in PLACES:
            writer.add_node(Node(id=nid, location=(lon, lat), tags=tags, version=1))
        for (lon, lat), nid in sorted(nodes.items(), key=lambda kv: kv[1]):
            writer.add_node(Node(id=nid, location=(lon, lat), tags={}, version=1))
        for wid, refs, tags in ways:
            writer.add_way(Way(id=wid, nodes=refs, tags=tags, version=1))
    finally:
        writer.close()
    return path


def write_boundary(path: Path) -> Path:
    """Two kelurahan of one kecamatan, as a FeatureCollection."""
    feats = [
        {
            "type": "Feature",
            "properties": {"name": name, "code": code, "kecamatan": "Sukamaju"},
            "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
        }
        for name, code, ring in (
            ("Kauman", "01.01", WEST),
            ("Karanganyar", "01.02", EAST),
        )
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path
