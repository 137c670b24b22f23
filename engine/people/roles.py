"""Roles and the one mapping from BPMN lane names to the roles that may work them."""

from __future__ import annotations

ROLES: tuple[str, ...] = ("kabid", "subkoor", "petugas", "mitra", "pustakawan", "admin")

# Lane name -> roles. A lane named after a role belongs to that role; the coordination lane of
# the SOP is shared by the three roles of the Bidang Perpustakaan; `publik` holds only the
# start event of the complaint process, which the public form starts without a login.
LANE_ROLES: dict[str, frozenset[str]] = {
    **{role: frozenset({role}) for role in ROLES},
    "koordinasi": frozenset({"kabid", "subkoor", "petugas"}),
    "publik": frozenset(),
}

# Roles that see every instance and may suspend, resume, cancel, reassign and retry.
SUPERVISOR_ROLES: frozenset[str] = frozenset({"kabid", "subkoor", "admin"})

# The roles of the Bidang Perpustakaan: the officers and their two supervisors. Its people are listed
# in the supervisors' workload view even when they hold nothing.
BIDANG_ROLES: frozenset[str] = frozenset({"petugas", "subkoor", "kabid"})

# Roles whose holders may be named for a visit (lead or team member of a monev or coaching visit):
# the officers and their two supervisors, who sometimes go themselves.
VISIT_ROLES: frozenset[str] = BIDANG_ROLES

# Roles that may deploy definitions (BPMN scripts are code: only process owners).
DEPLOY_ROLES: frozenset[str] = frozenset({"admin"})

# The agency's staff, who see every library, cycle and letter: the Bidang Perpustakaan and the
# process administrators (a pustakawan or a mitra sees only its own, `engine.people.scope`).
STAFF_ROLES: frozenset[str] = BIDANG_ROLES | DEPLOY_ROLES

LABELS: dict[str, str] = {
    "kabid": "Kepala Bidang Perpustakaan",
    "subkoor": "Sub Koordinator",
    "petugas": "Petugas (Pustakawan Pembina)",
    "mitra": "Instansi Penaung (Mitra)",
    "pustakawan": "Pustakawan Perpustakaan",
    "admin": "Administrator Proses",
    "koordinasi": "Koordinasi Bidang Perpustakaan",
    "publik": "Publik",
}


def is_known_lane(lane: str) -> bool:
    """True when the engine knows which roles work this lane."""
    return lane in LANE_ROLES


def roles_for_lane(lane: str | None) -> frozenset[str]:
    """Roles that may work tasks in a lane; a task outside any lane is for supervisors."""
    if lane is None:
        return SUPERVISOR_ROLES
    return LANE_ROLES.get(lane, frozenset())


def may_work_lane(roles: frozenset[str], lane: str | None) -> bool:
    """True when one of the roles may work tasks of this lane."""
    return bool(roles & roles_for_lane(lane))


def may_visit(roles: frozenset[str]) -> bool:
    """True when the roles allow a person to be named lead or member of a visit team."""
    return bool(roles & VISIT_ROLES)


def is_supervisor(roles: frozenset[str]) -> bool:
    """True when the roles include a supervisor role."""
    return bool(roles & SUPERVISOR_ROLES)
