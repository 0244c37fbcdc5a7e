#!/usr/bin/env python3
"""Mean latency per request between two scrapes of the API server's /metrics:
   bench/apiserver-latency.py before.txt after.txt [most rows]
Prints the pod and quota requests, etcd operations and admission plugins that ran in between,
slowest first, to show where a pod's create call spends its time."""
import re
import sys

SAMPLE = re.compile(r'(\S+?)(\{.*\})? (\S+)$')
WANTED = ('apiserver_request_duration_seconds', 'etcd_request_duration_seconds',
          'apiserver_admission_controller_admission_duration_seconds')


def load(path):
    values = {}
    with open(path) as f:
        for line in f:
            m = SAMPLE.match(line.strip())
            if m and not line.startswith('#'):
                values[(m.group(1), m.group(2) or '')] = float(m.group(3))
    return values


before, after = load(sys.argv[1]), load(sys.argv[2])
rows = []
for (name, labels), total in after.items():
    base = name[:-len('_sum')]
    if not name.endswith('_sum') or base not in WANTED:
        continue
    if base != WANTED[2] and 'pods' not in labels and 'resourcequotas' not in labels:
        continue
    count = after.get((base + '_count', labels), 0) - before.get((base + '_count', labels), 0)
    if count > 0:
        rows.append(((total - before.get((name, labels), 0)) / count * 1000, int(count), base, labels))
rows = [r for r in sorted(rows, reverse=True) if r[2] != WANTED[2] or r[0] >= 0.05]
for ms, count, base, labels in rows[:int(sys.argv[3]) if len(sys.argv) > 3 else None]:
    print(f'{ms:9.2f} ms x{count:6d}  {base.replace("_duration_seconds", "")} {labels}')
