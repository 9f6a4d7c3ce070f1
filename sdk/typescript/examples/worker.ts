import { Worker } from "@runwarden/worker";

const worker = Worker.fromEnvironment();
const claim = await worker.claim();
if (!claim.claimed) process.exit(0); // another worker holds the attempt, or it is no longer open

const total = 20;
for (let item = claim.completed + 1; item <= total; item++) {
  await worker.whileSuspended(); // throws once the attempt is abandoned; waits while suspended
  await work(item, worker.signal);
  worker.progress(item, `item-${item}`); // cheap: written at most every few seconds
}
await worker.succeed(); // carries the last progress and checkpoint

async function work(item: number, signal: AbortSignal): Promise<void> {
  await new Promise((r) => setTimeout(r, 200)); // the work: pass `signal` to fetch() and friends
  console.log(`item ${item} done`);
}
