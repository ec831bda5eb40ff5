#!/usr/bin/env python3
"""Every Catch2 test name must survive CTest's discovery: a ';' splits a name into a list there, so
the test registered under the cut name runs nothing and still reports Passed."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
pattern = re.compile(r'TEST_CASE\(\s*"((?:[^"\\]|\\.)*)"')
bad = []
for path in sorted(root.glob("**/*.cpp")):
    if any(part.startswith("build") or part == "node_modules" for part in path.relative_to(root).parts):
        continue
    for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        for match in pattern.finditer(line):
            if ";" in match.group(1):
                bad.append(f"{path.relative_to(root)}:{number}: a ';' in the test name {match.group(1)!r}")
print("\n".join(bad) if bad else "no test name holds a ';'")
sys.exit(1 if bad else 0)
