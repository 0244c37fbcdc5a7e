"""Reads schemathesis NDJSON events on stdin; prints how many requests were sent and how many answered 5xx."""
import collections
import json
import sys

statuses = collections.Counter()


def walk(node):
    if isinstance(node, dict):
        response = node.get("response")
        if isinstance(response, dict) and isinstance(response.get("status_code"), int):
            statuses[response["status_code"]] += 1
        for value in node.values():
            walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)


for line in sys.stdin:
    line = line.strip()
    if line:
        walk(json.loads(line))
total = sum(statuses.values())
errors = sum(n for code, n in statuses.items() if code >= 500)
print(f"responses seen in the events: {total}, {errors} 5xx; by status: {dict(sorted(statuses.items()))}")
