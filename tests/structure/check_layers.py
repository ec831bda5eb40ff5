#!/usr/bin/env python3
"""Checks that every host component includes only the components host/CMakeLists.txt declares it
depends on (directly or through them), and that the declared dependencies have no cycle.

usage: check_layers.py <repository root>
Prints each violation (file, include, what the component may use) and exits 1 if there is one.
"""
import os
import re
import sys


def declared(cmake_text):
    """{component: set of directly declared terrarium_ components} from terrarium_component() calls."""
    deps = {}
    for m in re.finditer(r"terrarium_component\(\s*(\w+)(.*?)\)\s*$", cmake_text, re.S | re.M):
        name, rest = m.group(1), m.group(2)
        deps[name] = set(re.findall(r"terrarium_(\w+)", rest))
    return deps


def closure(deps, name, seen=None):
    seen = set() if seen is None else seen
    for d in deps.get(name, ()):
        if d not in seen:
            seen.add(d)
            closure(deps, d, seen)
    return seen


def main():
    root = sys.argv[1]
    host = os.path.join(root, "host")
    with open(os.path.join(host, "CMakeLists.txt")) as f:
        deps = declared(f.read())
    problems = []
    for name in deps:
        if name in closure(deps, name):
            problems.append(f"host/CMakeLists.txt: component '{name}' depends on itself through {sorted(deps[name])}")
    components = set(deps)
    for name in sorted(deps):
        allowed = closure(deps, name) | {name}
        folder = os.path.join(host, name)
        for file in sorted(os.listdir(folder)):
            if not file.endswith((".h", ".cpp")):
                continue
            with open(os.path.join(folder, file)) as f:
                for number, line in enumerate(f, 1):
                    m = re.match(r'\s*#\s*include\s+"(\w+)/', line)
                    if m and m.group(1) in components and m.group(1) not in allowed:
                        problems.append(f"host/{name}/{file}:{number}: includes {m.group(1)}/, but '{name}' may use only "
                                        f"{', '.join(sorted(allowed))} (host/CMakeLists.txt)")
    for p in problems:
        print(p)
    print(f"{len(deps)} components checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
