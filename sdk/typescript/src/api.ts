// A small Kubernetes API client: what a worker needs and nothing more (node:https, no dependencies).
// Credentials: in a pod, its service account; elsewhere the kubeconfig's current context as
// `kubectl config view --raw --minify -o json` resolves it (KUBECONFIG or ~/.kube/config), with a
// token, a client certificate, or a credential plugin (`exec`: EKS, GKE, AKS, OIDC helpers).

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

const SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

/** An API request that did not succeed; `code` 0 means no answer (connection, timeout). */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(code ? `${code} ${message}` : message);
    this.name = "ApiError";
  }

  /** Worth trying again, like client-go: no answer, a timeout, 429, 5xx (but 501). */
  get transient(): boolean {
    return this.code === 0 || this.code === 408 || this.code === 429 || (this.code >= 500 && this.code !== 501);
  }
}

export interface Credentials {
  server: string;
  namespace?: string;
  token?: string;
  /**
   * Read again before every request when set: the kubelet rotates a pod's service-account token
   * (bound tokens expire, by default after about an hour), and a worker runs for hours.
   */
  tokenFile?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  insecure?: boolean;
  /** A credential plugin, run as kubectl runs it (client.authentication.k8s.io ExecCredential). */
  exec?: ExecPlugin;
}

/** A kubeconfig user's `exec` entry. */
export interface ExecPlugin {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  apiVersion?: string;
  provideClusterInfo?: boolean;
}

/** What a credential plugin gave, until when (ms since the epoch; undefined: until refused). */
type ExecCredential = { token?: string; cert?: Buffer; key?: Buffer; expires?: number };

/** A plugin's answer is used until this long before it expires, as client-go does not wait for the end. */
const EXEC_EARLY_MS = 10_000;

export function inCluster(): Credentials | undefined {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT;
  if (!host || !port || !existsSync(`${SERVICE_ACCOUNT}/token`)) return undefined;
  const ns = `${SERVICE_ACCOUNT}/namespace`;
  return {
    server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    namespace: existsSync(ns) ? readFileSync(ns, "utf8").trim() : undefined,
    token: readFileSync(`${SERVICE_ACCOUNT}/token`, "utf8").trim(),
    tokenFile: `${SERVICE_ACCOUNT}/token`,
    ca: readFileSync(`${SERVICE_ACCOUNT}/ca.crt`),
  };
}

type Kubeconfig = {
  clusters?: { cluster?: Record<string, string | boolean> }[];
  contexts?: { context?: Record<string, string> }[];
  users?: { user?: Record<string, any> }[];
};

/** Credentials from a minified kubeconfig as JSON (one context, one cluster, one user). */
export function credentialsFromKubeconfig(config: Kubeconfig): Credentials {
  const cluster = config.clusters?.[0]?.cluster ?? {};
  const user = config.users?.[0]?.user ?? {};
  const file = (data: unknown, path: unknown): Buffer | undefined =>
    typeof data === "string" ? Buffer.from(data, "base64") : typeof path === "string" ? readFileSync(path) : undefined;
  return {
    server: String(cluster.server).replace(/\/$/, ""),
    namespace: config.contexts?.[0]?.context?.namespace,
    insecure: cluster["insecure-skip-tls-verify"] === true,
    ca: file(cluster["certificate-authority-data"], cluster["certificate-authority"]),
    token: user.token ?? (user.tokenFile ? readFileSync(user.tokenFile, "utf8").trim() : undefined),
    tokenFile: user.token ? undefined : user.tokenFile,
    cert: file(user["client-certificate-data"], user["client-certificate"]),
    key: file(user["client-key-data"], user["client-key"]),
    exec: user.exec as ExecPlugin | undefined,
  };
}

/**
 * Runs a credential plugin as kubectl does: its args and env on top of this process's environment,
 * KUBERNETES_EXEC_INFO describing the request (never interactive: a worker has no terminal), and
 * its ExecCredential's status read from stdout. Its stderr goes to ours (plugins explain there).
 */
export function runExecPlugin(plugin: ExecPlugin, server: string, ca?: Buffer): ExecCredential {
  const apiVersion = plugin.apiVersion ?? "client.authentication.k8s.io/v1";
  const spec: Record<string, unknown> = { interactive: false };
  if (plugin.provideClusterInfo) {
    spec.cluster = { server, "certificate-authority-data": ca?.toString("base64") };
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const e of plugin.env ?? []) env[e.name] = e.value;
  env.KUBERNETES_EXEC_INFO = JSON.stringify({ apiVersion, kind: "ExecCredential", spec });
  let out: string;
  try {
    out = execFileSync(plugin.command, plugin.args ?? [], { env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 60_000 });
  } catch (e) {
    throw new ApiError(401, `the kubeconfig's credential plugin ${plugin.command} failed: ${(e as Error).message}`);
  }
  const status = (safeJson(out) as { status?: Record<string, string> }).status ?? {};
  const expires = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : undefined;
  return {
    token: status.token,
    cert: status.clientCertificateData ? Buffer.from(status.clientCertificateData) : undefined,
    key: status.clientKeyData ? Buffer.from(status.clientKeyData) : undefined,
    expires: Number.isNaN(expires) ? undefined : expires,
  };
}

export function fromKubeconfig(): Credentials {
  const out = execFileSync("kubectl", ["config", "view", "--raw", "--minify", "-o", "json"], { encoding: "utf8" });
  return credentialsFromKubeconfig(JSON.parse(out) as Kubeconfig);
}

/** GET and JSON-patch of namespaced objects, with a timeout; errors as ApiError. */
export class Api {
  readonly credentials: Credentials;
  private lastToken?: string;
  private fromPlugin?: ExecCredential;

  constructor(
    credentials?: Credentials,
    readonly timeoutMs = 10_000,
  ) {
    this.credentials = credentials ?? inCluster() ?? fromKubeconfig();
    this.lastToken = this.credentials.token;
  }

  request(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<unknown> {
    const c = this.credentials;
    const url = new URL(c.server + path);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { Accept: "application/json" };
    if (payload) {
      headers["Content-Type"] = contentType;
      headers["Content-Length"] = String(payload.length);
    }
    let plugin: ExecCredential | undefined;
    try {
      plugin = this.pluginCredential();
    } catch (e) {
      return Promise.reject(e);
    }
    const token = plugin?.token ?? this.bearerToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    const cert = plugin?.cert ?? c.cert;
    const key = plugin?.key ?? c.key;
    // Plain http only for a server named so (`kubectl proxy`, a test's stand-in).
    const request = url.protocol === "http:" ? httpRequest : httpsRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { method, headers, ca: c.ca, cert, key, rejectUnauthorized: !c.insecure, timeout: this.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (d: Buffer) => chunks.push(d));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const parsed = text ? safeJson(text) : undefined;
            const code = res.statusCode ?? 0;
            // A refused plugin credential is asked for anew on the next request, as client-go does.
            if (code === 401 && plugin) this.fromPlugin = undefined;
            if (code >= 200 && code < 300) resolve(parsed);
            else reject(new ApiError(code, (parsed as { message?: string })?.message ?? res.statusMessage ?? ""));
          });
          res.on("error", (e) => reject(new ApiError(0, `no answer from the API server: ${e.message}`)));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`timed out after ${this.timeoutMs} ms`)));
      req.on("error", (e) => reject(new ApiError(0, `no answer from the API server: ${e.message}`)));
      if (payload) req.write(payload);
      req.end();
    });
  }

  /**
   * The token to send now: a token file is read again for each request (a few hundred bytes,
   * at most a few times a second), as client-go and Fabric8 reload a pod's rotated token; if a
   * read fails the last token read is kept.
   */
  bearerToken(): string | undefined {
    const c = this.credentials;
    if (c.tokenFile) {
      try {
        this.lastToken = readFileSync(c.tokenFile, "utf8").trim() || this.lastToken;
      } catch {
        // keep the last one: the API server will say if it is no longer good
      }
    }
    return this.lastToken;
  }

  /** The credential plugin's answer, run again when it is about to expire or was refused. */
  private pluginCredential(): ExecCredential | undefined {
    const c = this.credentials;
    if (!c.exec) return undefined;
    const held = this.fromPlugin;
    if (!held || (held.expires !== undefined && Date.now() >= held.expires - EXEC_EARLY_MS)) {
      this.fromPlugin = runExecPlugin(c.exec, c.server, c.ca);
    }
    return this.fromPlugin;
  }

  /** The object, or undefined when it does not exist. */
  async get(path: string): Promise<Record<string, any> | undefined> {
    try {
      return (await this.request("GET", path)) as Record<string, any>;
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  jsonPatch(path: string, ops: unknown[]): Promise<unknown> {
    return this.request("PATCH", path, ops, "application/json-patch+json");
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}
