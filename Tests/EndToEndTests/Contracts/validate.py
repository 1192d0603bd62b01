#!/usr/bin/env python3
"""Validate a JSON document against one schema of openai-chat.schema.json (draft 2020-12).

usage: validate.py SCHEMA_NAME FILE.json      exit 0 when valid; prints the errors otherwise
"""
import json
import os
import sys

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "openai-chat.schema.json")) as f:
    document = json.load(f)
name, path = sys.argv[1], sys.argv[2]
with open(path) as f:
    instance = json.load(f)

resource = Resource.from_contents(document, default_specification=DRAFT202012)
registry = Registry().with_resource("urn:openai-chat", resource)
schema = {"$ref": "urn:openai-chat#/components/schemas/" + name}
validator = jsonschema.Draft202012Validator(schema, registry=registry)
errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
for error in errors:
    print("/".join(str(p) for p in error.path) or "(root)", ":", error.message)
sys.exit(1 if errors else 0)
