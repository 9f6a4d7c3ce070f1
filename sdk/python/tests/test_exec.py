"""A kubeconfig's credential plugin (`exec`, as EKS, GKE and AKS write them), run as kubectl runs it,
against a stand-in for the API server on 127.0.0.1 that records each request's token."""

import json
import os
import shutil
import tempfile
import threading
import unittest
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from runwarden_worker.api import Api, ApiError, credentials_from_kubeconfig

RUN = "/apis/runwarden.io/v1alpha1/namespaces/team-a/qualificationruns/batch-7"

# A plugin that counts its runs and answers token tok-<run>, valid until $EXPIRES.
PLUGIN = """#!/bin/sh
n=$(($(cat "$COUNT" 2>/dev/null || echo 0) + 1))
echo "$n" > "$COUNT"
echo "$KUBERNETES_EXEC_INFO" > "$INFO"
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tok-%s","expirationTimestamp":"%s"}}' "$n" "$EXPIRES"
"""


class _StandIn(BaseHTTPRequestHandler):
    tokens: list = []
    refusals = 0

    def do_GET(self):
        _StandIn.tokens.append(self.headers.get("Authorization"))
        if _StandIn.refusals > 0:
            _StandIn.refusals -= 1
            code, body = 401, {"kind": "Status", "message": "Unauthorized"}
        else:
            code, body = 200, {"kind": "QualificationRun", "metadata": {"name": "batch-7"}}
        raw = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


class ExecPlugin(unittest.TestCase):
    def setUp(self):
        _StandIn.tokens = []
        _StandIn.refusals = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.dir = tempfile.mkdtemp(prefix="runwarden-exec-")
        self.command = os.path.join(self.dir, "plugin.sh")
        with open(self.command, "w") as f:
            f.write(PLUGIN)
        os.chmod(self.command, 0o755)

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()
        shutil.rmtree(self.dir)

    def api(self, expires, api_version=None):
        env = [
            {"name": "COUNT", "value": os.path.join(self.dir, "count")},
            {"name": "INFO", "value": os.path.join(self.dir, "info")},
            {"name": "EXPIRES", "value": expires},
        ]
        plugin = {"command": self.command, "env": env}
        if api_version:
            plugin["apiVersion"] = api_version
        return Api(credentials_from_kubeconfig({
            "clusters": [{"cluster": {"server": f"http://127.0.0.1:{self.server.server_address[1]}"}}],
            "users": [{"user": {"exec": plugin}}],
        }))

    def runs(self):
        with open(os.path.join(self.dir, "count")) as f:
            return int(f.read())

    def test_the_token_is_used_until_it_expires_and_asked_for_anew_after_a_401(self):
        api = self.api("2999-01-01T00:00:00Z", "client.authentication.k8s.io/v1")
        api.get(RUN)
        api.get(RUN)
        self.assertEqual(self.runs(), 1)  # valid for years: run once
        _StandIn.refusals = 1
        with self.assertRaises(ApiError) as refused:
            api.get(RUN)
        self.assertEqual(refused.exception.code, 401)
        api.get(RUN)
        self.assertEqual(self.runs(), 2)
        self.assertEqual(_StandIn.tokens, ["Bearer tok-1", "Bearer tok-1", "Bearer tok-1", "Bearer tok-2"])
        with open(os.path.join(self.dir, "info")) as f:
            self.assertEqual(json.load(f), {"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                                            "spec": {"interactive": False}})

    def test_an_expiring_credential_is_asked_for_again_once_it_is_about_to_expire(self):
        soon = (datetime.now(timezone.utc) + timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        api = self.api(soon)  # within the 10 s the library keeps in hand
        api.get(RUN)
        api.get(RUN)
        self.assertEqual(_StandIn.tokens, ["Bearer tok-1", "Bearer tok-2"])


if __name__ == "__main__":
    unittest.main()
