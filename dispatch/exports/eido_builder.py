"""Assembles the components of one EIDO, each with its ``$id``.

The agencies and agents an incident mentions are collected once each, with
the roles they played, while :mod:`dispatch.exports.eido` walks the
incident; every component carries the same update stamp and the centre as
the agency that last updated it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dispatch.clock import ensure_utc
from dispatch.exports import codes


def timestamp(value: datetime, zone: ZoneInfo) -> str:
    """RFC 3339 with the center's offset, e.g. ``2026-11-27T08:25:55+07:00``."""
    return ensure_utc(value).astimezone(zone).isoformat(timespec="seconds")


def ref(target: str) -> dict[str, str]:
    return {"$ref": target}


class EidoBuilder:
    """Collects the components of one EIDO, keyed by ``$id``."""

    def __init__(
        self,
        domain: str,
        zone: ZoneInfo,
        stamp: str,
        center: str,
        services: Mapping[str, str | None],
    ) -> None:
        self.domain = domain
        self.zone = zone
        self.stamp = stamp
        self.center = center
        self.services = services
        self.center_id = f"{center.lower()}.{domain}"
        self.agencies: dict[str, dict[str, Any]] = {}
        self.agents: dict[str, dict[str, Any]] = {}

    def prologue(self, cid: str, agent: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "$id": cid,
            "lastUpdateTimeStamp": self.stamp,
            "updatedByAgencyReference": ref(self.center_id),
        }
        if agent is not None:
            body["updatedByAgentReference"] = ref(agent)
        return body

    def component_id(self, kind: str, key: object) -> str:
        unique = re.sub(r"[^A-Za-z0-9]", "", f"{kind}{key}")
        return f"urn:emergency:uid:eidodatacomponent:{unique}:{self.center_id}"

    def agency(self, code: str, kind: str, role: str, *, owner: bool = False) -> str:
        aid = f"{code.lower()}.{self.domain}"
        entry = self.agencies.get(aid)
        if entry is None:
            entry = self.prologue(aid)
            entry["agencyRoleDescriptionRegistryText"] = []
            entry["agencyType"] = [codes.agency_type(kind, self.services.get(code))]
            if owner:
                entry["incidentOwningAgencyIndicator"] = True
            self.agencies[aid] = entry
        if role not in entry["agencyRoleDescriptionRegistryText"]:
            entry["agencyRoleDescriptionRegistryText"].append(role)
        return aid

    def agent(self, name: str, role: str, agency_id: str) -> str:
        aid = f"{name}@{agency_id}"
        if aid not in self.agents:
            entry = self.prologue(aid)
            entry["agentRoleRegistryText"] = [role]
            entry["agencyReference"] = ref(agency_id)
            self.agents[aid] = entry
        return aid
