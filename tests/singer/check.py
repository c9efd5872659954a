#!/usr/bin/env python3
"""check.py FILE: check a Singer stream as a target would take it.

The message shapes are the specification's (hub.meltano.com/singer/spec;
SPEC.md of singer-io/getting-started; parse_message in singer-python's
messages.py): every line one JSON object with a "type"; SCHEMA has
"stream", "schema" and "key_properties" (strings naming top-level
properties of the schema), RECORD has "stream" and an object "record",
STATE has "value".  Each record is validated against its stream's schema
with the standard library (no jsonschema package): "type" (one or a
list), "required", "enum", "properties" and "items", recursively.  The
stream must end with a STATE after its last RECORD.

Prints a summary (the messages in order, runs of RECORDs counted) and
exits 0, or prints "FILE:LINE: reason" on standard error and exits 1.
"""
import json
import sys

TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float))
    and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


class Bad(Exception):
    pass


def validate(v, schema, where):
    t = schema.get("type")
    if t is not None:
        ts = t if isinstance(t, list) else [t]
        if not any(TYPES[x](v) for x in ts):
            raise Bad("%s: %r is not of type %s" % (where, v, t))
    if "enum" in schema and v not in schema["enum"]:
        raise Bad("%s: %r is not one of %s" % (where, v, schema["enum"]))
    if isinstance(v, dict):
        for k in schema.get("required", []):
            if k not in v:
                raise Bad("%s: required %r is missing" % (where, k))
        for k, sub in schema.get("properties", {}).items():
            if k in v:
                validate(v[k], sub, where + "." + k)
    if isinstance(v, list) and "items" in schema:
        for i, x in enumerate(v):
            validate(x, schema["items"], "%s[%d]" % (where, i))


def strings(v):
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def check(path):
    schemas = {}
    out = []
    last = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    else:
        raise Bad("%s: the last line has no newline" % path)
    for n, line in enumerate(lines, 1):
        at = "%s:%d" % (path, n)
        try:
            m = json.loads(line)
        except ValueError as e:
            raise Bad("%s: not JSON: %s" % (at, e))
        if not isinstance(m, dict) or not isinstance(m.get("type"), str):
            raise Bad("%s: not an object with a \"type\" string" % at)
        kind = m["type"]
        if kind == "SCHEMA":
            for k in ("stream", "schema", "key_properties"):
                if k not in m:
                    raise Bad("%s: SCHEMA without %r" % (at, k))
            props = m["schema"].get("properties", {})
            for k in ("key_properties", "bookmark_properties"):
                if k in m and (not strings(m[k]) or
                               any(p not in props for p in m[k])):
                    raise Bad("%s: %s %r are not properties of the "
                              "schema" % (at, k, m[k]))
            schemas[m["stream"]] = m["schema"]
            out.append("SCHEMA %s key_properties=%s%s" % (
                m["stream"], ",".join(m["key_properties"]),
                " bookmark_properties=" + ",".join(
                    m["bookmark_properties"])
                if "bookmark_properties" in m else ""))
        elif kind == "RECORD":
            if not isinstance(m.get("stream"), str):
                raise Bad("%s: RECORD without a \"stream\" string" % at)
            if not isinstance(m.get("record"), dict):
                raise Bad("%s: RECORD without an object \"record\"" % at)
            if m["stream"] not in schemas:
                raise Bad("%s: RECORD of %r before its SCHEMA"
                          % (at, m["stream"]))
            validate(m["record"], schemas[m["stream"]], at + ": record")
            head = "RECORD %s x " % m["stream"]
            if out and out[-1].startswith(head):
                out[-1] = head + str(int(out[-1][len(head):]) + 1)
            else:
                out.append(head + "1")
        elif kind == "STATE":
            if "value" not in m:
                raise Bad("%s: STATE without \"value\"" % at)
            out.append("STATE")
        last = kind
    if last != "STATE":
        raise Bad("%s: the stream does not end with a STATE" % path)
    return out


def main():
    try:
        for line in check(sys.argv[1]):
            print(line)
    except Bad as e:
        print(e, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
