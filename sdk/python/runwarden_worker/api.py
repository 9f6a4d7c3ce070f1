"""A small Kubernetes API client: what a worker needs and nothing more (standard library only).

Credentials: in a pod, its service account (token, CA, namespace); elsewhere the current context
of the kubeconfig as `kubectl config view --raw --minify -o json` resolves it (KUBECONFIG or
~/.kube/config), with a bearer token, a client certificate, or a credential plugin (`exec`: EKS, GKE,
AKS, OIDC helpers) run as kubectl runs it.
"""

from __future__ import annotations

import base64
import json
import os
import re
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple

SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"


class ApiError(Exception):
    """An API request that did not succeed. `code` 0 means no answer (connection, timeout)."""

    def __init__(self, code: int, message: str):
        super().__init__(f"{code} {message}" if code else message)
        self.code = code

    @property
    def transient(self) -> bool:
        """Worth trying again, like client-go: no answer, a timeout, 429, 5xx (but 501)."""
        return self.code in (0, 408, 429) or (self.code >= 500 and self.code != 501)


@dataclass
class Credentials:
    server: str
    namespace: Optional[str]
    token: Optional[str] = None
    ca_file: Optional[str] = None
    cert_file: Optional[str] = None
    key_file: Optional[str] = None
    insecure: bool = False
    # Read again before every request when set: the kubelet rotates a pod's service-account token
    # (bound tokens expire, by default after about an hour), and a worker runs for hours.
    token_file: Optional[str] = None
    # A kubeconfig user's `exec` entry: a credential plugin (client.authentication.k8s.io).
    exec: Optional[Dict[str, Any]] = None


@dataclass
class _PluginCredential:
    token: Optional[str]
    context: Optional[ssl.SSLContext]  # when the plugin gave a client certificate
    expires: Optional[float]  # seconds since the epoch; None: until refused


# A plugin's answer is used until this long before it expires: client-go does not wait for the end.
EXEC_EARLY = 10.0


def _data_file(b64: str, suffix: str) -> str:
    f = tempfile.NamedTemporaryFile(prefix="runwarden-", suffix=suffix, delete=False)
    f.write(base64.b64decode(b64))
    f.close()
    return f.name


def in_cluster() -> Optional[Credentials]:
    host, port = os.environ.get("KUBERNETES_SERVICE_HOST"), os.environ.get("KUBERNETES_SERVICE_PORT")
    token_file = os.path.join(SERVICE_ACCOUNT, "token")
    if not host or not port or not os.path.exists(token_file):
        return None
    with open(token_file) as f:
        token = f.read().strip()
    namespace = None
    ns_file = os.path.join(SERVICE_ACCOUNT, "namespace")
    if os.path.exists(ns_file):
        with open(ns_file) as f:
            namespace = f.read().strip()
    if ":" in host:
        host = f"[{host}]"
    return Credentials(f"https://{host}:{port}", namespace, token, os.path.join(SERVICE_ACCOUNT, "ca.crt"),
                       token_file=token_file)


def from_kubeconfig() -> Credentials:
    """The kubeconfig's current context, resolved by kubectl (which reads it as kubectl users expect)."""
    out = subprocess.run(
        ["kubectl", "config", "view", "--raw", "--minify", "-o", "json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return credentials_from_kubeconfig(json.loads(out))


def credentials_from_kubeconfig(config: Dict[str, Any]) -> Credentials:
    """Credentials from a minified kubeconfig as JSON (one context, one cluster, one user)."""
    contexts = config.get("contexts") or []
    context = (contexts[0].get("context") or {}) if contexts else {}
    cluster = (config.get("clusters") or [{}])[0].get("cluster") or {}
    user = (config.get("users") or [{}])[0].get("user") or {}
    creds = Credentials(server=cluster["server"].rstrip("/"), namespace=context.get("namespace"))
    creds.insecure = bool(cluster.get("insecure-skip-tls-verify"))
    if cluster.get("certificate-authority-data"):
        creds.ca_file = _data_file(cluster["certificate-authority-data"], ".crt")
    elif cluster.get("certificate-authority"):
        creds.ca_file = cluster["certificate-authority"]
    if user.get("token"):
        creds.token = user["token"]
    elif user.get("tokenFile"):
        with open(user["tokenFile"]) as f:
            creds.token = f.read().strip()
        creds.token_file = user["tokenFile"]
    if user.get("client-certificate-data"):
        creds.cert_file = _data_file(user["client-certificate-data"], ".crt")
    elif user.get("client-certificate"):
        creds.cert_file = user["client-certificate"]
    if user.get("client-key-data"):
        creds.key_file = _data_file(user["client-key-data"], ".key")
    elif user.get("client-key"):
        creds.key_file = user["client-key"]
    creds.exec = user.get("exec")
    return creds


def run_exec_plugin(plugin: Dict[str, Any], server: str, ca_file: Optional[str]) -> Dict[str, Any]:
    """Runs a credential plugin as kubectl does: its args and env on top of this process's
    environment, KUBERNETES_EXEC_INFO describing the request (never interactive: a worker has no
    terminal); returns its ExecCredential's status. Its stderr goes to ours (plugins explain there)."""
    api_version = plugin.get("apiVersion") or "client.authentication.k8s.io/v1"
    spec: Dict[str, Any] = {"interactive": False}
    if plugin.get("provideClusterInfo"):
        cluster: Dict[str, Any] = {"server": server}
        if ca_file:
            with open(ca_file, "rb") as f:
                cluster["certificate-authority-data"] = base64.b64encode(f.read()).decode()
        spec["cluster"] = cluster
    env = dict(os.environ)
    for e in plugin.get("env") or []:
        env[e["name"]] = e["value"]
    env["KUBERNETES_EXEC_INFO"] = json.dumps({"apiVersion": api_version, "kind": "ExecCredential", "spec": spec})
    try:
        out = subprocess.run(
            [plugin["command"], *(plugin.get("args") or [])],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            check=True, text=True, timeout=60,
        ).stdout
        return (json.loads(out) or {}).get("status") or {}
    except (OSError, subprocess.SubprocessError, ValueError) as e:
        raise ApiError(401, f"the kubeconfig's credential plugin {plugin.get('command')} failed: {e}") from None


# RFC 3339 as Kubernetes and credential plugins write it: any number of fraction digits, Z or an
# offset. Python before 3.11 reads only 3 or 6 digits with fromisoformat, so the fraction is cut to
# microseconds here first (Go writes 9: "2026-12-03T10:00:00.123456789Z").
_RFC3339 = re.compile(r"(\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d)(?:\.(\d+))?([Zz]|[+-]\d\d:\d\d)$")


def _rfc3339(value: Optional[str]) -> Optional[float]:
    m = _RFC3339.match(value or "")
    if not m:
        return None
    whole, fraction, zone = m.groups()
    text = whole + ("." + (fraction + "00000")[:6] if fraction else "") + ("+00:00" if zone in "Zz" else zone)
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


def default_credentials() -> Credentials:
    return in_cluster() or from_kubeconfig()


class Api:
    """GET and JSON-patch of namespaced objects, with a timeout; errors as ApiError."""

    def __init__(self, credentials: Optional[Credentials] = None, timeout: float = 10.0):
        self.credentials = credentials or default_credentials()
        self.timeout = timeout
        c = self.credentials
        ctx = self._server_trust()
        if c.cert_file and c.key_file:
            ctx.load_cert_chain(c.cert_file, c.key_file)
        self._context = ctx
        self._token = c.token
        self._plugin: Optional[_PluginCredential] = None

    def _server_trust(self) -> ssl.SSLContext:
        """A TLS context that trusts the cluster's CA (or, if the kubeconfig says so, anything)."""
        c = self.credentials
        ctx = ssl.create_default_context(cafile=c.ca_file) if c.ca_file else ssl.create_default_context()
        if c.insecure:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        return ctx

    def _plugin_credential(self) -> Optional[_PluginCredential]:
        """The credential plugin's answer, run again when it is about to expire or was refused."""
        c = self.credentials
        if not c.exec:
            return None
        held = self._plugin
        if held is None or (held.expires is not None and time.time() >= held.expires - EXEC_EARLY):
            status = run_exec_plugin(c.exec, c.server, c.ca_file)
            context = None
            if status.get("clientCertificateData") and status.get("clientKeyData"):
                context = self._server_trust()
                # PEM text; the ssl module loads a certificate chain from files only.
                with tempfile.TemporaryDirectory(prefix="runwarden-") as d:
                    cert, key = os.path.join(d, "tls.crt"), os.path.join(d, "tls.key")
                    with open(cert, "w") as f:
                        f.write(status["clientCertificateData"])
                    with open(os.open(key, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
                        f.write(status["clientKeyData"])
                    context.load_cert_chain(cert, key)
            self._plugin = _PluginCredential(status.get("token"), context, _rfc3339(status.get("expirationTimestamp")))
        return self._plugin

    def bearer_token(self) -> Optional[str]:
        """The token to send now: a token file is read again for each request (a few hundred bytes,
        at most a few times a second), as client-go and Fabric8 reload a pod's rotated token; if a
        read fails the last token read is kept."""
        if self.credentials.token_file:
            try:
                with open(self.credentials.token_file) as f:
                    self._token = f.read().strip() or self._token
            except OSError:
                pass  # keep the last one: the API server will say if it is no longer good
        return self._token

    @property
    def namespace(self) -> Optional[str]:
        return self.credentials.namespace

    def request(self, method: str, path: str, body: Any = None, content_type: str = "application/json") -> Tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.credentials.server + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", content_type)
        plugin = self._plugin_credential()
        token = plugin.token if plugin and plugin.token else self.bearer_token()
        if token:
            req.add_header("Authorization", "Bearer " + token)
        context = plugin.context if plugin and plugin.context else self._context
        try:
            with urllib.request.urlopen(req, timeout=self.timeout, context=context) as resp:
                raw = resp.read()
                return resp.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            if e.code == 401 and plugin:
                self._plugin = None  # a refused plugin credential is asked for anew, as client-go does
            try:
                message = json.loads(e.read()).get("message", e.reason)
            except Exception:  # noqa: BLE001 - any unreadable body
                message = str(e.reason)
            raise ApiError(e.code, message) from None
        except (urllib.error.URLError, OSError, TimeoutError) as e:
            raise ApiError(0, f"no answer from the API server: {e}") from None

    def get(self, path: str) -> Optional[Dict[str, Any]]:
        """The object, or None when it does not exist."""
        try:
            return self.request("GET", path)[1]
        except ApiError as e:
            if e.code == 404:
                return None
            raise

    def json_patch(self, path: str, ops: List[Dict[str, Any]]) -> Dict[str, Any]:
        return self.request("PATCH", path, ops, "application/json-patch+json")[1]
