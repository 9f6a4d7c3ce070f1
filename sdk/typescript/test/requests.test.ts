// The requests the library sends, recorded at its one door to the network (Api.request: one
// HTTPS request per call) with a stand-in's answers (node --test). Narrow on purpose: what the
// writes do is the conformance suite's, against a real API server; this counts them, which an API
// server's watch cannot (it does not see reads).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Api } from "../src/api.js";
import { Worker } from "../src/index.js";

const REPORT = "/apis/runwarden.io/v1alpha1/namespaces/team-a/qualificationrunreports/batch-7";
const RUN = "/apis/runwarden.io/v1alpha1/namespaces/team-a/qualificationruns/batch-7";

class RecordingApi extends Api {
  readonly requests: string[] = [];
  phase = "Running";
  reason?: string;

  constructor() {
    super({ server: "https://127.0.0.1:6443", namespace: "team-a" });
  }

  override request(method: string, path: string): Promise<unknown> {
    this.requests.push(`${method} ${path}`);
    const metadata = { name: "batch-7", namespace: "team-a", resourceVersion: "9" };
    return Promise.resolve(
      path.startsWith(RUN)
        ? { kind: "QualificationRun", metadata, status: { phase: this.phase, reason: this.reason, attempt: 1 } }
        : { kind: "QualificationRunReport", metadata, spec: { attempt: 1, heartbeatTimeout: "3s" } },
    );
  }
}

test("every report write is one request, and only the claim reads", async () => {
  const api = new RecordingApi();
  const worker = new Worker({ run: "batch-7", namespace: "team-a", worker: "w-1", api, progressIntervalMs: 1, flushOnSigterm: false });
  try {
    assert.equal((await worker.claim()).claimed, true);
    worker.progress(1, "item-1");
    await worker.flush();
    worker.progress(2, "item-2");
    await worker.flush();
    await worker.succeed();
  } finally {
    worker.close();
  }
  const onTheReport = api.requests.filter((r) => r.includes(REPORT));
  // The claim reads the report once; then the claim, two flushes and the outcome are written,
  // plus any heartbeat that fell due meanwhile: each a single PATCH of the report's status.
  assert.equal(onTheReport[0], `GET ${REPORT}`);
  const writes = onTheReport.slice(1);
  assert.ok(writes.length >= 4, String(writes.length));
  assert.deepEqual(new Set(writes), new Set([`PATCH ${REPORT}/status`]));
});

const until = async (what: () => boolean, ms: number) => {
  for (const end = Date.now() + ms; !what(); ) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

test("a suspended run holds the worker until it is resumed, and a cancellation ends the wait", async () => {
  const api = new RecordingApi();
  const worker = new Worker({ run: "batch-7", namespace: "team-a", worker: "w-1", api, flushOnSigterm: false });
  const seen: string[] = [];
  worker.onSuspension((suspended, reason) => seen.push(suspended ? `suspended ${reason}` : "resumed"));
  try {
    assert.equal((await worker.claim()).claimed, true);
    await worker.whileSuspended(); // not suspended: at once
    api.phase = "Suspended";
    api.reason = "BudgetExhausted";
    await until(() => worker.suspended, 5000); // the run is read once per heartbeat interval (1 s)
    let resumed = false;
    const waiting = worker.whileSuspended().then(() => (resumed = true));
    await new Promise((r) => setTimeout(r, 1500)); // more than one look at the still suspended run
    assert.equal(resumed, false);
    api.phase = "Running";
    api.reason = undefined;
    await until(() => resumed, 5000);
    await waiting;
    assert.deepEqual(seen, ["suspended BudgetExhausted", "resumed"]);

    api.phase = "Suspended";
    await until(() => worker.suspended, 5000);
    const cancelled = worker.whileSuspended().then(
      () => "resolved",
      (e: Error) => e.name,
    );
    api.phase = "Failed"; // the run deadline still applies to a suspended run
    assert.equal(await cancelled, "AttemptCancelledError");
  } finally {
    worker.close();
  }
});
