"""Prints the realm to import: the deployable realm merged with a dev overlay.

Lists in the overlay (users, clients) are appended; other keys override. The
deployable realm in deploy/keycloak stays free of demo accounts and test clients.
"""
import json
import sys

base = json.load(open(sys.argv[1]))
for path in sys.argv[2:]:
    overlay = json.load(open(path))
    for key, value in overlay.items():
        if isinstance(value, list) and isinstance(base.get(key), list):
            base[key] = base[key] + value
        else:
            base[key] = value
json.dump(base, sys.stdout, indent=2)
