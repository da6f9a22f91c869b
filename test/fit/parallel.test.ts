/**
 * FitPool (src/fit/parallel.ts), the calling thread plus threads - 1 workers: results
 * in task order and one progress call per task for any number of threads (also fewer tasks
 * than threads), a failing task on a worker or on the calling thread rejects the map and the
 * pool still works afterwards, and a progress callback that throws on a worker's result
 * rejects the map (it must not escape as an uncaught exception from the message listener).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FitPool, runTask, type FitTask } from "../../src/fit/parallel.js";
import { FitInputError } from "../../src/fit/chinchilla.js";

const X = [1e8, 2e8, 4e8, 8e8, 1.6e9, 3.2e9];
const ALL = Int32Array.from(X, (_, i) => i);

/** A power-law bootstrap task (cheap): `refits` refits of six rows, data varying with k. */
function task(k: number, refits = 1): FitTask {
  const L = Float64Array.from(X, (x, i) => 2 + 100 * x ** -0.3 + 0.001 * ((i * 7 + k) % 5));
  return { kind: "powerlaw", x: Float64Array.from(X), L, opts: {}, resamples: Array.from({ length: refits }, () => ALL) };
}

function badTask(): FitTask {
  return { kind: "powerlaw", x: Float64Array.from([1, 2, -3, 4, 5, 6]), L: Float64Array.from(X), opts: {}, resamples: [ALL] };
}

test("FitPool.map: results in task order and progress 1..n, for 1, 2, 3 and 8 threads and 2-5 tasks", async () => {
  const expected = (m: number): string => JSON.stringify(Array.from({ length: m }, (_, k) => runTask(task(k))));
  for (const threads of [1, 2, 3, 8]) {
    const pool = new FitPool(threads);
    try {
      for (const m of [2, 3, 5]) {
        const calls: [number, number][] = [];
        const r = await pool.map(Array.from({ length: m }, (_, k) => task(k)), (d, t) => calls.push([d, t]));
        assert.equal(JSON.stringify(r), expected(m), `threads ${threads}, ${m} tasks`);
        assert.deepEqual(calls, Array.from({ length: m }, (_, i) => [i + 1, m]), `threads ${threads}, ${m} tasks`);
      }
    } finally {
      await pool.close();
    }
  }
});

test("FitPool.map: a failing task (on a worker or on the calling thread) rejects; the next map works", async () => {
  const pool = new FitPool(2);
  try {
    // With 2 threads the worker takes tasks 0 and 1 first, the calling thread task 2.
    for (const badAt of [0, 2]) {
      const tasks = Array.from({ length: 5 }, (_, k) => (k === badAt ? badTask() : task(k)));
      await assert.rejects(pool.map(tasks), (e: Error) => e instanceof FitInputError && /x at row 2 is -3/.test(e.message));
      const r = await pool.map([task(0), task(1), task(2)]);
      assert.equal(JSON.stringify(r), JSON.stringify([0, 1, 2].map((k) => runTask(task(k)))));
    }
  } finally {
    await pool.close();
  }
});

test("FitPool.map: a progress callback that throws on a worker's result rejects the map", async () => {
  const pool = new FitPool(2);
  try {
    await pool.map([task(0), task(1)]); // start the worker
    // The worker's two light tasks are done while the calling thread runs the heavy one: its
    // result is the first reported (no throw), the worker's come next, in its message listener.
    const tasks = [task(0), task(1), task(2, 40), task(3)];
    await assert.rejects(
      pool.map(tasks, (d) => {
        if (d >= 2) throw new Error("progress failed");
      }),
      /progress failed/,
    );
  } finally {
    await pool.close();
  }
});
