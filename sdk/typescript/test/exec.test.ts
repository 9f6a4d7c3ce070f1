// A kubeconfig's credential plugin (`exec`, as EKS, GKE and AKS write them), run as kubectl runs it,
// against a stand-in for the API server on 127.0.0.1 that records each request's token.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Api, ApiError, credentialsFromKubeconfig } from "../src/api.js";

/** A plugin that counts its runs and answers token `tok-<run>`, valid until $EXPIRES. */
const PLUGIN = `#!/bin/sh
n=$(($(cat "$COUNT" 2>/dev/null || echo 0) + 1))
echo "$n" > "$COUNT"
echo "$KUBERNETES_EXEC_INFO" > "$INFO"
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tok-%s","expirationTimestamp":"%s"}}' "$n" "$EXPIRES"
`;

async function withStandIn(body: (server: string, tokens: string[], refuse: (n: number) => void) => Promise<void>) {
  const tokens: string[] = [];
  let refusals = 0;
  const server = createServer((req, res) => {
    tokens.push(String(req.headers.authorization));
    res.setHeader("Content-Type", "application/json");
    if (refusals > 0) {
      refusals--;
      res.statusCode = 401;
      res.end(JSON.stringify({ kind: "Status", message: "Unauthorized" }));
    } else {
      res.end(JSON.stringify({ kind: "QualificationRun", metadata: { name: "batch-7" } }));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokens, (n) => (refusals = n));
  } finally {
    server.close();
  }
}

function plugin(expires: string) {
  const dir = mkdtempSync(join(tmpdir(), "runwarden-exec-"));
  const command = join(dir, "plugin.sh");
  writeFileSync(command, PLUGIN);
  chmodSync(command, 0o755);
  const env = [
    { name: "COUNT", value: join(dir, "count") },
    { name: "INFO", value: join(dir, "info") },
    { name: "EXPIRES", value: expires },
  ];
  return { dir, command, env, runs: () => Number(readFileSync(join(dir, "count"), "utf8")), info: () => JSON.parse(readFileSync(join(dir, "info"), "utf8")) };
}

const RUN = "/apis/runwarden.io/v1alpha1/namespaces/team-a/qualificationruns/batch-7";

test("a credential plugin's token is used until it expires, and asked for anew after a 401", async () => {
  const p = plugin("2999-01-01T00:00:00Z");
  await withStandIn(async (server, tokens, refuse) => {
    const api = new Api(
      credentialsFromKubeconfig({
        clusters: [{ cluster: { server } }],
        users: [{ user: { exec: { apiVersion: "client.authentication.k8s.io/v1", command: p.command, env: p.env } } }],
      }),
    );
    await api.get(RUN);
    await api.get(RUN);
    assert.equal(p.runs(), 1); // valid for years: run once
    refuse(1);
    await assert.rejects(api.get(RUN), (e: ApiError) => e.code === 401);
    await api.get(RUN);
    assert.equal(p.runs(), 2);
    assert.deepEqual(tokens, ["Bearer tok-1", "Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
    assert.deepEqual(p.info(), { apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", spec: { interactive: false } });
  });
  rmSync(p.dir, { recursive: true });
});

test("an expiring credential is asked for again before each request once it is about to expire", async () => {
  const p = plugin(new Date(Date.now() + 5_000).toISOString()); // within the 10 s the library keeps in hand
  await withStandIn(async (server, tokens) => {
    const api = new Api(credentialsFromKubeconfig({ clusters: [{ cluster: { server } }], users: [{ user: { exec: { command: p.command, env: p.env } } }] }));
    await api.get(RUN);
    await api.get(RUN);
    assert.deepEqual(tokens, ["Bearer tok-1", "Bearer tok-2"]);
  });
  rmSync(p.dir, { recursive: true });
});
