"""Database URLs as operators write them, made into what SQLAlchemy parses.

A Patroni cluster is reached with one URL naming every server, the way libpq
writes it: ``postgresql+psycopg://siaga@h1:5432,h2:5432,h3:5432/siaga?
target_session_attrs=read-write``. SQLAlchemy reads only one host from the
address part, but passes repeated ``host`` query parameters on to libpq, which
then tries each server in turn and keeps the first that accepts writes. This
module turns the first spelling into the second, so both work everywhere a
URL is accepted (``--db``, ``SIAGA_DATABASE_URL``, the configuration file).
"""

from __future__ import annotations

from urllib.parse import quote

#: libpq's per-host connect timeout and TCP keepalives: a server that
#: vanished without closing its sockets (power loss, a cut cable) is given up
#: within seconds instead of the kernel's minutes, so the desk moves on to
#: the next host and finds the new leader (docs/cluster.md, "Timings").
POSTGRES_CONNECT_ARGS: dict[str, int] = {
    "connect_timeout": 3,
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
}


def normalize_url(url: str) -> str:
    """Rewrite ``h1:p1,h2:p2`` in a PostgreSQL URL's address into ``host=`` parameters.

    Any other URL is returned unchanged. A host list with an empty entry is
    refused (``ValueError``) rather than guessed at.
    """
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme.startswith("postgresql"):
        return url
    netloc, _slash, tail = rest.partition("/")
    userinfo, at, hosts = netloc.rpartition("@")
    if "," not in hosts:
        return url
    entries = hosts.split(",")
    if any(not entry.strip() for entry in entries):
        raise ValueError(f"the database URL has an empty host in {hosts!r}")
    database, _question, query = tail.partition("?")
    params = [f"host={quote(entry.strip(), safe=':[]')}" for entry in entries]
    if query:
        params.append(query)
    return f"{scheme}://{userinfo}{at}/{database}?{'&'.join(params)}"
