#!/usr/bin/env python3
"""Validates an OCDS release package against the official OCDS 1.1.5 schema (draft 4, with
Python's jsonschema, a third-party validator) and the closed codelists Fabriek uses.

Usage: python3 tools/ocds/validate.py PACKAGE.json   -> exit 0 when valid, 1 with the errors.
The schema files in tools/ocds/schema/ are unchanged copies of the standard's (Apache 2.0).
"""
import csv
import json
import os
import sys

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema")


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return json.load(f)


def codes(name):
    with open(os.path.join(HERE, "codelists", name + ".csv"), encoding="utf-8") as f:
        return {row["Code"] for row in csv.DictReader(f)}


def main(path):
    package_schema = load("release-package-schema.json")
    release_schema = load("release-schema.json")
    registry = Registry().with_resource(release_schema["id"], Resource.from_contents(release_schema, default_specification=DRAFT4))
    with open(path, encoding="utf-8") as f:
        package = json.load(f)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in Draft4Validator(package_schema, registry=registry).iter_errors(package)]
    closed = {
        "tender.status": codes("tenderStatus"), "tender.procurementMethod": codes("method"),
        "tender.mainProcurementCategory": codes("procurementCategory"), "award.status": codes("awardStatus"),
        "party.roles": codes("partyRole"), "tag": codes("releaseTag"), "initiationType": codes("initiationType"),
        "currency": codes("currency"),
    }

    def check(field, value, where):
        if value not in closed[field]:
            errors.append(f"{where}: '{value}' is not in the closed codelist of {field}")

    def currencies(node, where):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "currency":
                    check("currency", v, where + "/currency")
                else:
                    currencies(v, where + "/" + k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                currencies(v, f"{where}/{i}")

    for i, r in enumerate(package.get("releases", [])):
        at = f"releases/{i}"
        for t in r.get("tag", []):
            check("tag", t, at + "/tag")
        check("initiationType", r.get("initiationType"), at + "/initiationType")
        tender = r.get("tender", {})
        for key in ("status", "procurementMethod", "mainProcurementCategory"):
            if key in tender:
                check("tender." + key, tender[key], f"{at}/tender/{key}")
        for j, a in enumerate(r.get("awards", [])):
            if "status" in a:
                check("award.status", a["status"], f"{at}/awards/{j}/status")
        for j, p in enumerate(r.get("parties", [])):
            for role in p.get("roles", []):
                check("party.roles", role, f"{at}/parties/{j}/roles")
        currencies(r, at)
    if errors:
        print(f"{path}: {len(errors)} error(s)")
        for e in errors[:50]:
            print("  " + e)
        return 1
    print(f"{path}: valid OCDS 1.1 release package ({len(package.get('releases', []))} releases)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
