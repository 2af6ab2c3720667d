"""Run one command and write its wall time, exit code and peak RSS to a JSON file.

bench/run.py starts every measured command through this small process instead of directly:
Linux carries a process's peak RSS across fork and exec (``ru_maxrss`` of a child the bench
forked would start at the bench's own resident set, hundreds of MB once it has built the 10×
input). Started from here, the command's ``ru_maxrss`` (``os.wait4``) starts from this
process's few MB and is the largest resident set of the command or of a descendant it waited
for. Usage: ``python bench/child.py RESULT.json COMMAND [ARG...]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path


def main() -> int:
    result, *command = sys.argv[1:]
    start = time.perf_counter()
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    record = {"seconds": seconds, "exit_code": child.returncode, "peak_rss_kb": usage.ru_maxrss}
    Path(result).write_text(json.dumps(record), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
