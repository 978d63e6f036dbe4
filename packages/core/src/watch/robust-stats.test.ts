import { describe, expect, it } from 'vitest';
import {
  betaBinomialTail,
  logGamma,
  median,
  medianAbsoluteDeviation,
  quantile,
  robustSummary,
  robustZ,
  roundTo,
  surprise,
  valueAtZ,
} from './robust-stats';

describe('median, MAD, quantile', () => {
  it.each<[number[], number, number]>([
    [[], 0, 0],
    [[5], 5, 0],
    [[1, 3], 2, 1],
    [[3, 1, 2], 2, 1],
    [[1, 2, 3, 4, 100], 3, 1],
    [[10, 10, 10, 10, 500, 900], 10, 0],
  ])('%j → median %d, MAD %d', (values, med, mad) => {
    expect(median(values)).toBe(med);
    expect(medianAbsoluteDeviation(values)).toBe(mad);
  });

  it.each<[number[], number, number]>([
    [[1, 2, 3, 4, 5], 0, 1],
    [[1, 2, 3, 4, 5], 0.5, 3],
    [[1, 2, 3, 4, 5], 1, 5],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[], 0.9, 0],
  ])('quantile(%j, %d) = %d', (values, q, expected) => {
    expect(quantile(values, q)).toBe(expected);
  });

  it('does not reorder its input', () => {
    const v = [3, 1, 2];
    median(v);
    expect(v).toEqual([3, 1, 2]);
  });
});

describe('robustSummary and robust z', () => {
  it.each<[string, number[], { median: number; scale: number }]>([
    ['spread dominates', [10, 20, 30, 40, 50], { median: 30, scale: 1.4826 * 10 }],
    ['identical days: the Poisson floor √median', [25, 25, 25, 25], { median: 25, scale: 5 }],
    ['all zero: the floor of 1', [0, 0, 0], { median: 0, scale: 1 }],
  ])('%s', (_name, values, expected) => {
    const s = robustSummary(values);
    expect(s?.median).toBe(expected.median);
    expect(s?.scale).toBeCloseTo(expected.scale, 10);
  });

  it('is null for no values, and one outlier does not move it', () => {
    expect(robustSummary([])).toBeNull();
    const a = robustSummary([20, 21, 19, 22, 18, 20, 20]);
    const b = robustSummary([20, 21, 19, 22, 18, 20, 2000]);
    expect(b?.median).toBe(a?.median);
    expect(b?.mad).toBe(a?.mad);
  });

  it('a custom floor replaces the count floor', () => {
    expect(robustSummary([4, 4, 4], (m) => 0.05 * m)?.scale).toBeCloseTo(0.2, 10);
  });

  it('robustZ and valueAtZ are inverses', () => {
    const s = robustSummary([10, 12, 14, 16, 18]);
    if (!s) throw new Error('summary');
    expect(robustZ(valueAtZ(s, 5), s)).toBeCloseTo(5, 10);
  });
});

describe('logGamma', () => {
  it.each<[number, number]>([
    [1, 0],
    [2, 0],
    [5, Math.log(24)],
    [0.5, Math.log(Math.sqrt(Math.PI))],
    [101, 363.73937555556347],
  ])('lnΓ(%d)', (x, expected) => {
    expect(logGamma(x)).toBeCloseTo(expected, 9);
  });
});

describe('betaBinomialTail', () => {
  const binomialTail = (k: number, n: number, p: number) => {
    let sum = 0;
    for (let j = k; j <= n; j++)
      sum += Math.exp(logGamma(n + 1) - logGamma(j + 1) - logGamma(n - j + 1)) * p ** j * (1 - p) ** (n - j);
    return sum;
  };

  it.each<[number, number, number, number, number]>([
    // k, n, rate, concentration, exact P(X ≥ k)
    [0, 10, 0.1, 5, 1],
    [11, 10, 0.1, 5, 0],
    // n = 1: P(X ≥ 1) is the mean rate whatever the concentration.
    [1, 1, 0.3, 2, 0.3],
    // BetaBinomial(2, 1, 1) is uniform on {0, 1, 2}.
    [2, 2, 0.5, 2, 1 / 3],
    [1, 2, 0.5, 2, 2 / 3],
  ])('P(X ≥ %d | n=%d, rate=%d, κ=%d) = %d', (k, n, rate, kappa, expected) => {
    expect(betaBinomialTail(k, n, rate, kappa)).toBeCloseTo(expected, 10);
  });

  it('approaches the binomial as the concentration grows', () => {
    for (const [k, n, p] of [
      [5, 20, 0.05],
      [12, 40, 0.1],
      [3, 30, 0.02],
    ] as const) {
      expect(betaBinomialTail(k, n, p, 1e9) / binomialTail(k, n, p)).toBeCloseTo(1, 4);
    }
  });

  it('has a heavier tail than the binomial at a small concentration', () => {
    expect(betaBinomialTail(10, 40, 0.05, 20)).toBeGreaterThan(10 * binomialTail(10, 40, 0.05));
  });

  it('surprise is −log10 and capped', () => {
    expect(surprise(1e-7)).toBeCloseTo(7, 10);
    expect(surprise(0)).toBe(300);
    expect(roundTo(Number.POSITIVE_INFINITY)).toBe(1e9);
  });
});
