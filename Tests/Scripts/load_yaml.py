#!/usr/bin/env python3
"""What a user would write instead of accessctl: load every manifest with PyYAML's C loader."""
import os
import sys

import yaml

root = sys.argv[1]
count = 0
for folder, dirs, files in os.walk(root):
    dirs[:] = [d for d in dirs if not d.startswith(".") and not (folder == root and d in ("state", "audit"))]
    for name in files:
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(folder, name), "rb") as f:
                yaml.load(f, Loader=yaml.CSafeLoader)
            count += 1
print(f"{count} files loaded", file=sys.stderr)
