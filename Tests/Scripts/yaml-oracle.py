#!/usr/bin/env python3
"""Checks the YAML fixtures against an independent YAML 1.2 parser (ruamel.yaml).

For every case in Tests/Fixtures/yaml/accept, ruamel.yaml composes the
document and the result is read with the failsafe schema (every scalar a string, an empty
plain value null), which is what accessctl promises to give. With --write the expected
.json files are (re)written from ruamel's answer; without it they are compared.
For the reject cases it reports whether ruamel accepts the input (valid YAML outside the
subset) or rejects it too. Needs `pip install ruamel.yaml`; not used by `swift test`.
"""
import json, pathlib, sys
from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

root = pathlib.Path(__file__).resolve().parents[1] / "Fixtures" / "yaml"

def data(node):
    if isinstance(node, ScalarNode):
        return None if node.value == "" and node.style is None else node.value
    if isinstance(node, SequenceNode):
        return [data(n) for n in node.value]
    if isinstance(node, MappingNode):
        out = {}
        for k, v in node.value:
            key = data(k)
            if key in out:
                raise ValueError(f"duplicate key {key!r}")
            out[key] = data(v)
        return out
    raise TypeError(node)

def compose(text):
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    return yaml.compose(text)

write = "--write" in sys.argv
failures = 0
for case in sorted((root / "accept").glob("*.yaml")):
    text = case.read_bytes().decode("utf-8")
    node = compose(text)
    got = None if node is None else data(node)
    expected_path = case.with_suffix(".json")
    rendered = json.dumps(got, ensure_ascii=False, indent=2) + "\n"
    if write:
        expected_path.write_text(rendered, encoding="utf-8")
    elif json.loads(expected_path.read_text(encoding="utf-8")) != got:
        failures += 1
        print(f"MISMATCH {case.name}: ruamel gives {got!r}")
for case in sorted((root / "reject").glob("*.yaml")):
    text = case.read_bytes().decode("utf-8")
    try:
        node = compose(text)
        data(node) if node is not None else None
        verdict = "valid YAML, outside the subset"
    except Exception as error:
        verdict = "invalid YAML: " + str(error).splitlines()[0]
    print(f"reject/{case.name}: {verdict}")
print("ok" if failures == 0 else f"{failures} mismatches")
sys.exit(1 if failures else 0)
