#!/usr/bin/env python3
"""The core's layering, checked on its #include lines (docs/architecture.md, "Layers"):
the object model (objects/) and what works on it -- durability/, cluster/, admin/ -- never
include the S3 HTTP layer (s3/); s3/ never includes admin/ (the server dispatches the admin
API before S3 routing); nothing below server/ includes server/. Exits 1 listing violations."""
import re
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "core" / "src"
FORBIDDEN = {
    # objects/ schedules the deferred free of what it replaces (durability/deferred_free.h).
    "objects": {"s3", "admin", "server", "cluster"},
    "durability": {"s3", "admin", "server"},
    "cluster": {"s3", "admin", "server"},
    "admin": {"s3", "server"},
    "lifecycle": {"s3", "admin", "server"},
    "s3": {"admin", "server"},
    "meta": {"s3", "admin", "server", "objects"},
    "data": {"s3", "admin", "server", "objects"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_0-9]+)/')


def main():
    violations = []
    for directory, banned in sorted(FORBIDDEN.items()):
        for path in sorted((SRC / directory).rglob("*")):
            if path.suffix not in (".h", ".cpp"):
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                m = INCLUDE.match(line)
                if m and m.group(1) in banned:
                    violations.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    for v in violations:
        print(f"layering violation: {v}")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
