#!/usr/bin/env python3
"""Prints bench/run's JSON lines as a table next to the DESIGN.md section 8 budgets."""
import json, sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
# Budgets apply to the rates while the data is steady: from 10 s after start (bench/run's
# --steady-from), after the first answers arrived. The rates from the first quiet moment
# (tuimeter's steady_*) are shown too; they include a large first answer that arrives
# after the skeleton frame (10,000 alerts).
cols = [("cpu % 10-60 s", "late_cpu_percent", 0.5), ("cpu % after 1st frame", "steady_cpu_percent", None),
        ("KB/min 10-60 s", "late_bytes_per_minute", 10.0), ("KB/min after 1st frame", "steady_bytes_per_minute", None),
        ("RSS MiB", "peak_rss_kib", 20.0), ("first byte ms", "first_byte_ms", None),
        ("first frame ms", "first_frame_settled_ms", 50.0),
        ("key p50 ms", "input_latency_ms_p50", None), ("key p95 ms", "input_latency_ms_p95", 20.0)]
print("| case | " + " | ".join(c[0] for c in cols) + " |")
print("|---|" + "---|" * len(cols))
for r in rows:
    res, cells = r["result"], []
    for name, key, budget in cols:
        v = res.get(key)
        if v is None:
            cells.append("n/a"); continue
        if key in ("steady_bytes_per_minute", "late_bytes_per_minute"):
            v = v / 1000
        if key == "peak_rss_kib":
            v = v / 1024
            budget = 40.0 if r["case"].startswith("alerts10k") else budget
        mark = "" if budget is None or v < budget else " (over)"
        cells.append(f"{v:.2f}{mark}")
    print(f"| {r['case']} | " + " | ".join(cells) + " |")
