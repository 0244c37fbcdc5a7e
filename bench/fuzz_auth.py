"""Schemathesis hook (SCHEMATHESIS_HOOKS=bench/fuzz_auth): a real Keycloak access token for the admin API.

Access tokens live minutes and admin operations take no Berth API token, so the token is fetched through the dev
stack's password-grant client and fetched again before it expires. Credentials come from the stack's stack.env
(FUZZ_STACK_ENV), never from the command line.
"""
import json
import os
import urllib.parse
import urllib.request

import schemathesis


def _stack_env():
    values = {}
    with open(os.environ["FUZZ_STACK_ENV"], encoding="utf-8") as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                key, _, value = line.rstrip("\n").partition("=")
                values[key] = value
    return values


@schemathesis.auth(refresh_interval=120)
class KeycloakAdmin:
    def get(self, case, context):
        env = _stack_env()
        form = urllib.parse.urlencode({
            "grant_type": "password", "client_id": env["DEV_CLI_CLIENT"], "scope": "openid",
            "username": env["DEMO_ADMIN"], "password": env["DEMO_ADMIN_PASSWORD"],
        }).encode()
        url = f"{env['KEYCLOAK_URL']}/realms/{env['KEYCLOAK_REALM']}/protocol/openid-connect/token"
        with urllib.request.urlopen(urllib.request.Request(url, data=form), timeout=30) as r:
            return json.load(r)["access_token"]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
