"""One line from `cairn bench --json` on stdin: PUT and GET throughput, rate, p50, errors, server RSS."""
import json
import sys

run = json.load(sys.stdin)
parts = []
for phase in run["phases"]:
    if phase["name"] == "DELETE":
        continue
    parts.append("{} {:.0f} MiB/s {:.1f} ops/s p50 {:.0f} ms err {}".format(
        phase["name"], phase["mibPerSecond"], phase["opsPerSecond"], phase["latencyMs"]["p50"], phase["errors"]))
probe = run.get("memoryProbe")
if probe:
    parts.append("server RSS max {:.0f} MiB".format(probe["maxRssMiB"]))
print("  ".join(parts))
