"""Run a command and print its peak resident memory as JSON.

``python -m benchmarks.peak_rss CMD ARGS...`` -> ``{"returncode", "max_rss_bytes", "stderr"}``.
Started fresh for every measurement: ``RUSAGE_CHILDREN`` then covers that one command only.
Imports nothing but the standard library, so the helper itself adds nothing to measure.
"""

from __future__ import annotations

import json
import subprocess
import sys

TIMEOUT_S = 110.0


def max_rss_bytes_of_children() -> int:
    import resource  # POSIX only; the benchmarks run on Linux and macOS.

    value = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return int(value) if sys.platform == "darwin" else int(value) * 1024


def main(command: list[str]) -> int:
    if not command:
        print("usage: python -m benchmarks.peak_rss CMD [ARGS...]", file=sys.stderr)
        return 2
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    report = {
        "returncode": result.returncode,
        "max_rss_bytes": max_rss_bytes_of_children(),
        "stderr": result.stderr[-2000:],
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
