// The library's decisions that need no API server (node --test).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Api, ApiError, credentialsFromKubeconfig } from "../src/api.js";
import { PendingReport, backoffMs, heartbeatIntervalMs, parseDuration } from "../src/index.js";

test("durations are the run's own", () => {
  for (const [text, ms] of [["250ms", 250], ["30s", 30_000], ["5m", 300_000], ["1h30m", 5_400_000], ["7d", 604_800_000]] as const) {
    assert.equal(parseDuration(text), ms, text);
  }
  for (const bad of ["", "5 minutes", "10"]) assert.throws(() => parseDuration(bad), bad);
});

test("heartbeats at a third of the limit, between 1 and 30 s", () => {
  for (const [limit, every] of [[3000, 1000], [2000, 1000], [30_000, 10_000], [300_000, 30_000], [undefined, 30_000]] as const) {
    assert.equal(heartbeatIntervalMs(limit), every, String(limit));
  }
});

test("only transient errors are retried", () => {
  const cases: [number, boolean][] = [[0, true], [408, true], [429, true], [500, true], [503, true], [501, false], [400, false], [403, false], [404, false], [409, false], [422, false]];
  for (const [code, transient] of cases) assert.equal(new ApiError(code, "x").transient, transient, String(code));
});

test("backoff doubles from 200 ms to 5 s, with jitter below it", () => {
  for (let failures = 1; failures < 20; failures++) {
    const cap = Math.min(200 * 2 ** Math.min(failures - 1, 10), 5000);
    const b = backoffMs(failures);
    assert.ok(b >= cap * 0.8 && b <= cap, `${failures}: ${b}`);
  }
});

test("pending fields keep the newest value and a failed write loses nothing", () => {
  const p = new PendingReport();
  for (let i = 1; i <= 1000; i++) {
    p.put("completed", i);
    p.put("checkpoint", `item-${i}`);
  }
  const taken = p.take();
  assert.deepEqual(Object.fromEntries(taken), { completed: 1000, checkpoint: "item-1000" });
  assert.ok(p.empty);
  p.put("completed", 1001); // arrives while the write of 1000 is in flight, which then fails
  p.restore(taken);
  assert.deepEqual(Object.fromEntries(p.take()), { completed: 1001, checkpoint: "item-1000" });
});

test("a token kubeconfig", () => {
  const c = credentialsFromKubeconfig({
    clusters: [{ cluster: { server: "https://127.0.0.1:6443/" } }],
    contexts: [{ context: { namespace: "team-a" } }],
    users: [{ user: { token: "t0k" } }],
  });
  assert.deepEqual([c.server, c.namespace, c.token], ["https://127.0.0.1:6443", "team-a", "t0k"]);
});

test("a token file is read again for each request, keeping the last good token", () => {
  const dir = mkdtempSync(join(tmpdir(), "runwarden-token-"));
  const file = join(dir, "token");
  writeFileSync(file, "first\n");
  const api = new Api({ server: "https://127.0.0.1:6443", tokenFile: file });
  assert.equal(api.bearerToken(), "first");
  writeFileSync(file, "rotated\n"); // the kubelet's rotation
  assert.equal(api.bearerToken(), "rotated");
  rmSync(dir, { recursive: true });
  assert.equal(api.bearerToken(), "rotated");
});

test("a kubeconfig's tokenFile is followed, an inline token is not replaced", () => {
  const dir = mkdtempSync(join(tmpdir(), "runwarden-token-"));
  const file = join(dir, "token");
  writeFileSync(file, "from-file");
  const viaFile = credentialsFromKubeconfig({ clusters: [{ cluster: { server: "https://h" } }], users: [{ user: { tokenFile: file } }] });
  assert.deepEqual([viaFile.token, viaFile.tokenFile], ["from-file", file]);
  const inline = credentialsFromKubeconfig({ clusters: [{ cluster: { server: "https://h" } }], users: [{ user: { token: "t0k", tokenFile: file } }] });
  assert.deepEqual([inline.token, inline.tokenFile], ["t0k", undefined]);
  rmSync(dir, { recursive: true });
});
