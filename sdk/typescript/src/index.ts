// Runwarden worker library for TypeScript / Node 20+ (no runtime dependencies).
//
// It claims the open attempt exactly as the README's `claim` does, writes every report as the
// README's `report` does (a JSON patch that tests the attempt and the worker), heartbeats in the
// background at a third of the run's heartbeat limit, writes progress at most once per progress
// interval (newest value wins), reads the run every heartbeat interval so an abandoned attempt is
// noticed within one interval (`worker.signal`, an AbortSignal; `onCancel`; AttemptCancelledError
// from the next call) and a suspended run (`suspended`, `whileSuspended()`, `onSuspension`) within
// one interval, retries transient API errors with backoff, and writes the last progress on SIGTERM.

import { randomUUID } from "node:crypto";
import { Api, ApiError } from "./api.js";

export { Api, ApiError } from "./api.js";

const GROUP_VERSION = "runwarden.io/v1alpha1";
const DEFAULT_HEARTBEAT_MS = 30_000;
/** How long a 401/403 is tried again at least (an API server restarting fills its RBAC caches). */
const REFUSAL_PATIENCE_MS = 30_000;

/** The attempt is no longer this worker's: a newer attempt, the run ended, another worker. */
export class AttemptCancelledError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "AttemptCancelledError";
  }
}

export type Claim =
  | {
      claimed: true;
      attempt: number;
      completed: number;
      checkpoint?: string;
      serviceJobId?: string;
      heartbeatTimeoutMs?: number;
    }
  | { claimed: false; reason: string };

export interface WorkerOptions {
  run: string;
  namespace?: string;
  /** Claim only this attempt (managed mode: the pod's RUNWARDEN_ATTEMPT). */
  attempt?: number;
  /** This worker's name in the run's status and history (default: the pod's name). */
  worker?: string;
  api?: Api;
  /** At most one progress write per interval (default 5 s, never longer than the heartbeat). */
  progressIntervalMs?: number;
  /** How long claim() waits for the operator to open an attempt (default 1 min). */
  claimWaitMs?: number;
  /** How long succeed/fail keep retrying a transient failure (default 2 min). */
  finishWithinMs?: number;
  /** Write the last progress on SIGTERM, then exit (default true). */
  flushOnSigterm?: boolean;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds in a Kubernetes-style duration: 250ms, 30s, 5m, 1h30m, 7d. */
export function parseDuration(text: string): number {
  const t = (text ?? "").trim();
  if (!t) throw new Error("empty duration");
  const re = /(\d+)(ms|s|m|h|d)/y;
  let total = 0;
  while (re.lastIndex < t.length) {
    const at = re.lastIndex;
    const m = re.exec(t);
    if (!m || m.index !== at) throw new Error(`not a duration: ${text}`);
    total += Number(m[1]) * UNITS[m[2]];
  }
  return total;
}

/** A third of the limit (two missed heartbeats still leave a margin), between 1 and 30 s. */
export function heartbeatIntervalMs(limitMs?: number): number {
  if (limitMs === undefined) return DEFAULT_HEARTBEAT_MS;
  return Math.min(Math.max(limitMs / 3, 1000), DEFAULT_HEARTBEAT_MS);
}

/** 200 ms doubling to 5 s, each spread by up to 20 %. */
export function backoffMs(failures: number): number {
  const base = Math.min(200 * 2 ** Math.min(Math.max(failures - 1, 0), 10), 5000);
  return base - base * 0.2 * Math.random();
}

/** Report fields not yet written, newest value per field; a failed write puts them back. */
export class PendingReport {
  private fields = new Map<string, unknown>();

  put(field: string, value: unknown): void {
    this.fields.set(field, value);
  }

  get empty(): boolean {
    return this.fields.size === 0;
  }

  take(): Map<string, unknown> {
    const out = this.fields;
    this.fields = new Map();
    return out;
  }

  restore(taken: Map<string, unknown>): void {
    this.fields = new Map([...taken, ...this.fields]);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => new Date().toISOString();

export class Worker {
  readonly run: string;
  readonly namespace: string;
  readonly worker: string;
  readonly api: Api;
  /** Aborted when the attempt is cancelled; its reason is an AttemptCancelledError. */
  readonly signal: AbortSignal;
  attempt = 0;

  private readonly controller = new AbortController();
  private readonly expectedAttempt?: number;
  private readonly progressIntervalMs: number;
  private readonly claimWaitMs: number;
  private readonly finishWithinMs: number;
  private readonly flushOnSigterm: boolean;
  private readonly pending = new PendingReport();
  private intervalMs = DEFAULT_HEARTBEAT_MS;
  private finished = false;
  private timer?: NodeJS.Timeout;
  private lastWrite = 0;
  private lastCheck = 0;
  private retryAt = 0;
  private failures = 0;
  private writing: Promise<void> = Promise.resolve();
  private ticking = false;
  private refusedSince = 0;
  private suspendedAs?: string;
  private resumeWaiters: Array<() => void> = [];
  private readonly suspensionListeners: Array<(suspended: boolean, reason?: string) => void> = [];
  private readonly sigterm = () => void this.onSigterm();

  constructor(options: WorkerOptions) {
    if (!options.run) throw new Error("the run's name is required (RUNWARDEN_RUN)");
    this.api = options.api ?? new Api();
    this.run = options.run;
    this.namespace = options.namespace ?? this.api.credentials.namespace ?? "default";
    this.worker = options.worker ?? `worker-${randomUUID().slice(0, 8)}`;
    this.expectedAttempt = options.attempt;
    this.progressIntervalMs = options.progressIntervalMs ?? 5000;
    this.claimWaitMs = options.claimWaitMs ?? 60_000;
    this.finishWithinMs = options.finishWithinMs ?? 120_000;
    this.flushOnSigterm = options.flushOnSigterm ?? true;
    this.signal = this.controller.signal;
  }

  /** RUNWARDEN_RUN, RUNWARDEN_NAMESPACE, RUNWARDEN_ATTEMPT, RUNWARDEN_WORKER or HOSTNAME. */
  static fromEnvironment(options: Partial<WorkerOptions> = {}, env: NodeJS.ProcessEnv = process.env): Worker {
    return new Worker({
      run: env.RUNWARDEN_RUN ?? "",
      namespace: env.RUNWARDEN_NAMESPACE,
      attempt: env.RUNWARDEN_ATTEMPT ? Number(env.RUNWARDEN_ATTEMPT) : undefined,
      worker: env.RUNWARDEN_WORKER ?? env.HOSTNAME,
      ...options,
    });
  }

  private path(plural: string): string {
    return `/apis/${GROUP_VERSION}/namespaces/${this.namespace}/${plural}/${this.run}`;
  }

  /** Claims the open attempt; a lost race or an attempt not this pod's is `{claimed: false}`. */
  async claim(): Promise<Claim> {
    if (this.attempt) throw new Error(`attempt ${this.attempt} is already claimed`);
    const deadline = Date.now() + this.claimWaitMs;
    let failures = 0;
    for (;;) {
      let report: Record<string, any> | undefined;
      try {
        report = await this.api.get(this.path("qualificationrunreports"));
      } catch (e) {
        if (!(e instanceof ApiError) || !e.transient) throw e;
        failures++;
      }
      const spec = report?.spec ?? {};
      const status = report?.status ?? {};
      let open: number | undefined = spec.attempt;
      if (open !== undefined && this.expectedAttempt !== undefined && open < this.expectedAttempt) open = undefined;
      if (open !== undefined) {
        if (this.expectedAttempt !== undefined && open !== this.expectedAttempt) {
          return { claimed: false, reason: `this worker was started for attempt ${this.expectedAttempt}, and the run's open attempt is ${open}` };
        }
        if (status.attempt === open) {
          return { claimed: false, reason: `attempt ${open} is already claimed by ${status.worker}` };
        }
        try {
          await this.api.jsonPatch(`${this.path("qualificationrunreports")}/status`, [
            { op: "replace", path: "/metadata/resourceVersion", value: report!.metadata.resourceVersion },
            { op: "add", path: "/status", value: { attempt: open, worker: this.worker, heartbeatAt: now() } },
          ]);
        } catch (e) {
          if (e instanceof ApiError && e.code === 409) return { claimed: false, reason: `another worker claimed attempt ${open} first` };
          if (!(e instanceof ApiError) || !e.transient) throw e;
          failures++;
          await sleep(backoffMs(failures));
          continue;
        }
        return this.claimed(spec, open);
      }
      if (Date.now() > deadline) return { claimed: false, reason: `the run ${this.run} opened no attempt within ${this.claimWaitMs} ms` };
      await sleep(failures ? backoffMs(failures) : 500);
    }
  }

  private claimed(spec: Record<string, any>, open: number): Claim {
    this.attempt = open;
    const limit = spec.heartbeatTimeout ? parseDuration(spec.heartbeatTimeout) : undefined;
    this.intervalMs = heartbeatIntervalMs(limit);
    this.lastWrite = this.lastCheck = Date.now();
    this.timer = setInterval(() => void this.tick(), 100);
    if (this.flushOnSigterm) process.once("SIGTERM", this.sigterm);
    return {
      claimed: true,
      attempt: open,
      completed: Number(spec.completed ?? 0),
      checkpoint: spec.checkpoint,
      serviceJobId: spec.serviceJobId,
      heartbeatTimeoutMs: limit,
    };
  }

  /** Items done so far (across attempts when resuming), and where to resume. Cheap: coalesced. */
  progress(completed: number, checkpoint?: string): void {
    this.set("completed", completed);
    if (checkpoint !== undefined) this.set("checkpoint", checkpoint);
  }

  checkpoint(checkpoint: string): void {
    this.set("checkpoint", checkpoint);
  }

  /**
   * What this attempt has spent so far against the run's spec.budget (tokens, cents, calls):
   * cumulative, counting from 0 in each attempt. Cheap: coalesced. At the limit the run ends
   * BudgetExhausted, which this worker then sees as a cancellation.
   */
  spent(amount: number): void {
    this.set("spent", amount);
  }

  total(total: number): void {
    this.set("total", total);
  }

  serviceJobId(id: string): void {
    this.set("serviceJobId", id);
  }

  message(text: string): void {
    this.set("message", text);
  }

  private set(field: string, value: unknown): void {
    this.requireActive();
    this.pending.put(field, value);
  }

  /** Writes whatever is pending now. */
  async flush(): Promise<void> {
    this.requireActive();
    await this.write(true);
    this.throwIfCancelled();
  }

  /** The attempt succeeded; the newest progress and checkpoint go with the outcome. */
  succeed(): Promise<void> {
    return this.finish({ outcome: "Succeeded" });
  }

  /** The attempt failed; retryable=false fails the run at once (NonRetryable). */
  fail(error: string, retryable = true): Promise<void> {
    return this.finish({ outcome: "Failed", error, retryable });
  }

  private async finish(outcome: Record<string, unknown>): Promise<void> {
    this.requireActive();
    this.finished = true;
    for (const [k, v] of Object.entries(outcome)) this.pending.put(k, v);
    const giveUp = Date.now() + this.finishWithinMs;
    try {
      while (!this.pending.empty && !this.signal.aborted) {
        await this.write(false);
        if (!this.pending.empty && !this.signal.aborted) {
          if (Date.now() > giveUp) throw new Error(`the outcome could not be written within ${this.finishWithinMs} ms`);
          await sleep(backoffMs(this.failures));
        }
      }
    } finally {
      this.close();
    }
    this.throwIfCancelled();
  }

  /** True once the attempt is no longer this worker's. */
  get cancelled(): boolean {
    return this.signal.aborted;
  }

  /** Called once when the attempt is cancelled (at once if it was). */
  onCancel(listener: (reason: string) => void): void {
    if (this.signal.aborted) listener((this.signal.reason as Error).message);
    else this.signal.addEventListener("abort", () => listener((this.signal.reason as Error).message), { once: true });
  }

  throwIfCancelled(): void {
    if (this.signal.aborted) throw this.signal.reason;
  }

  /**
   * True while the run is Suspended (`spec.suspend`, or its budget spent with `onExhausted:
   * Suspend`), as of the library's last look at the run (once per heartbeat interval).
   */
  get suspended(): boolean {
    return this.suspendedAs !== undefined;
  }

  /**
   * Resolves at once unless the run is Suspended; then waits, heartbeating, until it is resumed
   * (seen within one heartbeat interval). Rejects with AttemptCancelledError if the attempt ends
   * meanwhile (the run deadline still applies to a suspended run). Await it between work items:
   * a run suspended for its budget must stop spending.
   */
  async whileSuspended(): Promise<void> {
    this.throwIfCancelled();
    while (this.suspendedAs !== undefined && !this.signal.aborted) {
      await new Promise<void>((resolve) => {
        // Whichever comes first ends the wait and takes the other's hook away with it.
        const done = () => {
          this.signal.removeEventListener("abort", done);
          resolve();
        };
        this.resumeWaiters.push(done);
        this.signal.addEventListener("abort", done, { once: true });
      });
    }
    this.throwIfCancelled();
  }

  /** Called when the library sees the run suspended (with its reason) and again when resumed. */
  onSuspension(listener: (suspended: boolean, reason?: string) => void): void {
    this.suspensionListeners.push(listener);
  }

  private setSuspended(reason: string | undefined): void {
    if (reason === this.suspendedAs || (reason !== undefined && this.suspendedAs !== undefined)) return;
    this.suspendedAs = reason;
    if (reason === undefined) {
      const waiters = this.resumeWaiters;
      this.resumeWaiters = [];
      waiters.forEach((w) => w());
    }
    for (const l of this.suspensionListeners) {
      try {
        l(reason !== undefined, reason);
      } catch {
        // a listener's failure must not stop the others
      }
    }
  }

  private requireActive(): void {
    if (!this.attempt) throw new Error("claim() an attempt first");
    this.throwIfCancelled();
    if (this.finished) throw new Error("the attempt's outcome was already reported");
  }

  private cancel(reason: string): void {
    if (!this.signal.aborted) this.controller.abort(new AttemptCancelledError(reason));
  }

  private async tick(): Promise<void> {
    if (this.ticking) return; // the previous tick's write is still in flight
    this.ticking = true;
    try {
      await this.tickOnce();
    } finally {
      this.ticking = false;
    }
  }

  private async tickOnce(): Promise<void> {
    if (this.signal.aborted || this.finished) return;
    const t = Date.now();
    const heartbeatDue = t - this.lastWrite >= this.intervalMs;
    const progressDue = !this.pending.empty && t - this.lastWrite >= Math.min(this.progressIntervalMs, this.intervalMs);
    if ((heartbeatDue || progressDue) && t >= this.retryAt) await this.write(false).catch(() => undefined);
    if (!this.signal.aborted && t - this.lastCheck >= this.intervalMs) {
      this.lastCheck = t;
      await this.checkRun();
    }
  }

  /** One write at a time, in order: the pending fields with a heartbeat. */
  private write(throwTransient: boolean): Promise<void> {
    const next = this.writing.then(() => this.writeNow(throwTransient));
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async writeNow(throwTransient: boolean): Promise<void> {
    if (this.signal.aborted) return;
    const fields = this.pending.take();
    const ops: unknown[] = [
      { op: "test", path: "/spec/attempt", value: this.attempt },
      { op: "test", path: "/status/worker", value: this.worker },
      { op: "add", path: "/status/heartbeatAt", value: now() },
    ];
    for (const [k, v] of fields) ops.push({ op: "add", path: `/status/${k}`, value: v });
    try {
      await this.api.jsonPatch(`${this.path("qualificationrunreports")}/status`, ops);
      this.lastWrite = Date.now();
      this.failures = 0;
      this.retryAt = 0;
      this.refusedSince = 0;
    } catch (e) {
      this.pending.restore(fields);
      if (!(e instanceof ApiError)) throw e;
      if (e.transient || this.refusalMayPass(e)) {
        this.failures++;
        this.retryAt = Date.now() + backoffMs(this.failures);
        if (throwTransient) throw e;
      } else if (e.code === 422) {
        this.cancel(`attempt ${this.attempt} is no longer this worker's: a newer attempt is open or another worker claimed it`);
      } else if (e.code === 404) {
        this.cancel(`the run ${this.run} is gone`);
      } else {
        this.cancel(`the API server refused this worker's report: ${e.message}`);
      }
    }
  }

  /**
   * A 401/403 is tried again for the run's heartbeat limit (at least 30 s): an API server that has
   * just restarted refuses requests until its RBAC caches are filled; longer is real.
   */
  private refusalMayPass(e: ApiError): boolean {
    if (e.code !== 401 && e.code !== 403) return false;
    const t = Date.now();
    if (!this.refusedSince) this.refusedSince = t;
    return t - this.refusedSince < Math.max(this.intervalMs * 3, REFUSAL_PATIENCE_MS);
  }

  private async checkRun(): Promise<void> {
    let run: Record<string, any> | undefined;
    try {
      run = await this.api.get(this.path("qualificationruns"));
    } catch {
      return; // the next check (and the next write) will tell
    }
    if (!run) return this.cancel(`the run ${this.run} is gone`);
    const phase = run.status?.phase;
    const current = run.status?.attempt;
    if (phase === "Succeeded" || phase === "Failed") {
      this.cancel(`the run ${this.run} has ${phase.toLowerCase()} (${run.status?.reason})`);
    } else if (current !== undefined && current > this.attempt) {
      this.cancel(`the run ${this.run} is on attempt ${current}; attempt ${this.attempt} was abandoned`);
    } else {
      this.setSuspended(phase === "Suspended" ? String(run.status?.reason ?? "Suspended") : undefined);
    }
  }

  private async onSigterm(): Promise<void> {
    if (this.attempt && !this.finished && !this.signal.aborted) {
      await Promise.race([this.write(false).catch(() => undefined), sleep(5000)]);
    }
    process.exit(143);
  }

  /** Stops heartbeating. An attempt left without an outcome ends by its limits. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    process.removeListener("SIGTERM", this.sigterm);
  }
}
