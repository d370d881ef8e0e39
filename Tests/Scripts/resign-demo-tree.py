#!/usr/bin/env python3
"""Re-signs the bundled example tree with fresh keys.

The demo tree's private keys are thrown away after signing, so changing the tree (a new
request, a new date) means signing it all again. This script:
  1. makes one fresh ed25519 key per principal that lists sshKeys (ssh-keygen -N ''),
     in a temporary folder that is deleted at the end, and writes the public halves into
     the principal files in place of the old ones;
  2. signs every decision of every request again, over the exact payload accessctl
     verifies (DESIGN.md section 4), and writes the new armor in place of the old one.
     A decision whose `specDigest:` reads `auto` gets the digest of the request's spec as
     it is now; any other digest is kept, so a voided decision stays voided;
  3. signs the configuration as its first trusted one (`accessctl config sign --previous
     none`) by the administrators, into trust/configuration.jsonl;
  4. leaves every other byte of every file as it was.

Usage (from the repository root, after `swift build`):
    python3 Tests/Scripts/resign-demo-tree.py [ROOT]        # ROOT defaults to access
Then run `accessctl validate` and regenerate the committed state and the test fixtures
(see the Continuous integration article, "The bundled tree").
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = sys.argv[1] if len(sys.argv) > 1 else "access"
ACCESSCTL = os.environ.get("ACCESSCTL", ".build/debug/accessctl")
# Who signs the bundled configuration, and when (before the bundled run).
ADMINISTRATORS = ["maria.lopez", "tom.becker"]
CONFIGURATION_SIGNED_AT = "2026-12-01T03:00:00Z"


def parse(path):
    out = subprocess.run([ACCESSCTL, "parse", path], check=True, capture_output=True)
    return json.loads(out.stdout)


def canonical(value):
    # RFC 8785 for the values a payload holds (strings, arrays, objects): keys sorted,
    # no spaces, UTF-8 as is. Keys are ASCII, so UTF-16 order is code point order.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def manifests(folder):
    for base, _, files in os.walk(os.path.join(ROOT, folder)):
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")):
                yield os.path.join(base, name)


def main():
    settings = parse(os.path.join(ROOT, "accessctl.yaml"))["spec"]
    organization = settings["organization"]
    namespace = settings.get("signatureNamespace", "accessctl")
    keys = tempfile.mkdtemp(prefix="accessctl-demo-keys-")
    try:
        key_of = {}
        for path in manifests("principals"):
            manifest = parse(path)
            if not manifest["spec"].get("sshKeys"):
                continue
            name = manifest["metadata"]["name"]
            key = os.path.join(keys, name)
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name + "@example", "-f", key], check=True)
            public = open(key + ".pub").read().strip()
            text = open(path).read()
            text, count = re.subn(r"(?m)^(\s*- )ssh-ed25519 \S+( \S+)?$", lambda m: m.group(1) + public, text, count=1)
            assert count == 1, f"{path}: no ssh-ed25519 line to replace"
            open(path, "w").write(text)
            key_of[name] = key

        for path in manifests("requests"):
            manifest = parse(path)
            decisions = manifest.get("status", {}).get("decisions", [])
            if not decisions:
                continue
            spec_digest = "sha256:" + hashlib.sha256(canonical(manifest["spec"])).hexdigest()
            lines = open(path).read().split("\n")
            digest_lines = [i for i, line in enumerate(lines) if line.strip().startswith("specDigest:")]
            signature_lines = [i for i, line in enumerate(lines) if line.strip() == "signature: |"]
            assert len(digest_lines) == len(signature_lines) == len(decisions), f"{path}: decisions are not one per signature block"
            # Work from the last decision up, so earlier line numbers stay right.
            for decision, digest_line, signature_line in reversed(list(zip(decisions, digest_lines, signature_lines))):
                digest = decision["specDigest"]
                if digest == "auto":
                    digest = spec_digest
                    lines[digest_line] = re.sub(r"specDigest: .*$", "specDigest: " + digest, lines[digest_line])
                payload = {
                    "type": "accessctl.decision/v1", "organization": organization, "request": manifest["metadata"]["name"],
                    "specDigest": digest, "decision": decision["decision"], "by": decision["by"], "at": decision["at"],
                }
                if decision["decision"] == "approve":
                    payload["terms"] = decision["terms"]
                if decision["decision"] != "relinquish" and "reason" in decision:
                    payload["reason"] = decision["reason"]
                message = os.path.join(keys, "payload")
                open(message, "wb").write(canonical(payload))
                if os.path.exists(message + ".sig"):
                    os.remove(message + ".sig")
                subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-f", key_of[decision["by"]], "-n", namespace, message], check=True, capture_output=True)
                armor = open(message + ".sig").read().strip().split("\n")
                indent = " " * (len(lines[signature_line]) - len(lines[signature_line].lstrip()) + 2)
                end = signature_line + 1
                while end < len(lines) and lines[end].startswith(indent):
                    end += 1
                lines[signature_line + 1:end] = [indent + line for line in armor]
            open(path, "w").write("\n".join(lines))
            print("signed", path)

        # The configuration, signed by the administrators as the first one (previous: none),
        # so the first reconcile records who vouched for it.
        trust = os.path.join(ROOT, "trust", "configuration.jsonl")
        if os.path.exists(trust):
            os.remove(trust)
        for admin in ADMINISTRATORS:
            subprocess.run([ACCESSCTL, "config", "sign", "--root", ROOT, "--as", admin, "--key", key_of[admin],
                            "--at", CONFIGURATION_SIGNED_AT, "--previous", "none"], check=True)
    finally:
        shutil.rmtree(keys)


if __name__ == "__main__":
    main()
