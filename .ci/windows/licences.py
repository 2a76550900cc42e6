#!/usr/bin/env python3
"""Prints LICENSES.txt for the Windows zip: the licence files of all code linked into bangtin.exe.

Usage: python3 .ci/windows/licences.py x86_64-pc-windows-gnu > LICENSES.txt
(run from the repository root, with the cargo that builds the Windows binary as $CARGO or
/usr/bin/cargo).

What is bundled: the crates that `cargo tree -e normal` lists for the Windows target (build
scripts and their helpers are not in the binary; proc-macro crates are listed, their licences
cost nothing), the C libraries vendored inside -sys crates (their licence files sit in the crate's
folders, so they are found the same way), Rust's standard library with the crates it is built
from, and the MinGW-w64 runtime and libgcc pieces linked statically. Identical licence texts are
printed once and referred to afterwards.
"""
import hashlib
import json
import os
import re
import subprocess
import sys

LICENCE_FILE = re.compile(r"^(LICEN[CS]E|COPYING|COPYRIGHT|NOTICE|PATENTS|UNLICENSE)([-._].*)?$", re.I)
SKIP_DIRS = {"tests", "test", "examples", "example", "docs", "doc", "benches", "target", ".git"}
RUST_SRC = "/usr/lib/rustlib/src/rust"
MINGW_DOCS = ["/usr/share/doc/mingw-w64-common/copyright", "/usr/share/doc/gcc-mingw-w64-base/copyright"]


def licence_files(folder, depth=3):
    """Licence files in a crate's folder and its vendored subfolders, in a stable order."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        rel = os.path.relpath(dirpath, folder)
        level = 0 if rel == "." else rel.count(os.sep) + 1
        dirnames[:] = sorted(d for d in dirnames if d.lower() not in SKIP_DIRS and level < depth)
        for name in sorted(filenames):
            if LICENCE_FILE.match(name):
                found.append(os.path.join(dirpath, name))
    return found


def bundled_packages(target):
    """(name, version, licence, folder) of every non-workspace package linked for `target`."""
    cargo = os.environ.get("CARGO", "/usr/bin/cargo")
    tree = subprocess.run(
        [cargo, "tree", "--locked", "-e", "normal", "--target", target, "--prefix", "none",
         "--format", "{p}", "-p", "bangtin"],
        check=True, capture_output=True, text=True).stdout
    wanted = set()
    for line in tree.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].startswith("v"):
            wanted.add((parts[0], parts[1][1:]))
    meta = json.loads(subprocess.run(
        [cargo, "metadata", "--locked", "--format-version", "1", "--filter-platform", target],
        check=True, capture_output=True, text=True).stdout)
    members = set(meta["workspace_members"])
    packages = []
    for p in meta["packages"]:
        if (p["name"], p["version"]) in wanted and p["id"] not in members:
            packages.append((p["name"], p["version"], p.get("license") or "see files",
                             os.path.dirname(p["manifest_path"])))
    return sorted(packages)


def main():
    target = sys.argv[1]
    packages = bundled_packages(target)
    groups = [(f"{n} {v} ({lic})", licence_files(d)) for n, v, lic, d in packages]
    vendor = os.path.join(RUST_SRC, "library", "vendor")
    std_files = [os.path.join(RUST_SRC, f) for f in sorted(os.listdir(RUST_SRC)) if LICENCE_FILE.match(f)]
    for crate in sorted(os.listdir(vendor)) if os.path.isdir(vendor) else []:
        std_files += licence_files(os.path.join(vendor, crate), depth=1)
    groups.append(("Rust standard library (std) and the crates it is built from", std_files))
    groups.append(("MinGW-w64 runtime and libgcc (linked statically)", [f for f in MINGW_DOCS if os.path.exists(f)]))

    out = sys.stdout
    out.write("Giấy phép của mã nguồn nằm trong bangtin.exe\r\n"
              "Licences of the code bundled in bangtin.exe\r\n\r\n"
              "bangtin: MIT licence. It contains the following free software:\r\n\r\n")
    for title, _ in groups:
        out.write(f"  {title}\r\n")
    seen = {}
    for title, files in groups:
        out.write(f"\r\n\r\n==================== {title} ====================\r\n")
        if not files:
            out.write("(no licence file in the package; its licence is the one named above)\r\n")
        for path in files:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", errors="replace").replace("\r\n", "\n")
            label = os.path.relpath(path, os.path.dirname(os.path.dirname(path)))
            digest = hashlib.sha256(text.strip().encode()).hexdigest()
            if digest in seen:
                out.write(f"\r\n--- {label}: same text as {seen[digest]} ---\r\n")
                continue
            seen[digest] = f"{title.split(' (')[0]}, {label}"
            out.write(f"\r\n--- {label} ---\r\n\r\n" + text.strip().replace("\n", "\r\n") + "\r\n")


if __name__ == "__main__":
    main()
