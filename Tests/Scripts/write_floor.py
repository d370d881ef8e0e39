"""The I/O floor for writing a report: re-creates every file of a report folder (same
folders, names and sizes, filler bytes) in a sibling folder, prints the seconds it took,
and removes the copy. usage: python3 write_floor.py REPORT_DIR"""
import os, shutil, sys, time

source = sys.argv[1].rstrip("/")
files = []
for folder, _, names in os.walk(source):
    for name in names:
        path = os.path.join(folder, name)
        files.append((os.path.relpath(path, source), os.path.getsize(path)))
target = source + ".floor"
shutil.rmtree(target, ignore_errors=True)
start = time.perf_counter()
for rel, size in files:
    path = os.path.join(target, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"x" * size)
print(f"{time.perf_counter() - start:.3f}")
shutil.rmtree(target)
