#!/usr/bin/env python3
"""Validates a CycloneDX 1.6 JSON BOM against the official schema.

Usage: validate_cyclonedx.py SCHEMA_DIR BOM.json
SCHEMA_DIR holds bom-1.6.schema.json with the spdx and jsf schemas it refers
to (tests/data/cyclonedx/). Exit 0: valid; 1: the schema rejects the BOM (each
error on stderr); 2: usage, or python3-jsonschema missing. Offline: every $ref
resolves to the local copies.
"""
import json
import os
import sys
import warnings

def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import jsonschema
    except ImportError:
        print("python3-jsonschema is not installed (scripts/deps.sh --tests)", file=sys.stderr)
        return 2
    schema_dir, bom_path = sys.argv[1], sys.argv[2]
    store = {}
    for name in ("bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json"):
        with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
            schema = json.load(f)
        store[schema["$id"]] = schema
    root = store["http://cyclonedx.org/schema/bom-1.6.schema.json"]
    with open(bom_path, encoding="utf-8") as f:
        bom = json.load(f)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        resolver = jsonschema.RefResolver(root["$id"], root, store=store)
        validator = jsonschema.Draft7Validator(root, resolver=resolver,
                                               format_checker=jsonschema.FormatChecker())
        errors = sorted(validator.iter_errors(bom), key=lambda e: list(map(str, e.path)))
    for e in errors:
        print("%s: %s" % ("/".join(map(str, e.path)) or "(root)", e.message[:300]),
              file=sys.stderr)
    return 1 if errors else 0

if __name__ == "__main__":
    sys.exit(main())
