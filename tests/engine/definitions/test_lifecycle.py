"""Versions with a life on the engine: one current per key under races, drafts, DMN rule diffs, the hash."""

from __future__ import annotations

from sqlalchemy import select

from engine.db import run_in_transaction
from engine.definitions import bundles, diff, lifecycle, versions
from engine.errors import Conflict
from engine.models import Definition
from tests.engine.helpers import ADMIN, BPMN, race

APPROVAL = (BPMN / "approval.bpmn").read_bytes()
FORMS = {f"forms/{p.name}": p.read_bytes() for p in sorted((BPMN / "forms").iterdir())}


def deploy_variant(factory, n: int, *, draft: bool = False) -> Definition:
    content = APPROVAL.replace(b'<bpmn:process id="approval"', f'<!-- {n} --><bpmn:process id="approval"'.encode())
    return run_in_transaction(factory, lambda s: versions.deploy_bundle(
        s, {"approval.bpmn": content, **FORMS}, ADMIN, draft=draft)).definition


def statuses(factory) -> dict[int, str]:
    with factory() as s:
        return {d.version: d.status for d in s.scalars(select(Definition).where(Definition.key == "approval"))}


def test_two_activations_at_once_leave_exactly_one_current_version(factory):
    deploy_variant(factory, 1)
    for n in (2, 3):
        deploy_variant(factory, n, draft=True)
    for _round in range(3):
        results = race(*(lambda v=v: run_in_transaction(
            factory, lambda s: lifecycle.activate(s, "approval", v, ADMIN, "rapat").version) for v in (2, 3)))
        assert sorted(results) == [2, 3], results
        found = statuses(factory)
        assert list(found.values()).count("current") == 1 and found[1] == "available"
        run_in_transaction(factory, lambda s: lifecycle.activate(s, "approval", 1, ADMIN, "kembali"))


def test_a_deploy_and_an_activation_at_once_leave_exactly_one_current_version(factory):
    deploy_variant(factory, 1)
    deploy_variant(factory, 2, draft=True)
    def activate() -> int:
        return run_in_transaction(factory, lambda s: lifecycle.activate(s, "approval", 2, ADMIN, "").version)

    results = race(lambda: deploy_variant(factory, 3).version, activate)
    assert sorted(results) == [2, 3], results
    assert list(statuses(factory).values()).count("current") == 1


def test_retired_versions_cannot_be_activated_and_the_current_one_cannot_be_retired(factory):
    deploy_variant(factory, 1)
    deploy_variant(factory, 2)
    for call, code in ((lambda s: lifecycle.retire(s, "approval", 2, ADMIN, ""), "definition_current_retire"),
                       (lambda s: (lifecycle.retire(s, "approval", 1, ADMIN, ""),
                                   lifecycle.activate(s, "approval", 1, ADMIN, "")), "definition_retired")):
        try:
            run_in_transaction(factory, call)
        except Conflict as exc:
            assert exc.code == code
        else:
            raise AssertionError(f"{code} expected")
    assert statuses(factory) == {1: "available", 2: "current"}  # the refused transaction stored nothing


def test_dmn_rules_are_compared_rule_by_rule(factory):
    sop = bundles.from_folder(BPMN.parents[2] / "processes" / "kitapun_senapas")
    first = run_in_transaction(factory, lambda s: versions.deploy_bundle(s, sop, ADMIN)).definition
    dmn = sop["kesiapan_pembinaan.dmn"].decode()
    rule = "&gt;= agency_setting('coaching_threshold')"
    assert rule in dmn
    changed = {**sop, "kesiapan_pembinaan.dmn": dmn.replace(rule, "&gt;= 65", 1).encode()}
    second = run_in_transaction(factory, lambda s: versions.deploy_bundle(s, changed, ADMIN)).definition
    with factory() as s:
        found = diff.compare(s.get(Definition, first.id), s.get(Definition, second.id))
    assert found["added"] == found["removed"] == [] and found["forms"] == []
    assert [(e["type"], e["process"], e["fields"]) for e in found["changed"]] == [
        ("rule", "kesiapan_pembinaan", ["input"])]
    assert found["files"]["changed"] == ["kesiapan_pembinaan.dmn"]


def test_the_bundle_hash_covers_every_name_and_byte_and_not_the_order():
    a = {"x.bpmn": b"1", "forms/a.json": b"{}"}
    assert bundles.digest(a) == bundles.digest(dict(reversed(list(a.items()))))
    assert bundles.digest(a) != bundles.digest({"x.bpmn": b"1", "forms/b.json": b"{}"})
    assert bundles.digest(a) != bundles.digest({"x.bpmn": b"1", "forms/a.json": b"{} "})
    assert bundles.digest({"ab": b"c"}) != bundles.digest({"a": b"bc"})
    assert bundles.from_zip(bundles.to_zip(a)) == a and bundles.to_zip(a) == bundles.to_zip(dict(reversed(a.items())))
