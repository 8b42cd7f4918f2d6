import { describe, expect, it } from 'vitest';
import { type Encoding, stability, termOf } from '../../src/core/case-mix.js';
import { featureKinds, learnEncodings, MAX_MODEL_ROWS, modelFold } from '../../src/core/expected.js';

/* The model's rows and how features enter it, on rows small enough to check by hand. */

const row = (score: number, cells: Record<string, string>) => ({ score, time: 0, weight: 1, units: 1, values: cells });

describe('the rows of a model', () => {
  it('reads each feature as a measure or as levels, by its values', () => {
    const fold = modelFold(['wait', 'queue', 'transfers'], undefined);
    const state = fold.empty();
    for (let i = 0; i < 20; i++)
      fold.add(
        state,
        row(i % 11, { wait: String(10 * i), queue: i % 2 ? 'billing' : 'reset', transfers: String(i % 3) }),
      );
    // Twenty distinct numbers: a measure; two texts: levels; three numbers only: levels too.
    expect(featureKinds(state)).toEqual(['numeric', 'categorical', 'categorical']);
  });

  it('bands a measure at its type-7 quartiles, and pools levels under the minimum', () => {
    const fold = modelFold(['wait', 'queue'], undefined);
    const state = fold.empty();
    const queues = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', 'd', 'a'];
    for (let i = 0; i < 10; i++) fold.add(state, row(5, { wait: String(i + 1), queue: queues[i] }));
    const [wait, queue] = learnEncodings(
      state,
      ['wait', 'queue'],
      ['numeric', 'categorical'],
      [...Array(10).keys()],
      2,
    );
    // 1..10: quartiles 3.25, 5.5, 7.75 (R's quantile type 7).
    expect(wait).toEqual({ kind: 'numeric', name: 'wait', edges: [3.25, 5.5, 7.75], missing: false });
    // a is commonest (the reference); b has 3 ≥ 2; c and d have 1 each: pooled.
    expect(queue).toEqual({ kind: 'categorical', name: 'queue', reference: 'a', kept: ['b'], other: true });
    expect([1, 3.25, 3.26, 7.75, 10].map((v) => termOf(wait, v, String(v)))).toEqual([-1, -1, 0, 1, 2]);
    // An unseen level counts as "(other)", the reference as none.
    expect(['a', 'b', 'c', 'zzz'].map((t) => termOf(queue as Encoding, Number.NaN, t))).toEqual([-1, 0, 1, 1]);
  });

  it(`holds at most ${MAX_MODEL_ROWS} answers and counts the rest, in one part or merged from several`, () => {
    const fold = modelFold(['x'], undefined);
    const one = fold.empty();
    for (let i = 0; i < MAX_MODEL_ROWS + 5; i++) fold.add(one, row(9, { x: '1' }));
    expect([one.n, one.dropped]).toEqual([MAX_MODEL_ROWS, 5]);
    const a = fold.empty();
    const b = fold.empty();
    for (let i = 0; i < MAX_MODEL_ROWS - 2; i++) fold.add(a, row(9, { x: '1' }));
    for (let i = 0; i < 7; i++) fold.add(b, row(3, { x: '2' }));
    fold.merge(a, b);
    expect([a.n, a.dropped, a.scores.length, a.numbers[0].length]).toEqual([
      MAX_MODEL_ROWS,
      5,
      MAX_MODEL_ROWS,
      MAX_MODEL_ROWS,
    ]);
  });
});

describe('the population stability index', () => {
  it('is Σ (now − then) ln(now / then), 0 when nothing moved', () => {
    expect(stability([0.5, 0.5], [0.5, 0.5], 100, 100)).toBe(0);
    expect(stability([0.5, 0.5], [0.8, 0.2], 100, 100)).toBeCloseTo(
      0.3 * Math.log(0.8 / 0.5) - 0.3 * Math.log(0.2 / 0.5),
      15,
    );
    // An empty bin counts as half an answer, so a level that vanished still has a finite index.
    expect(Number.isFinite(stability([0.5, 0.5], [1, 0], 100, 100))).toBe(true);
  });
});
