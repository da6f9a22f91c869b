/** A worker thread of ./parallel.ts: runs each task it is sent and posts the result back. */
import { parentPort } from "node:worker_threads";
import { runTask, type FitTask } from "./parallel.js";

parentPort!.on("message", (t: FitTask) => {
  try {
    parentPort!.postMessage({ result: runTask(t) });
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message, name: (e as Error).name });
  }
});
