import { test } from "node:test";
import assert from "node:assert/strict";
import { dopri5, solveAt, type Rhs, type StepInfo } from "../../src/engine/ode.js";
import { findCrossings, CrossingFinder } from "../../src/engine/ode-events.js";

// Every check is against a closed form (or a closed-form invariant), never against the solver.

const decay = (k: number): Rhs => (_t, y, d) => {
  d[0] = -k * y[0];
};

test("exponential decay: global error within a small multiple of rtol, shrinking with rtol", () => {
  const k = 0.7, T = 10, exact = Math.exp(-k * T);
  let prev = Infinity;
  for (const rtol of [1e-4, 1e-6, 1e-8, 1e-10]) {
    const r = dopri5(decay(k), 0, new Float64Array([1]), T, { rtol, atol: rtol * 1e-3 });
    assert.equal(r.status, "done");
    assert.equal(r.t, T);
    const rel = Math.abs(r.y[0] - exact) / exact;
    assert.ok(rel < 10 * rtol, `rtol=${rtol}: relative error ${rel}`);
    assert.ok(rel < prev / 10, `error must shrink with rtol (${rel} vs ${prev})`);
    prev = rel;
  }
});

test("harmonic oscillator over 5 periods: phase, energy and mid-step dense output", () => {
  const w = 2, T = (5 * 2 * Math.PI) / w;
  const f: Rhs = (_t, y, d) => {
    d[0] = y[1];
    d[1] = -w * w * y[0];
  };
  for (const tol of [1e-6, 1e-8, 1e-10]) {
    const out = new Float64Array(2);
    let midErr = 0, endErr = 0, steps = 0;
    const r = dopri5(f, 0, new Float64Array([1, 0]), T, {
      rtol: tol,
      atol: tol,
      onStep: (s: StepInfo) => {
        steps++;
        for (const th of [0.25, 0.5, 0.75]) {
          const tq = s.tPrev + th * s.h;
          s.evaluate(tq, out);
          midErr = Math.max(midErr, Math.abs(out[0] - Math.cos(w * tq)), Math.abs(out[1] / w + Math.sin(w * tq)));
          assert.equal(s.component(1, tq), out[1]);
        }
        // The interpolant reproduces the step's end points.
        s.evaluate(s.t, out);
        endErr = Math.max(endErr, Math.abs(out[0] - s.y[0]), Math.abs(out[1] - s.y[1]));
        s.evaluate(s.tPrev, out);
        endErr = Math.max(endErr, Math.abs(out[0] - s.yPrev[0]), Math.abs(out[1] - s.yPrev[1]));
      },
    });
    assert.equal(r.status, "done");
    assert.equal(steps, r.naccept);
    // Phase: angle of (x, v/w) against w*T; energy relative to its initial value.
    const phaseErr = Math.abs(Math.atan2(-r.y[1] / w, r.y[0]) - 0); // w*T is a multiple of 2π
    const E = 0.5 * r.y[1] ** 2 + 0.5 * w * w * r.y[0] ** 2, E0 = 0.5 * w * w;
    assert.ok(phaseErr < 50 * tol, `tol=${tol}: phase error ${phaseErr}`);
    assert.ok(Math.abs(E - E0) / E0 < 50 * tol, `tol=${tol}: energy error ${Math.abs(E - E0) / E0}`);
    assert.ok(midErr < 50 * tol, `tol=${tol}: dense output error ${midErr}`);
    assert.ok(endErr < 1e-15, `interpolant end points off by ${endErr}`);
  }
});

test("logistic growth sampled by solveAt matches the closed form", () => {
  const r0 = 1, K = 10, y0 = 0.1;
  const f: Rhs = (_t, y, d) => {
    d[0] = r0 * y[0] * (1 - y[0] / K);
  };
  const times = Array.from({ length: 51 }, (_, i) => i * 0.4); // includes t0 = 0 and tEnd = 20
  for (const rtol of [1e-6, 1e-8, 1e-10]) {
    const s = solveAt(f, 0, new Float64Array([y0]), times, { rtol, atol: rtol * 1e-3 });
    assert.equal(s.result.status, "done");
    assert.equal(s.y.length, times.length);
    assert.equal(s.y[0], y0);
    for (let k = 0; k < times.length; k++) {
      const exact = K / (1 + (K / y0 - 1) * Math.exp(-r0 * times[k]));
      assert.ok(Math.abs(s.row(k)[0] - exact) / exact < 20 * rtol, `rtol=${rtol} t=${times[k]}`);
    }
    // Output times do not restrict the steps: far fewer steps than samples at loose rtol.
    if (rtol === 1e-6) assert.ok(s.result.naccept < times.length, `naccept=${s.result.naccept}`);
  }
});

test("event times: exponential decay through 0.5 and 0.1; never-crossed levels give null", () => {
  const k = 1.3;
  const exact = (L: number) => Math.log(1 / L) / k;
  const { times, result } = findCrossings(
    decay(k),
    0,
    new Float64Array([1]),
    30,
    [
      { component: 0, level: 0.5, direction: -1 },
      { component: 0, level: 0.1 }, // either direction
      { component: 0, level: 2 }, // above the start, decaying: never
      { component: 0, level: 0.5, direction: 1 }, // only falls through 0.5: never rising
      { g: (_t, y) => y[0] - 0.25, direction: -1 },
      { component: 0, level: 0 }, // approached, never reached
    ],
    { rtol: 1e-12, atol: 1e-16, tTol: 1e-13, stopWhenAllFound: false },
  );
  assert.equal(result.status, "done");
  assert.equal(result.t, 30);
  const expect = [exact(0.5), exact(0.1), null, null, exact(0.25), null];
  times.forEach((t, j) => {
    const e = expect[j];
    if (e === null) assert.equal(t, null, `event ${j}`);
    else {
      assert.ok(t !== null, `event ${j} not found`);
      assert.ok(Math.abs(t - e) / e < 1e-10, `event ${j}: ${t} vs ${e}`);
    }
  });
});

test("event directions on the oscillator; solve stops once all events are found", () => {
  const w = 3;
  const f: Rhs = (_t, y, d) => {
    d[0] = y[1];
    d[1] = -w * w * y[0];
  };
  // x = cos(wt): falls through 0 at π/(2w), first rises through 0 at 3π/(2w); x = -0.5 first at 2π/(3w).
  const { times, result } = findCrossings(
    f,
    0,
    new Float64Array([1, 0]),
    100,
    [
      { component: 0, level: 0, direction: 1 },
      { component: 0, level: 0, direction: -1 },
      { component: 0, level: -0.5 },
    ],
    { rtol: 1e-12, atol: 1e-14, tTol: 1e-13 },
  );
  const expect = [(3 * Math.PI) / (2 * w), Math.PI / (2 * w), (2 * Math.PI) / (3 * w)];
  times.forEach((t, j) => assert.ok(t !== null && Math.abs(t - expect[j]) < 1e-10 * expect[j], `event ${j}: ${t}`));
  assert.equal(result.status, "done");
  assert.equal(result.stopped, true);
  assert.ok(result.t >= expect[0] && result.t < 3, `stopped at ${result.t}`);
});

test("CrossingFinder inside a caller's own onStep: 150 (component, level) events at once", () => {
  // y_j' = -(j+1) y_j, y_j(0) = 1: crosses level L at ln(1/L)/(j+1).
  const n = 50, levels = [0.9, 0.5, 0.01];
  const f: Rhs = (_t, y, d) => {
    for (let j = 0; j < n; j++) d[j] = -(j + 1) * y[j];
  };
  const events = [];
  for (let j = 0; j < n; j++) for (const L of levels) events.push({ component: j, level: L, direction: -1 as const });
  const finder = new CrossingFinder(events, n);
  const y0 = new Float64Array(n).fill(1);
  finder.init(0, y0);
  dopri5(f, 0, y0, 10, { rtol: 1e-11, atol: 1e-15, onStep: (s) => finder.onStep(s) });
  assert.equal(finder.pendingCount, 0);
  events.forEach((e, m) => {
    const exact = Math.log(1 / e.level) / (e.component + 1);
    assert.ok(Math.abs(finder.times[m]! - exact) / exact < 1e-9, `component ${e.component} level ${e.level}`);
  });
});

test("nfev accounting: FSAL gives nfev = 1 + [auto first step] + 6 (naccept + nreject) + nproject", () => {
  const f: Rhs = (t, y, d) => {
    d[0] = y[1];
    d[1] = -y[0] + Math.cos(3 * t); // forced oscillator: rejections happen at loose tolerance
  };
  let sawReject = false;
  for (const rtol of [1e-3, 1e-6, 1e-9]) {
    const a = dopri5(f, 0, new Float64Array([0, 1]), 50, { rtol, atol: 1e-12 });
    assert.equal(a.nfev, 2 + 6 * (a.naccept + a.nreject) + a.nproject);
    const b = dopri5(f, 0, new Float64Array([0, 1]), 50, { rtol, atol: 1e-12, firstStep: 0.1 });
    assert.equal(b.nfev, 1 + 6 * (b.naccept + b.nreject) + b.nproject);
    sawReject ||= a.nreject + b.nreject > 0;
  }
  assert.ok(sawReject, "the accounting should be exercised with rejected steps too");
  // Projection: y' = -1 clamped at 0 by the RHS and by project; each changed state costs one call.
  const g: Rhs = (_t, y, d) => {
    d[0] = y[0] > 0 ? -1 : 0;
  };
  const c = dopri5(g, 0, new Float64Array([1]), 3, {
    rtol: 1e-6,
    atol: 1e-9,
    project: (y) => {
      if (y[0] < 0) y[0] = 0;
    },
  });
  assert.equal(c.status, "done");
  assert.equal(c.y[0], 0);
  assert.ok(c.nproject >= 1, "the clamp should have fired");
  assert.equal(c.nfev, 2 + 6 * (c.naccept + c.nreject) + c.nproject);
});

test("backward integration and failures are reported, not thrown", () => {
  const back = dopri5(decay(1), 2, new Float64Array([Math.exp(-2)]), 0, { rtol: 1e-10, atol: 1e-14 });
  assert.equal(back.status, "done");
  assert.ok(Math.abs(back.y[0] - 1) < 1e-9);
  // y' = y², y(0) = 1 blows up at t = 1.
  const blow = dopri5((_t, y, d) => void (d[0] = y[0] * y[0]), 0, new Float64Array([1]), 2, { rtol: 1e-8, atol: 1e-8 });
  assert.equal(blow.status, "failed");
  assert.ok(Math.abs(blow.t - 1) < 1e-6, `failed at ${blow.t}: ${blow.message}`);
  const capped = dopri5(decay(1), 0, new Float64Array([1]), 100, { rtol: 1e-10, atol: 1e-14, maxSteps: 10 });
  assert.equal(capped.status, "failed");
  assert.match(capped.message!, /maxSteps/);
  const poisoned: Rhs = (t, y, d) => void (d[0] = t > 0.5 ? NaN : -y[0]);
  const nan = dopri5(poisoned, 0, new Float64Array([1]), 1, { rtol: 1e-6, atol: 1e-9 });
  assert.equal(nan.status, "failed");
  assert.match(nan.message!, /non-finite/);
  assert.ok(nan.t <= 0.5);
});

test("Resource model: u_i^(1/p_i) is the same for every skill (closed-form invariant)", () => {
  // du_i/dt = -rate p_i u_i / (Σ p_j u_j + N0) => d ln(u_i) / dt = -rate p_i / D(t), so with
  // u_i(0) = 1, ln(u_i)/p_i is the same function of t for every i.
  const n = 10, N0 = 0.003, rate = 2 * 3e-4 * Math.sqrt(1000);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = (i + 1) ** -2;
  const ps = p.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n; i++) p[i] /= ps;
  const c = new Float64Array(n);
  const f: Rhs = (_t, u, d) => {
    let s = N0;
    for (let i = 0; i < n; i++) {
      c[i] = p[i] * (u[i] > 0 ? u[i] : 0);
      s += c[i];
    }
    for (let i = 0; i < n; i++) d[i] = (-rate * c[i]) / s;
  };
  const times = [50, 100, 200];
  const s = solveAt(f, 0, new Float64Array(n).fill(1), times, {
    rtol: 1e-10,
    atol: 1e-14,
    project: (u) => {
      for (let i = 0; i < n; i++) if (u[i] < 0) u[i] = 0;
    },
  });
  assert.equal(s.result.status, "done");
  times.forEach((t, k) => {
    const u = s.row(k);
    const ref = Math.log(u[n - 1]) / p[n - 1];
    for (let i = 0; i < n - 1; i++) {
      if (u[i] < 1e-6) continue;
      // Relative difference of u_i^(1/p_i) against u_n^(1/p_n).
      const rel = Math.abs(Math.expm1(Math.log(u[i]) / p[i] - ref));
      assert.ok(rel < 1e-8, `t=${t} i=${i}: ${rel}`);
    }
    assert.ok(u[0] < 0.5, "the top skill should be well under way");
  });
});
