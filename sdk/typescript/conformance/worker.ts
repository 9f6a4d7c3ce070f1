// The TypeScript library's conformance worker (sdk/conformance/README.md): driven by environment
// variables, prints what happened as JSON lines, uses only the library's public API.
import { AttemptCancelledError, Worker } from "../src/index.js";

const emit = (event: string, fields: Record<string, unknown> = {}) => console.log(JSON.stringify({ event, ...fields }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const env = process.env;
const items = Number(env.CONFORMANCE_ITEMS ?? 0);
const itemMs = Number(env.CONFORMANCE_ITEM_MS ?? 100);
const crashAt = Number(env.CONFORMANCE_CRASH_AT ?? 0);
const holdMs = Number(env.CONFORMANCE_HOLD_MS ?? 0);
const fail = env.CONFORMANCE_FAIL;
const untilCancelled = env.CONFORMANCE_UNTIL_CANCELLED === "1";
const printItems = env.CONFORMANCE_PRINT_ITEMS === "1";
const spendPerItem = Number(env.CONFORMANCE_SPEND_PER_ITEM ?? 0);
const pauseWhileSuspended = env.CONFORMANCE_PAUSE_WHILE_SUSPENDED === "1";

const worker = Worker.fromEnvironment();
const claim = await worker.claim();
if (!claim.claimed) {
  emit("lost", { reason: claim.reason });
  process.exit(3);
}
emit("claimed", { attempt: claim.attempt, completed: claim.completed, checkpoint: claim.checkpoint ?? null });
worker.onCancel((reason) => emit("cancelled", { reason }));
try {
  for (let i = claim.completed + 1; i <= items; i++) {
    await sleep(itemMs);
    worker.progress(i, `item-${i}`);
    if (spendPerItem) worker.spent(i * spendPerItem);
    if (printItems) emit("item", { n: i });
    if (pauseWhileSuspended && worker.suspended) {
      emit("suspended", { at: i });
      await worker.whileSuspended();
      emit("resumed", { at: i });
    }
    if (i === crashAt) {
      await worker.flush();
      emit("crashing", { at: i });
      process.kill(process.pid, "SIGKILL"); // a killed process: nothing more is written
    }
  }
  if (untilCancelled) {
    while (!worker.cancelled) {
      try {
        worker.message("still working"); // a zombie keeps reporting until told
      } catch {
        break;
      }
      await sleep(200);
    }
    try {
      worker.progress(999_999, "zombie");
      emit("late-report", { refused: false });
    } catch (e) {
      emit("late-report", { refused: e instanceof AttemptCancelledError });
    }
    process.exit(4);
  }
  await sleep(holdMs);
  if (fail) {
    await worker.fail("conformance: asked to fail", fail === "retryable");
    emit("finished", { outcome: "Failed" });
  } else {
    await worker.succeed();
    emit("finished", { outcome: "Succeeded" });
  }
  process.exit(0);
} catch (e) {
  if (e instanceof AttemptCancelledError) {
    emit("cancelled", { reason: e.message });
    process.exit(4);
  }
  throw e;
}
