import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from '../../src/core/normal.js';

/** |actual - expected| within `tolerance` relative to the expected value. */
function expectRelativelyClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe('normal distribution function', () => {
  // Reference values from mpmath at 40 digits, rounded to the nearest double.
  it.each([
    [1.959963984540054, 0.975],
    [-1.959963984540054, 0.025],
    [0, 0.5],
    [0.3, 0.6179114221889527],
    [-0.3, 0.3820885778110474],
    [0.6629, 0.7463026991317632], // just inside the central approximation
    [-0.663, 0.2536652770386165], // just outside it
    [-1, 0.15865525393145707],
    [1.5, 0.9331927987311419],
    [-2.5, 0.006209665325776135],
    [3, 0.9986501019683699],
    [-4, 3.1671241833119924e-5],
    [5.65, 0.9999999919776081], // just inside sqrt(32)
    [-5.66, 7.56864975199772e-9], // just outside it
    [-6, 9.86587645037698e-10],
    [-8, 6.22096057427178e-16],
    [8, 0.9999999999999993],
    [-10, 7.619853024160525e-24],
    [-20, 2.7536241186062337e-89],
    [-37, 5.725571222524577e-300],
  ])('Φ(%d) = %d to about 1e-15 relative', (x, expected) => {
    expectRelativelyClose(normalCdf(x), expected, 2e-15);
  });

  it('is 0 and 1 at the infinities, 0 where the tail underflows, and NaN for NaN', () => {
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(NaN)).toBeNaN();
  });

  it('is symmetric: Φ(x) + Φ(-x) = 1', () => {
    for (const x of [0.1, 0.5, 0.66291, 0.7, 1, 2.2, 4, 5.656854, 5.7, 7]) {
      expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15);
    }
  });

  it('never decreases, including across the branch boundaries', () => {
    const xs = [
      -38, -37.5, -20, -5.66, -5.6568, -5.65, -3, -0.663, -0.66291, -0.6628, 0, 0.6628, 0.66291, 0.663, 3, 5.65, 5.66,
      8,
    ];
    const values = xs.map(normalCdf);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
  });

  it.each([
    1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.01, 0.025, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.975, 0.99, 0.999,
  ])('inverts the quantile: Φ(quantile(%d)) ≈ p', (p) => {
    // The quantile's last-bit error is magnified by about x² in the far tail.
    expectRelativelyClose(normalCdf(normalQuantile(p)), p, 1e-12);
  });
});
