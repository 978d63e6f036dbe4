/**
 * The statistics behind watch: robust location and scale (median, MAD) for daily volumes, and a
 * beta-binomial tail for "how many of today's customers carried a flag" (no assignment, off shift, an
 * undelivered order). Pure and deterministic; no I/O.
 *
 * Why these: a handful of insiders inside a peer group must not move the baseline they are compared
 * against (the median and MAD have a 50 % breakdown point, the mean and standard deviation have none),
 * and flagged fractions vary from day to day more than a binomial allows (a busy day of follow-ups,
 * a colleague's ticket), so the tail is a beta-binomial whose concentration sets how much.
 */

/** MAD × this estimates the standard deviation for normal data. */
export const MAD_TO_SIGMA = 1.4826;

/** The median of the values (0 for none); the input is not modified. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The median absolute deviation from `center` (default: the median). */
export function medianAbsoluteDeviation(values: readonly number[], center = median(values)): number {
  return median(values.map((v) => Math.abs(v - center)));
}

/** The q-quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics; 0 for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? 0;
  return a + (b - a) * (pos - lo);
}

/** Location and scale of a sample of daily counts. */
export interface RobustSummary {
  n: number;
  median: number;
  mad: number;
  /**
   * The scale a robust z divides by: the larger of 1.4826 × MAD and the upper half-spread
   * (q75 − median) / 0.6745, so a right-skewed metric (warehouse label waves: most days a few
   * batches, some days many) is judged by its long side; never below `floor` (for counts: the
   * Poisson noise √median, and 1), so a person whose days were all identical is not "infinitely"
   * surprising when one day differs by a few.
   */
  scale: number;
}

/**
 * Summarises daily counts; `null` for an empty sample. `floor` replaces the count floor (√median, 1)
 * for values that are not counts, such as logarithms or per-day averages over a month.
 */
export function robustSummary(
  values: readonly number[],
  floor: (median: number) => number = (m) => Math.max(Math.sqrt(Math.max(m, 0)), 1),
): RobustSummary | null {
  if (values.length === 0) return null;
  const m = median(values);
  const mad = medianAbsoluteDeviation(values, m);
  const upper = (quantile(values, 0.75) - m) / 0.6745;
  return { n: values.length, median: m, mad, scale: Math.max(MAD_TO_SIGMA * mad, upper, floor(m)) };
}

/** (value − median) / scale. */
export function robustZ(value: number, summary: RobustSummary): number {
  return (value - summary.median) / summary.scale;
}

/** The value at which the robust z reaches `z`. */
export function valueAtZ(summary: RobustSummary, z: number): number {
  return summary.median + z * summary.scale;
}

// Lanczos approximation (g = 7, n = 9), accurate to ~15 significant digits for x > 0.
const lanczos = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = lanczos[0] ?? 0;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += (lanczos[i] ?? 0) / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * P(X ≥ k) for X ~ BetaBinomial(n, α = rate·κ, β = (1 − rate)·κ): the chance that k or more of n
 * customers carry a flag when the person's underlying flag rate is itself uncertain around `rate`
 * (concentration κ: smaller means days vary more). Returns 1 for k ≤ 0 and 0 for k > n.
 */
export function betaBinomialTail(k: number, n: number, rate: number, concentration: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  const p = Math.min(Math.max(rate, 1e-9), 1 - 1e-9);
  const a = p * concentration;
  const b = (1 - p) * concentration;
  const logPk =
    logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + logBeta(k + a, n - k + b) - logBeta(a, b);
  let term = Math.exp(logPk);
  let sum = term;
  for (let j = k; j < n; j++) {
    term *= ((n - j) / (j + 1)) * ((j + a) / (n - j - 1 + b));
    sum += term;
    if (term < sum * 1e-13 && j > k + 2) break;
  }
  return Math.min(sum, 1);
}

/**
 * Method-of-moments estimate of the beta-binomial concentration κ from (flagged, seen) pairs: how
 * much the flagged fraction varies between the pairs beyond binomial noise. Var(k) = n·p(1−p)·(1 +
 * (n − 1)ρ) with ρ = 1/(κ + 1). Clamped to [min, max]; `max` when there is no excess variation (or too
 * little data to say).
 */
export function estimateConcentration(
  pairs: ReadonlyArray<readonly [number, number]>,
  min: number,
  max: number,
): number {
  let k = 0;
  let n = 0;
  let nn = 0;
  for (const [ki, ni] of pairs) {
    k += ki;
    n += ni;
    nn += ni * (ni - 1);
  }
  if (pairs.length < 3 || n === 0 || nn === 0) return min;
  const p = k / n;
  if (p <= 0 || p >= 1) return max;
  let ss = 0;
  for (const [ki, ni] of pairs) ss += (ki - ni * p) ** 2;
  const rho = (ss - p * (1 - p) * n) / (p * (1 - p) * nn);
  if (rho <= 0) return max;
  return Math.min(Math.max(1 / rho - 1, min), max);
}

/** −log10 of a probability, capped at 300 so zero does not become Infinity in JSON. */
export function surprise(p: number): number {
  return p <= 1e-300 ? 300 : -Math.log10(p);
}

/** Rounds for JSON output: finite, at most `digits` decimals. */
export function roundTo(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value > 0 ? 1e9 : -1e9;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
