/**
 * Leak attribution: which exports and which staff members' access explains a leaked customer list.
 *
 * The input is the leaked set S after matching against the vault (rows that are not ours already
 * removed; a row whose match is ambiguous, such as a phone masked in the middle, carries a small set
 * of candidate customers with weights) and the candidates: every export with its exact subject set,
 * and every staff member with the customers they viewed, searched, revealed or exported, each with
 * the time of first access. Three views of the same evidence are returned per candidate, because
 * each answers a different question an investigator asks:
 *
 * 1. `guilt` — the guilt model of Papadimitriou & Garcia-Molina ("Data Leakage Detection",
 *    IEEE TKDE 23(1), 2011): every leaked object t was obtained independently (guessed, bought
 *    elsewhere) with probability p, otherwise leaked by one of the |V_t| candidates holding it, each
 *    equally likely, and candidates act independently:
 *    `Pr{G_i | S} = 1 − ∏_{t ∈ S ∩ R_i} (1 − (1 − p) / |V_t|)`.
 *    It is the published, explainable baseline, but it never discounts an access set for being
 *    large: an administrator who saw every customer is implicated by every row.
 * 2. `pValue` — how surprising the overlap is by chance: the hypergeometric upper tail
 *    `Pr{X ≥ |S ∩ R_i|}` for `X ~ Hypergeometric(N, |R_i|, |S|)`, N the number of customers. It
 *    discounts large sets (an admin's overlap is expected) and needs no model of the leaker.
 * 3. `probability` — the posterior probability that the candidate is a source of S, from a
 *    generative model that discounts large sets by construction. S's rows are drawn i.i.d. from the
 *    mixture `w_0 · Uniform(customers) + Σ_{s ∈ A} w_s · Uniform(R_s)`: A is the unknown set of
 *    sources (each candidate a source independently with prior π, default 1/(n+1)); w is uniform on
 *    the simplex; w_0 is the share of rows that came from elsewhere. Relative to "everything came
 *    from elsewhere", one row held by the sources contributes the likelihood ratio
 *    `L(t) = w_0 + Σ_s w_s · N · h_s(t) / |R_s|` (h_s(t) ∈ [0, 1] is the weight of the row's
 *    candidate customers that s holds), so a candidate who saw all N customers has ratio exactly 1
 *    and gains nothing from covering S, while a small set that covers S gains `N / |R|` per row.
 *    Several sources are supported (the reported case had eleven people). The posterior is
 *    approximated deterministically: a greedy forward/backward search for the most probable source
 *    set Â, where adding candidate j to a fitted set is scored by the one-dimensional evidence (the
 *    others' relative shares held at their maximum-likelihood fit)
 *    `log ∫₀¹ ∏_t ((1 − w) · L(t) + w · N h_j(t) / |R_j|) / L(t) dw` (concave log-integrand,
 *    integrated numerically) plus the prior log-odds; then each candidate's marginal comes from
 *    the neighbourhood of Â: for every "slot" s ∈ Â, the posterior over who (or nobody) fills it
 *    given the other sources, and one extra slot for an additional source given all of Â;
 *    `probability = 1 − ∏_slots (1 − P_slot)`. Two candidates with identical access therefore share
 *    the slot (≈ 0.5 each) instead of one of them taking it arbitrarily. p does not enter: the
 *    share from elsewhere, w_0, is estimated from the leak (reported as `background`).
 *
 * An ambiguous row enters every measure as the expectation over its candidate customers: in the
 * guilt formula it implicates candidate i with `(1 − p) Σ_c w_c [i ∈ V_c] / |V_c|`, in the overlap
 * with the held weight h_i(t), in the likelihood ratio through h_i(t).
 *
 * Everything is pure and deterministic. Only S is iterated (and, for a `Map` smaller than S, the
 * map), so 400 candidates with access sets of 50,000 customers rank a 50-row leak in milliseconds.
 */
import { CordonError } from '../shared/errors';

/**
 * Default p: a leaked object was obtained other than from a candidate (guessed, bought elsewhere) with
 * probability 5%. Small because customer records of one shop are rarely public; see
 * {@link estimateGuessProbability} for an estimate from the leak itself.
 */
export const DEFAULT_GUESS_PROBABILITY = 0.05;

/** How many sources the search may assemble before it stops looking for more. */
export const DEFAULT_MAX_SOURCES = 12;

/**
 * What a candidate could have obtained: customer id → epoch milliseconds of the first access (for an
 * export, the export time). A `Map<string, number>` is one; storage may pass a lazy lookup instead.
 * `size` is the number of distinct customers in the set, which the model needs even though only
 * the leaked customers are looked up.
 */
export interface AccessLookup {
  readonly size: number;
  get(customerId: string): number | undefined;
}

/**
 * A leaked row whose match is ambiguous: the customers it may be, with positive weights (normalised
 * to sum 1). `guessProbability` overrides p for this row in the paper's guilt formula (a record that
 * is also public, for example).
 */
export interface LeakedRowMatch {
  readonly customers: ReadonlyArray<{ readonly id: string; readonly weight: number }>;
  readonly guessProbability?: number;
}

/** A leaked row: a customer id for an exact match, or its candidate customers. */
export type LeakedRow = string | LeakedRowMatch;

export type CandidateKind = 'export' | 'staff';

export interface AttributionCandidate {
  readonly kind: CandidateKind;
  readonly id: string;
  readonly access: AccessLookup;
  /** Prior probability (0 < prior < 1) that this candidate is a source; default 1 / (candidates + 1). */
  readonly prior?: number;
}

export interface AttributionOptions {
  /** N: the number of customers in the vault (the population the leak could have been drawn from). */
  readonly population: number;
  /** p of the guilt formula, 0 ≤ p < 1; default {@link DEFAULT_GUESS_PROBABILITY}. */
  readonly guessProbability?: number;
  /** Largest source set the search assembles; default {@link DEFAULT_MAX_SOURCES}. */
  readonly maxSources?: number;
}

/** Epoch milliseconds, inclusive. */
export interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

export interface CandidateAttribution {
  readonly kind: CandidateKind;
  readonly id: string;
  /** Posterior probability that this candidate is a source of the leaked set (see the module comment). */
  readonly probability: number;
  /** The paper's Pr{G_i | S}: independent-agents guilt, not discounted for large access sets. */
  readonly guilt: number;
  /**
   * Natural log of the Bayes factor "this candidate is a source of some share of S" against "S came
   * from elsewhere", on its own (no other source assumed). 0 for a candidate who saw everyone.
   */
  readonly logBayesFactor: number;
  /** Estimated share of S this candidate supplied, when it is in the most probable source set; else 0. */
  readonly share: number;
  /** overlap / |S|. */
  readonly explains: number;
  /** Weighted |S ∩ R_i|: each row counts the weight of its candidate customers that this candidate held. */
  readonly overlap: number;
  /** |R_i|. */
  readonly accessSize: number;
  /** Pr{X ≥ ⌊overlap⌋}, X ~ Hypergeometric(N, |R_i|, |S|); not corrected for the number of candidates. */
  readonly pValue: number;
  /** log10 of pValue, which stays finite where pValue underflows to 0. */
  readonly log10PValue: number;
  /**
   * First and last of the first-access times of the leaked rows this candidate held: from `to` on,
   * the candidate had everything of S that it holds. Null when it holds none.
   */
  readonly window: TimeWindow | null;
}

export interface LeakAttribution {
  /** |S| after removing duplicate rows. */
  readonly rows: number;
  /** Weighted rows held by no candidate: explained only by "obtained elsewhere". */
  readonly unexplained: number;
  readonly population: number;
  readonly guessProbability: number;
  /** The most probable source set Â with estimated shares; `background` is the share from elsewhere. */
  readonly sources: ReadonlyArray<{
    readonly kind: CandidateKind;
    readonly id: string;
    readonly share: number;
  }>;
  readonly background: number;
  /** Sorted by probability, then pValue (ascending), then logBayesFactor. */
  readonly candidates: readonly CandidateAttribution[];
  /**
   * For the top-ranked candidate: when it started and finished holding its part of S. `to` is the
   * earliest time by which it had accessed every leaked row it holds; `complete` says whether that
   * is all of S.
   */
  readonly setWindow: {
    readonly kind: CandidateKind;
    readonly id: string;
    readonly from: number;
    readonly to: number;
    readonly complete: boolean;
  } | null;
}

// ---------------------------------------------------------------------------------------------
// Hypergeometric tail
// ---------------------------------------------------------------------------------------------

const LOG_FACTORIAL_TABLE_SIZE = 1024;
const LOG_FACTORIAL_TABLE: Float64Array = (() => {
  const table = new Float64Array(LOG_FACTORIAL_TABLE_SIZE);
  for (let i = 2; i < LOG_FACTORIAL_TABLE_SIZE; i += 1) table[i] = (table[i - 1] ?? 0) + Math.log(i);
  return table;
})();
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln(n!) for an integer n ≥ 0: a table below 1024, the Stirling series above (its
 * truncation error is below 1e-20 there; rounding dominates). */
export function logFactorial(n: number): number {
  if (n < LOG_FACTORIAL_TABLE_SIZE) return LOG_FACTORIAL_TABLE[n] ?? 0;
  return (n + 0.5) * Math.log(n) - n + HALF_LOG_TWO_PI + stirlingCorrection(n);
}

/** The Stirling series correction s(x) in ln x! = (x + ½) ln x − x + ½ ln 2π + s(x). */
function stirlingCorrection(x: number): number {
  const inv = 1 / x;
  const inv2 = inv * inv;
  return inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

/**
 * ln(n! / m!) for n ≥ m ≥ 0, with an error relative to the result rather than to ln n!: for two
 * large arguments it is `(m + ½) log1p(d/m) + d (ln n − 1) + s(n) − s(m)`, d = n − m, which avoids
 * subtracting two numbers of size 10^8 when n is 10^7.
 */
function logFactorialRatio(n: number, m: number): number {
  if (n === m) return 0;
  if (m < LOG_FACTORIAL_TABLE_SIZE) return logFactorial(n) - logFactorial(m);
  const d = n - m;
  if (d <= 16) {
    let sum = 0;
    for (let i = m + 1; i <= n; i += 1) sum += Math.log(i);
    return sum;
  }
  return (
    (m + 0.5) * Math.log1p(d / m) + d * (Math.log(n) - 1) + (stirlingCorrection(n) - stirlingCorrection(m))
  );
}

/** ln C(n, k), computed from the smaller of k and n − k. */
function logChoose(n: number, k: number): number {
  const small = Math.min(k, n - k);
  return logFactorialRatio(n, n - small) - logFactorial(small);
}

/**
 * Upper tail of the hypergeometric distribution, `Pr{X ≥ observed}` for X the number of marked items
 * in `draws` draws without replacement from `population` items of which `successes` are marked.
 *
 * Computed in log space from one log-pmf and a ratio recurrence, summing only the tail that is small
 * (the upper tail above the mode, else one minus the lower tail), so it is accurate to ~1e-12
 * relative for small tails and stays finite as `logPValue` for populations of 10^7 and draws of 10^5,
 * where the tail itself underflows. Arguments must be whole numbers with
 * `0 ≤ successes, draws ≤ population`.
 */
export function hypergeometricUpperTail(
  population: number,
  successes: number,
  draws: number,
  observed: number,
): { pValue: number; logPValue: number } {
  for (const [name, value] of [
    ['population', population],
    ['successes', successes],
    ['draws', draws],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new CordonError('CORDON_ERR_VALIDATION', `${name} must be a whole number ≥ 0.`, { field: name });
    }
  }
  if (successes > population || draws > population) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'successes and draws must not exceed the population.', {
      field: 'population',
    });
  }
  const k = Math.ceil(observed);
  const lo = Math.max(0, draws - (population - successes));
  const hi = Math.min(draws, successes);
  if (k <= lo) return { pValue: 1, logPValue: 0 };
  if (k > hi) return { pValue: 0, logPValue: Number.NEGATIVE_INFINITY };
  const logNorm = logChoose(population, draws);
  const logPmf = (x: number): number =>
    logChoose(successes, x) + logChoose(population - successes, draws - x) - logNorm;
  const mode = Math.floor(((draws + 1) * (successes + 1)) / (population + 2));
  const rest = population - successes - draws;
  if (k > mode) {
    // Terms fall monotonically above the mode: sum P(k), P(k+1), … relative to P(k).
    let term = 1;
    let sum = 1;
    for (let x = k; x < hi; x += 1) {
      term *= ((successes - x) * (draws - x)) / ((x + 1) * (rest + x + 1));
      sum += term;
      if (term < sum * 1e-17) break;
    }
    const logPValue = Math.min(0, logPmf(k) + Math.log(sum));
    return { pValue: Math.exp(logPValue), logPValue };
  }
  // At or below the mode the tail is large: one minus the lower tail P(X ≤ k − 1).
  let term = 1;
  let sum = 1;
  for (let x = k - 1; x > lo; x -= 1) {
    term *= (x * (rest + x)) / ((successes - x + 1) * (draws - x + 1));
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const lower = Math.min(1, Math.exp(logPmf(k - 1)) * sum);
  const logPValue = Math.log1p(-lower);
  return { pValue: Math.exp(logPValue), logPValue };
}

// ---------------------------------------------------------------------------------------------
// p: estimates
// ---------------------------------------------------------------------------------------------

/**
 * Estimates the paper's p from the leak itself. Under the guilt model a row obtained elsewhere is a
 * uniformly random customer, held by no candidate with probability `1 − coverage` (coverage = the
 * share of all customers held by at least one candidate, which storage can count); a leaked row
 * from a candidate is always held. So `E[unexplained] = rows · p · (1 − coverage)`, and
 * `p̂ = (unexplained + ½) / (rows · (1 − coverage) + 1)` (the ½ and 1 keep small samples away from
 * 0 and 1), clamped to [0.001, 0.999].
 */
export function estimateGuessProbability(input: {
  readonly rows: number;
  readonly unexplained: number;
  readonly coverage: number;
}): number {
  const { rows, unexplained, coverage } = input;
  if (!(rows >= 0) || !(unexplained >= 0) || unexplained > rows || !(coverage >= 0 && coverage < 1)) {
    throw new CordonError(
      'CORDON_ERR_VALIDATION',
      'Give rows ≥ unexplained ≥ 0 and a coverage in [0, 1): the share of customers any candidate held.',
      { field: 'coverage' },
    );
  }
  const estimate = (unexplained + 0.5) / (rows * (1 - coverage) + 1);
  return Math.min(0.999, Math.max(0.001, estimate));
}

/**
 * p for one record from its exposure outside the candidates: each of `outsideHolders` parties that
 * also hold it (courier, merchant, another platform, a public listing) lets it out independently
 * with probability `leakRate`, so `p = 1 − (1 − leakRate)^outsideHolders`.
 */
export function guessProbabilityFromExposure(input: {
  readonly outsideHolders: number;
  readonly leakRate: number;
}): number {
  const { outsideHolders, leakRate } = input;
  if (!(outsideHolders >= 0) || !(leakRate >= 0 && leakRate <= 1)) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'Give outsideHolders ≥ 0 and a leakRate in [0, 1].', {
      field: 'leakRate',
    });
  }
  return -Math.expm1(outsideHolders * Math.log1p(-leakRate));
}

/**
 * Builds an access lookup from access events: the earliest allowed access time per customer.
 * Denied attempts gave the actor nothing and are skipped.
 */
export function accessFromEvents(
  events: Iterable<{
    readonly ts: number;
    readonly customers: readonly string[];
    readonly outcome?: 'allowed' | 'denied' | undefined;
  }>,
): Map<string, number> {
  const first = new Map<string, number>();
  for (const event of events) {
    if (event.outcome === 'denied') continue;
    for (const customer of event.customers) {
      const seen = first.get(customer);
      if (seen === undefined || event.ts < seen) first.set(customer, event.ts);
    }
  }
  return first;
}

// ---------------------------------------------------------------------------------------------
// Attribution
// ---------------------------------------------------------------------------------------------

interface Row {
  readonly ids: readonly string[];
  readonly weights: readonly number[];
  readonly guess: number;
}

/** What one candidate holds of S, one entry per leaked row it holds any candidate customer of. */
interface Holding {
  readonly rows: Int32Array;
  /** N · h(t) / |R|: the row's likelihood ratio if this candidate were the only source. */
  readonly ratio: Float64Array;
  readonly overlap: number;
  readonly guilt: number;
  readonly window: TimeWindow | null;
  readonly accessSize: number;
}

/** A fitted source set: the mixture's likelihood ratio per row. */
interface Fit {
  readonly members: readonly number[];
  readonly shares: readonly number[];
  readonly background: number;
  readonly ratio: Float64Array;
}

function validationError(message: string, details: Record<string, string | number>): CordonError {
  return new CordonError('CORDON_ERR_VALIDATION', message, details);
}

function normaliseRows(input: readonly LeakedRow[], p: number): Row[] {
  const rows: Row[] = [];
  const seen = new Set<string>();
  input.forEach((row, index) => {
    if (typeof row === 'string') {
      if (row.length === 0) throw validationError('A leaked row has an empty customer id.', { row: index });
      if (seen.has(row)) return;
      seen.add(row);
      rows.push({ ids: [row], weights: [1], guess: p });
      return;
    }
    const merged = new Map<string, number>();
    for (const candidate of row.customers) {
      if (candidate.id.length === 0 || !(candidate.weight > 0) || !Number.isFinite(candidate.weight)) {
        throw validationError('Each candidate customer of a leaked row needs an id and a weight > 0.', {
          row: index,
        });
      }
      merged.set(candidate.id, (merged.get(candidate.id) ?? 0) + candidate.weight);
    }
    if (merged.size === 0) {
      throw validationError('A leaked row lists no candidate customer; drop rows that matched nothing.', {
        row: index,
      });
    }
    const guess = row.guessProbability ?? p;
    if (!(guess >= 0 && guess <= 1)) {
      throw validationError('A row guessProbability must be in [0, 1].', { row: index });
    }
    const ids = [...merged.keys()].sort();
    const total = ids.reduce((sum, id) => sum + (merged.get(id) ?? 0), 0);
    const weights = ids.map((id) => (merged.get(id) ?? 0) / total);
    const key =
      ids.length === 1 ? (ids[0] ?? '') : ids.map((id, i) => `${id}\u0000${weights[i]}`).join('\u0001');
    if (seen.has(key)) return;
    seen.add(key);
    rows.push({ ids, weights, guess });
  });
  return rows;
}

/**
 * Ranks the candidates that could be the source of a leaked set. See the module comment for the
 * three measures returned and why each exists; the contract in short:
 *
 * - rows: S after matching; duplicates are counted once (S is a set);
 * - `probability` is calibrated against the other candidates and "obtained elsewhere": a candidate
 *   whose access covers S only because it covers nearly everyone gets little, and innocents who
 *   merely touched some leaked customers in their own work stay near their prior;
 * - the result is deterministic: ties keep candidate input order.
 *
 * Throws CORDON_ERR_VALIDATION for a population smaller than |S| or an access set, duplicate
 * candidates, empty rows, non-positive weights or non-finite access times.
 */
export function attributeLeak(
  leaked: readonly LeakedRow[],
  candidates: readonly AttributionCandidate[],
  options: AttributionOptions,
): LeakAttribution {
  const population = options.population;
  const p = options.guessProbability ?? DEFAULT_GUESS_PROBABILITY;
  const maxSources = options.maxSources ?? DEFAULT_MAX_SOURCES;
  if (!Number.isSafeInteger(population) || population < 1) {
    throw validationError('population must be the number of customers, a whole number ≥ 1.', {
      field: 'population',
    });
  }
  if (!(p >= 0 && p < 1)) {
    throw validationError('guessProbability must be in [0, 1).', { field: 'guessProbability' });
  }
  if (!Number.isSafeInteger(maxSources) || maxSources < 0) {
    throw validationError('maxSources must be a whole number ≥ 0.', { field: 'maxSources' });
  }
  const rows = normaliseRows(leaked, p);
  const n = rows.length;
  if (n > population) {
    throw validationError('The leaked set has more distinct rows than the population.', {
      field: 'population',
    });
  }
  const candidateKeys = new Set<string>();
  for (const candidate of candidates) {
    const key = `${candidate.kind}:${candidate.id}`;
    if (candidateKeys.has(key))
      throw validationError('Candidates must be unique by kind and id.', { candidate: key });
    candidateKeys.add(key);
    if (candidate.prior !== undefined && !(candidate.prior > 0 && candidate.prior < 1)) {
      throw validationError('A candidate prior must be strictly between 0 and 1.', { candidate: key });
    }
  }

  // Customer → the rows it may be, with weights, in compressed-row form (typed arrays, no objects
  // per reference: |S| reaches 100,000).
  const customerIndex = new Map<string, number>();
  let referenceCount = 0;
  for (const row of rows) referenceCount += row.ids.length;
  const referenceCustomer = new Int32Array(referenceCount);
  let next = 0;
  for (const row of rows) {
    for (const id of row.ids) {
      let index = customerIndex.get(id);
      if (index === undefined) {
        index = customerIndex.size;
        customerIndex.set(id, index);
      }
      referenceCustomer[next] = index;
      next += 1;
    }
  }
  const customerCount = customerIndex.size;
  const refStart = new Int32Array(customerCount + 1);
  for (let r = 0; r < referenceCount; r += 1) {
    const c = referenceCustomer[r] ?? 0;
    refStart[c + 1] = (refStart[c + 1] ?? 0) + 1;
  }
  for (let c = 0; c < customerCount; c += 1) refStart[c + 1] = (refStart[c + 1] ?? 0) + (refStart[c] ?? 0);
  const refRow = new Int32Array(referenceCount);
  const refWeight = new Float64Array(referenceCount);
  const cursor = refStart.slice(0, customerCount);
  next = 0;
  rows.forEach((row, rowIndex) => {
    row.weights.forEach((weight) => {
      const c = referenceCustomer[next] ?? 0;
      const at = cursor[c] ?? 0;
      refRow[at] = rowIndex;
      refWeight[at] = weight;
      cursor[c] = at + 1;
      next += 1;
    });
  });
  const holderCount = new Int32Array(customerCount);

  // Pass 1: which leaked customers each candidate holds, and when it first accessed them.
  const held = candidates.map((candidate) => {
    const indices: number[] = [];
    const times: number[] = [];
    const visit = (customer: number, time: number): void => {
      if (!Number.isFinite(time)) {
        throw validationError('Access times must be finite epoch milliseconds.', {
          candidate: `${candidate.kind}:${candidate.id}`,
        });
      }
      indices.push(customer);
      times.push(time);
      holderCount[customer] = (holderCount[customer] ?? 0) + 1;
    };
    const access = candidate.access;
    if (access instanceof Map && access.size < customerCount) {
      // A map smaller than S: walk it (forEach allocates no entry pairs) instead of probing S.
      (access as Map<string, number>).forEach((time, customerId) => {
        const index = customerIndex.get(customerId);
        if (index !== undefined) visit(index, time);
      });
    } else {
      customerIndex.forEach((index, customerId) => {
        const time = access.get(customerId);
        if (time !== undefined) visit(index, time);
      });
    }
    return { indices, times };
  });

  let unexplained = 0;
  for (let c = 0; c < customerCount; c += 1) {
    if ((holderCount[c] ?? 0) === 0) {
      for (let r = refStart[c] ?? 0; r < (refStart[c + 1] ?? 0); r += 1) unexplained += refWeight[r] ?? 0;
    }
  }

  // Pass 2: per candidate, fold held customers into rows (scratch arrays reset after each candidate).
  const rowHeld = new Float64Array(n);
  const rowImplicated = new Float64Array(n);
  const rowFirst = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const holdings: Holding[] = candidates.map((candidate, j) => {
    const { indices, times } = held[j] ?? { indices: [], times: [] };
    const touched: number[] = [];
    indices.forEach((customer, i) => {
      const time = times[i] ?? 0;
      const holders = holderCount[customer] ?? 1;
      for (let r = refStart[customer] ?? 0; r < (refStart[customer + 1] ?? 0); r += 1) {
        const row = refRow[r] ?? 0;
        const weight = refWeight[r] ?? 0;
        if (rowHeld[row] === 0) touched.push(row);
        rowHeld[row] = (rowHeld[row] ?? 0) + weight;
        rowImplicated[row] = (rowImplicated[row] ?? 0) + weight / holders;
        if (time < (rowFirst[row] ?? 0)) rowFirst[row] = time;
      }
    });
    const accessSize = Math.max(candidate.access.size, indices.length);
    if (accessSize > population) {
      throw validationError('An access set is larger than the population; check population.', {
        candidate: `${candidate.kind}:${candidate.id}`,
      });
    }
    touched.sort((a, b) => a - b);
    const rowList = new Int32Array(touched.length);
    const ratio = new Float64Array(touched.length);
    let overlap = 0;
    let logInnocent = 0;
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    touched.forEach((row, k) => {
      const h = Math.min(1, rowHeld[row] ?? 0);
      rowList[k] = row;
      ratio[k] = (population * h) / accessSize;
      overlap += h;
      const guess = rows[row]?.guess ?? p;
      logInnocent += Math.log1p(-Math.min(1, (1 - guess) * (rowImplicated[row] ?? 0)));
      const first = rowFirst[row] ?? 0;
      if (first < from) from = first;
      if (first > to) to = first;
      rowHeld[row] = 0;
      rowImplicated[row] = 0;
      rowFirst[row] = Number.POSITIVE_INFINITY;
    });
    return {
      rows: rowList,
      ratio,
      overlap,
      guilt: touched.length === 0 ? 0 : -Math.expm1(logInnocent),
      window: touched.length > 0 ? { from, to } : null,
      accessSize,
    };
  });

  const count = candidates.length;
  const logPriorOdds = candidates.map((candidate) => {
    const prior = candidate.prior ?? 1 / (count + 1);
    return Math.log(prior) - Math.log1p(-prior);
  });

  // Fitted source sets and the posterior log-odds of adding each candidate to them, computed on
  // demand and kept: the search and the marginals revisit the same sets.
  const contexts = new Map<string, { fit: Fit; odds: Float64Array }>();
  const context = (members: readonly number[]): { fit: Fit; odds: Float64Array } => {
    const sorted = [...members].sort((a, b) => a - b);
    const key = sorted.join(',');
    let entry = contexts.get(key);
    if (!entry) {
      entry = { fit: fitSources(sorted, holdings, n), odds: new Float64Array(count).fill(Number.NaN) };
      contexts.set(key, entry);
    }
    return entry;
  };
  const logOdds = (j: number, members: readonly number[]): number => {
    const entry = context(members);
    let odds = entry.odds[j] ?? Number.NaN;
    if (Number.isNaN(odds)) {
      odds = logAddEvidence(holdings[j], entry.fit.ratio, n) + (logPriorOdds[j] ?? 0);
      entry.odds[j] = odds;
    }
    return odds;
  };

  // The standalone evidence of each candidate, and the greedy forward/backward search for Â.
  const logBayesFactor = candidates.map((_, j) => logOdds(j, []) - (logPriorOdds[j] ?? 0));
  let members: number[] = [];
  if (n > 0) {
    const visited = new Set<string>(['']);
    for (let step = 0; step < 3 * maxSources + 3 && members.length < maxSources; step += 1) {
      let best = -1;
      let bestOdds = 0;
      for (let j = 0; j < count; j += 1) {
        if (members.includes(j)) continue;
        const odds = logOdds(j, members);
        if (odds > bestOdds) {
          best = j;
          bestOdds = odds;
        }
      }
      if (best < 0) break;
      const next = pruneSources([...members, best], logOdds);
      const key = [...next].sort((a, b) => a - b).join(',');
      if (visited.has(key)) break;
      visited.add(key);
      members = next;
    }
  }

  // Marginals from the neighbourhood of Â: one slot per source, plus one for an additional source.
  const logNotSource = new Float64Array(count);
  if (n > 0) {
    const slots = [...members.map((s) => members.filter((m) => m !== s)), members];
    for (const slotContext of slots) {
      const eligible: number[] = [];
      const odds: number[] = [];
      for (let j = 0; j < count; j += 1) {
        if (slotContext.includes(j)) continue;
        eligible.push(j);
        odds.push(logOdds(j, slotContext));
      }
      const logDenominator = logSumExp([0, ...odds]);
      eligible.forEach((j, i) => {
        const posterior = Math.exp((odds[i] ?? 0) - logDenominator);
        logNotSource[j] = (logNotSource[j] ?? 0) + Math.log1p(-Math.min(posterior, 1));
      });
    }
  }
  const finalFit = context(members).fit;
  const shareOf = new Map<number, number>(finalFit.members.map((m, i) => [m, finalFit.shares[i] ?? 0]));

  const results: CandidateAttribution[] = candidates.map((candidate, j) => {
    const holding = holdings[j];
    const accessSize = holding?.accessSize ?? 0;
    const overlap = holding?.overlap ?? 0;
    const tail = hypergeometricUpperTail(population, accessSize, n, Math.floor(overlap + 1e-9));
    return {
      kind: candidate.kind,
      id: candidate.id,
      probability: n === 0 || logNotSource[j] === 0 ? 0 : -Math.expm1(logNotSource[j] ?? 0),
      guilt: holding?.guilt ?? 0,
      logBayesFactor: logBayesFactor[j] ?? 0,
      share: shareOf.get(j) ?? 0,
      explains: n === 0 ? 0 : overlap / n,
      overlap,
      accessSize,
      pValue: tail.pValue,
      log10PValue: tail.logPValue / Math.LN10,
      window: holding?.window ?? null,
    };
  });
  const order = results.map((_, j) => j);
  order.sort((a, b) => {
    const x = results[a];
    const y = results[b];
    if (x === undefined || y === undefined) return 0;
    return (
      y.probability - x.probability ||
      x.log10PValue - y.log10PValue ||
      y.logBayesFactor - x.logBayesFactor ||
      a - b
    );
  });
  const ranked = order.map((j) => results[j]).filter((r): r is CandidateAttribution => r !== undefined);
  const top = ranked[0];
  const topHolding = order[0] === undefined ? undefined : holdings[order[0]];
  return {
    rows: n,
    unexplained,
    population,
    guessProbability: p,
    sources: members.map((m) => ({
      kind: candidates[m]?.kind ?? 'staff',
      id: candidates[m]?.id ?? '',
      share: shareOf.get(m) ?? 0,
    })),
    background: finalFit.background,
    candidates: ranked,
    setWindow:
      top?.window && topHolding
        ? {
            kind: top.kind,
            id: top.id,
            from: top.window.from,
            to: top.window.to,
            complete: topHolding.rows.length === n,
          }
        : null,
  };
}

/** Removes, one at a time, the weakest source that the others make redundant (posterior odds ≤ 1). */
function pruneSources(
  members: number[],
  logOdds: (j: number, others: readonly number[]) => number,
): number[] {
  let current = members;
  while (current.length > 1) {
    let weakest = -1;
    let weakestOdds = 0;
    for (const s of current) {
      const odds = logOdds(
        s,
        current.filter((m) => m !== s),
      );
      if (odds <= weakestOdds) {
        weakest = s;
        weakestOdds = odds;
      }
    }
    if (weakest < 0) break;
    current = current.filter((m) => m !== weakest);
  }
  return current;
}

/**
 * Maximum-likelihood shares for a source set by EM over the mixture (background = uniform over all
 * customers, ratio 1; source s = uniform over R_s, ratio N h_s(t) / |R_s|), and the resulting
 * per-row likelihood ratio. The empty set has ratio 1 everywhere.
 */
function fitSources(members: readonly number[], holdings: readonly Holding[], n: number): Fit {
  const ratio = new Float64Array(n).fill(1);
  if (members.length === 0 || n === 0) return { members, shares: [], background: 1, ratio };
  const sources = members.map((m) => holdings[m]).filter((h): h is Holding => h !== undefined);
  let shares = sources.map(() => 1 / (sources.length + 1));
  let background = 1 / (sources.length + 1);
  const fill = (): void => {
    ratio.fill(background);
    sources.forEach((source, i) => {
      const share = shares[i] ?? 0;
      for (let k = 0; k < source.rows.length; k += 1) {
        const row = source.rows[k] ?? 0;
        ratio[row] = (ratio[row] ?? 0) + share * (source.ratio[k] ?? 0);
      }
    });
  };
  for (let iteration = 0; iteration < 400; iteration += 1) {
    fill();
    const next = sources.map((source, i) => {
      let responsibility = 0;
      for (let k = 0; k < source.rows.length; k += 1) {
        responsibility += (source.ratio[k] ?? 0) / (ratio[source.rows[k] ?? 0] ?? 1);
      }
      return ((shares[i] ?? 0) * responsibility) / n;
    });
    const total = next.reduce((sum, share) => sum + share, 0);
    const nextBackground = Math.max(1e-300, 1 - total);
    let change = Math.abs(nextBackground - background);
    next.forEach((share, i) => {
      change = Math.max(change, Math.abs(share - (shares[i] ?? 0)));
    });
    shares = next;
    background = nextBackground;
    if (change < 1e-10) break;
  }
  fill();
  return { members, shares, background, ratio };
}

/**
 * Log evidence for adding a candidate to a fitted source set: `log ∫₀¹ exp g(w) dw` with
 * `g(w) = Σ_t log((1 − w) + w · r_t)`, r_t the candidate's ratio over the fitted ratio (0 for rows it
 * does not hold), under a uniform prior on its share w. g is concave, so the maximum is found by
 * safeguarded Newton, the region within e^-40 of it by doubling steps, and the integral by
 * Gauss–Legendre quadrature on each side of the maximum. Rows with equal r_t are grouped, so hard matches cost O(1) per evaluation.
 */
function logAddEvidence(holding: Holding | undefined, contextRatio: Float64Array, n: number): number {
  if (n === 0) return 0;
  const held = holding?.rows.length ?? 0;
  const missing = n - held;
  // ∫₀¹ (1 − w)^n dw = 1 / (n + 1): a candidate that holds nothing.
  if (!holding || held === 0) return -Math.log(n + 1);
  const groups = new Map<number, number>();
  for (let k = 0; k < held; k += 1) {
    const r = (holding.ratio[k] ?? 0) / (contextRatio[holding.rows[k] ?? 0] ?? 1);
    groups.set(r, (groups.get(r) ?? 0) + 1);
  }
  const rs = Float64Array.from(groups.keys());
  const cs = Float64Array.from(groups.values());
  const g = (w: number): number => {
    let value = missing > 0 ? missing * Math.log1p(-w) : 0;
    for (let i = 0; i < rs.length; i += 1) value += (cs[i] ?? 0) * Math.log1p(w * ((rs[i] ?? 1) - 1));
    return value;
  };
  const slope = (w: number): number => {
    let value = missing > 0 ? -missing / (1 - w) : 0;
    for (let i = 0; i < rs.length; i += 1) {
      const d = (rs[i] ?? 1) - 1;
      value += ((cs[i] ?? 0) * d) / (1 + w * d);
    }
    return value;
  };
  const curvature = (w: number): number => {
    let value = missing > 0 ? -missing / ((1 - w) * (1 - w)) : 0;
    for (let i = 0; i < rs.length; i += 1) {
      const d = (rs[i] ?? 1) - 1;
      const q = d / (1 + w * d);
      value -= (cs[i] ?? 0) * q * q;
    }
    return value;
  };
  let peak: number;
  if (slope(0) <= 0) peak = 0;
  else if (missing === 0 && slope(1) >= 0) peak = 1;
  else {
    let lo = 0;
    let hi = 1;
    let w = 0.5;
    for (let iteration = 0; iteration < 200; iteration += 1) {
      const d = slope(w);
      if (d > 0) lo = w;
      else hi = w;
      const c = curvature(w);
      let next = c < 0 ? w - d / c : (lo + hi) / 2;
      if (!(next > lo && next < hi)) next = (lo + hi) / 2;
      if (Math.abs(next - w) <= 1e-15 || hi - lo <= 1e-15) {
        w = next;
        break;
      }
      w = next;
    }
    peak = w;
  }
  const top = g(peak);
  const floor = top - 40;
  // The integrand is below e^-40 of its peak outside [lo, hi]. Start from the Laplace width (or the
  // linear decay at a boundary peak) and double until g has fallen under the floor: g is concave.
  const c = curvature(peak);
  const sigma = c < 0 ? 1 / Math.sqrt(-c) : 1;
  const edge = (direction: 1 | -1): number => {
    const limit = direction > 0 ? 1 : 0;
    if (peak === limit) return peak;
    const d = slope(peak);
    const linear = d * direction < 0 ? 40 / Math.abs(d) : Number.POSITIVE_INFINITY;
    let width = Math.min(10 * sigma, linear);
    for (let iteration = 0; iteration < 64; iteration += 1) {
      const at = peak + direction * width;
      if (direction > 0 ? at >= 1 : at <= 0) return limit;
      if (g(at) < floor) return at;
      width *= 2;
    }
    return limit;
  };
  const lo = edge(-1);
  const hi = edge(1);
  const integral = gaussLegendre(g, top, lo, peak) + gaussLegendre(g, top, peak, hi);
  if (!(integral > 0)) return top + Math.log(Number.MIN_VALUE);
  return top + Math.log(integral);
}

/** Gauss–Legendre nodes and weights on [-1, 1], by Newton's method on the Legendre polynomial. */
function legendreRule(order: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(order);
  const weights = new Float64Array(order);
  for (let i = 0; i < order; i += 1) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (order + 0.5));
    let derivative = 1;
    for (let iteration = 0; iteration < 100; iteration += 1) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= order; k += 1) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      derivative = (order * (x * p1 - p0)) / (x * x - 1);
      const next = x - p1 / derivative;
      const done = Math.abs(next - x) < 1e-16;
      x = next;
      if (done) break;
    }
    nodes[i] = x;
    weights[i] = 2 / ((1 - x * x) * derivative * derivative);
  }
  return { nodes, weights };
}

const LEGENDRE = legendreRule(24);

/** ∫_a^b exp(g(w) − top) dw by 24-point Gauss–Legendre; 0 for an empty interval. */
function gaussLegendre(g: (w: number) => number, top: number, a: number, b: number): number {
  if (!(b > a)) return 0;
  const half = (b - a) / 2;
  const mid = (a + b) / 2;
  let sum = 0;
  for (let i = 0; i < LEGENDRE.nodes.length; i += 1) {
    sum += (LEGENDRE.weights[i] ?? 0) * Math.exp(g(mid + half * (LEGENDRE.nodes[i] ?? 0)) - top);
  }
  return sum * half;
}

function logSumExp(values: readonly number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) if (value > max) max = value;
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (const value of values) sum += Math.exp(value - max);
  return max + Math.log(sum);
}
