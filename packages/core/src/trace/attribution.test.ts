import { describe, expect, it } from 'vitest';
import { isCordonError } from '../shared/errors';
import {
  type AccessLookup,
  type AttributionCandidate,
  accessFromEvents,
  attributeLeak,
  estimateGuessProbability,
  guessProbabilityFromExposure,
  hypergeometricUpperTail,
  type LeakedRow,
  logFactorial,
} from './attribution';

/** Deterministic PRNG (mulberry32): the same trials on every run, no Math.random. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** murmur3's 32-bit finaliser: a stateless hash, so a set can be decided per customer without materialising it. */
function fmix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) determined by (customer, salt). */
function hash01(customer: number, salt: number): number {
  return fmix(fmix(customer ^ Math.imul(salt + 1, 0x9e3779b1)) + salt) / 4294967296;
}

const DAY = 86_400_000;
const EPOCH = Date.UTC(2025, 0, 1);

/**
 * A staff member's own work without materialising it: customer c belongs to it when a salted hash of
 * c falls under the rate for c's part of the population (the staff member's region, or elsewhere).
 */
class WorkSet implements AccessLookup {
  readonly size: number;
  private readonly inRate: number;
  private readonly outRate: number;
  constructor(
    private readonly salt: number,
    private readonly regionStart: number,
    private readonly regionSize: number,
    readonly inRegion: number,
    readonly outside: number,
    population: number,
  ) {
    this.size = Math.round(inRegion + outside);
    this.inRate = inRegion / regionSize;
    this.outRate = outside / population;
  }
  get(customerId: string): number | undefined {
    const c = Number(customerId);
    const inRegion = c >= this.regionStart && c < this.regionStart + this.regionSize;
    if (hash01(c, this.salt) >= (inRegion ? this.inRate : this.outRate)) return undefined;
    return EPOCH + Math.floor(hash01(c, this.salt ^ 0x5bd1e995) * 160 * DAY);
  }
}

/**
 * The harvested customers, decided per customer like {@link WorkSet}: 60% of `total` from the
 * harvester's region (so region colleagues touched many of them), 40% from everywhere else, each
 * accessed during the five harvest days from `start`.
 */
class HarvestSet implements AccessLookup {
  readonly size: number;
  /** Share of the harvest inside the region. */
  readonly regionShare: number;
  readonly inRate: number;
  readonly outRate: number;
  constructor(
    private readonly salt: number,
    private readonly regionStart: number,
    total: number,
    private readonly start: number,
  ) {
    this.inRate = Math.min(1, (0.6 * total) / REGION);
    this.outRate = (0.4 * total) / (POPULATION - REGION);
    const inside = this.inRate * REGION;
    this.size = Math.round(inside + this.outRate * (POPULATION - REGION));
    this.regionShare = inside / this.size;
  }
  has(c: number): boolean {
    const inRegion = c >= this.regionStart && c < this.regionStart + REGION;
    return hash01(c, this.salt) < (inRegion ? this.inRate : this.outRate);
  }
  get(customerId: string): number | undefined {
    const c = Number(customerId);
    if (!this.has(c)) return undefined;
    return this.start + Math.floor(hash01(c, this.salt ^ 0x27d4eb2d) * 5 * DAY);
  }
}

/**
 * The harvester: own work plus the harvested customers. The two are decided by independent hashes,
 * so the size of the union is the sum less the expected overlap.
 */
class UnionSet implements AccessLookup {
  readonly size: number;
  constructor(
    private readonly work: WorkSet,
    private readonly extra: HarvestSet,
  ) {
    const overlap = work.inRegion * extra.inRate + work.outside * extra.outRate;
    this.size = Math.round(work.size + extra.size - overlap);
  }
  get(customerId: string): number | undefined {
    const a = this.work.get(customerId);
    const b = this.extra.get(customerId);
    if (a === undefined) return b;
    if (b === undefined) return a;
    return Math.min(a, b);
  }
}

const POPULATION = 1_000_000;
const TEAMS = 30;
const TEAM_SIZE = 10;
const REGION = Math.floor(POPULATION / TEAMS);

interface Trial {
  candidates: AttributionCandidate[];
  harvesterId: string;
  rows: LeakedRow[];
  harvestStart: number;
  harvestEnd: number;
}

/**
 * One simulated incident: 300 staff in 30 teams, each team serving a region of the customer ids;
 * ordinary staff work on 500–5,000 customers (80% in their region), ten heavy workers on 30,000, two
 * admins on 200,000 anywhere. One non-admin harvests 5,000–50,000 customers (60% from their own
 * region, so region colleagues touched many of them) over five days. The leak is `leakSize` rows of
 * the harvest, reformatted (the 20% of rows that were not ours are already gone, as matching
 * removes them); half have the phone masked in the middle, and 40% of those match 2–4 customers:
 * the true one and look-alikes. Nothing the size of the population is materialised.
 */
function simulate(seed: number, leakSize = 50): Trial {
  const random = prng(seed);
  const candidates: AttributionCandidate[] = [];
  const heavy = new Set<number>();
  while (heavy.size < 10) heavy.add(Math.floor(random() * TEAMS * TEAM_SIZE));
  const admins = new Set<number>();
  while (admins.size < 2) {
    const index = Math.floor(random() * TEAMS * TEAM_SIZE);
    if (!heavy.has(index)) admins.add(index);
  }
  let harvester = Math.floor(random() * TEAMS * TEAM_SIZE);
  while (admins.has(harvester)) harvester = Math.floor(random() * TEAMS * TEAM_SIZE);
  const works: WorkSet[] = [];
  for (let index = 0; index < TEAMS * TEAM_SIZE; index += 1) {
    const team = Math.floor(index / TEAM_SIZE);
    const salt = (seed * 7919 + index * 104_729) >>> 0;
    let work: WorkSet;
    if (admins.has(index)) work = new WorkSet(salt, 0, POPULATION, 200_000, 0, POPULATION);
    else {
      const size = heavy.has(index) ? 30_000 : Math.round(500 * 10 ** random());
      work = new WorkSet(salt, team * REGION, REGION, 0.8 * size, 0.2 * size, POPULATION);
    }
    works.push(work);
  }
  const harvestStart = EPOCH + 170 * DAY;
  const harvestEnd = harvestStart + 5 * DAY;
  const harvesterRegion = Math.floor(harvester / TEAM_SIZE) * REGION;
  const harvest = new HarvestSet(
    (seed * 31 + 17) >>> 0,
    harvesterRegion,
    5_000 + Math.floor(random() * 45_001),
    harvestStart,
  );
  works.forEach((work, index) => {
    const access = index === harvester ? new UnionSet(work, harvest) : work;
    candidates.push({ kind: 'staff', id: `staff-${index}`, access });
  });
  // Sample leaked rows uniformly from the harvest: choose its region or outside part in proportion
  // to their sizes, then draw customers from that part until one is harvested.
  const picked = new Set<string>();
  while (picked.size < leakSize) {
    const inRegion = random() < harvest.regionShare;
    let c = 0;
    do {
      c = inRegion ? harvesterRegion + Math.floor(random() * REGION) : Math.floor(random() * POPULATION);
    } while (!harvest.has(c) || (!inRegion && c >= harvesterRegion && c < harvesterRegion + REGION));
    picked.add(String(c));
  }
  const rows: LeakedRow[] = [...picked].map((id) => {
    if (random() < 0.5 && random() < 0.4) {
      const customers = [{ id, weight: 0.5 + random() / 2 }];
      const decoys = 1 + Math.floor(random() * 3);
      for (let d = 0; d < decoys; d += 1) {
        customers.push({ id: String(Math.floor(random() * POPULATION)), weight: 0.5 + random() / 2 });
      }
      return { customers };
    }
    return id;
  });
  return { candidates, harvesterId: `staff-${harvester}`, rows, harvestStart, harvestEnd };
}

describe('attributeLeak: simulated insider harvest (1,000,000 customers, 300 staff)', () => {
  it('ranks the harvester first in ≥ 99% of 200 trials and never gives an innocent more than 0.5', () => {
    const trials = 200;
    let first = 0;
    let worstInnocent = 0;
    let minSource = 1;
    let sharedRows = 0;
    let elapsed = 0;
    let worstInnocentGuilt = 0;
    for (let trial = 0; trial < trials; trial += 1) {
      const { candidates, harvesterId, rows, harvestStart, harvestEnd } = simulate(1000 + trial);
      const started = performance.now();
      const result = attributeLeak(rows, candidates, { population: POPULATION });
      elapsed += performance.now() - started;
      const top = result.candidates[0];
      if (top?.id === harvesterId) {
        first += 1;
        expect(result.setWindow?.to).toBeLessThanOrEqual(harvestEnd);
        expect(result.setWindow?.complete).toBe(true);
        expect(top.window?.to).toBeGreaterThanOrEqual(harvestStart);
      }
      for (const candidate of result.candidates) {
        if (candidate.id === harvesterId) minSource = Math.min(minSource, candidate.probability);
        else {
          worstInnocent = Math.max(worstInnocent, candidate.probability);
          worstInnocentGuilt = Math.max(worstInnocentGuilt, candidate.guilt);
          sharedRows += candidate.overlap;
        }
      }
      expect(worstInnocent).toBeLessThanOrEqual(0.5);
    }
    console.log(
      `attribution trials: harvester first in ${first}/${trials} (${((100 * first) / trials).toFixed(1)}%), ` +
        `max innocent probability ${worstInnocent.toExponential(2)}, min harvester probability ${minSource.toFixed(6)}, ` +
        `innocent holdings of leaked rows per trial ${(sharedRows / trials).toFixed(1)}, ` +
        `max innocent paper guilt ${worstInnocentGuilt.toFixed(3)}, mean ranking time ${(elapsed / trials).toFixed(2)} ms`,
    );
    expect(first / trials).toBeGreaterThanOrEqual(0.99);
    expect(worstInnocent).toBeLessThanOrEqual(0.5);
  });
});

/** The candidate result for an id, failing the test when it is missing. */
function byId(result: ReturnType<typeof attributeLeak>, id: string) {
  const found = result.candidates.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no candidate ${id}`);
  return found;
}

/** An access map where every customer was first accessed at `time`. */
function accessOf(ids: readonly string[], time = 0): Map<string, number> {
  return new Map(ids.map((id) => [id, time]));
}

function staff(id: string, ids: readonly string[], time = 0): AttributionCandidate {
  return { kind: 'staff', id, access: accessOf(ids, time) };
}

describe('attributeLeak: the paper guilt formula Pr{G_i|S} = 1 − ∏ (1 − (1−p)/|V_t|)', () => {
  // The structure of the paper's worked example: T = {t1, t2, t3}, R1 = {t1, t2}, R2 = {t1, t3}.
  const agents = [staff('U1', ['t1', 't2']), staff('U2', ['t1', 't3'])];
  it.each([
    // [leaked, p, Pr{G1}, Pr{G2}]: hand computations
    [['t1', 't2', 't3'], 0.5, 1 - (1 - 0.25) * (1 - 0.5), 1 - (1 - 0.25) * (1 - 0.5)], // 0.625 each
    [['t1', 't2', 't3'], 0.2, 1 - (1 - 0.4) * (1 - 0.8), 1 - (1 - 0.4) * (1 - 0.8)], // 0.88 each
    [['t1'], 0.5, 0.25, 0.25], // one shared object: (1−p)/2 each
    [['t1'], 0.2, 0.4, 0.4],
    [['t2'], 0.2, 0.8, 0], // an object held by one agent: 1 − p
    [['t1', 't2'], 0.2, 1 - 0.6 * 0.2, 0.4], // 0.88, 0.4
    [['t2', 't3'], 0, 1, 1], // nothing can be guessed: each sole holder is certainly guilty
  ] as const)('S = %j, p = %s → G1 = %s, G2 = %s', (leaked, p, g1, g2) => {
    const result = attributeLeak(leaked, agents, { population: 10, guessProbability: p });
    expect(byId(result, 'U1').guilt).toBeCloseTo(g1, 12);
    expect(byId(result, 'U2').guilt).toBeCloseTo(g2, 12);
  });

  it('implicates holders of an ambiguous row by the weight of what they hold, over |V_c| per customer', () => {
    // Row = a or b with equal weight; U1 holds a, U2 holds a and b: |V_a| = 2, |V_b| = 1.
    // U1: (1−p)·(½ / 2); U2: (1−p)·(½ / 2 + ½ / 1).
    const result = attributeLeak(
      [
        {
          customers: [
            { id: 'a', weight: 3 },
            { id: 'b', weight: 3 },
          ],
        },
      ],
      [staff('U1', ['a']), staff('U2', ['a', 'b'])],
      { population: 10, guessProbability: 0.2 },
    );
    expect(byId(result, 'U1').guilt).toBeCloseTo(0.8 * 0.25, 12);
    expect(byId(result, 'U2').guilt).toBeCloseTo(0.8 * 0.75, 12);
    expect(byId(result, 'U1').overlap).toBeCloseTo(0.5, 12);
    expect(byId(result, 'U2').overlap).toBeCloseTo(1, 12);
  });

  it('uses a row guessProbability override in the guilt formula', () => {
    const result = attributeLeak(
      [{ customers: [{ id: 't2', weight: 1 }], guessProbability: 0.9 }, 't1'],
      [staff('U1', ['t1', 't2'])],
      { population: 10, guessProbability: 0.5 },
    );
    expect(byId(result, 'U1').guilt).toBeCloseTo(1 - (1 - 0.1) * (1 - 0.5), 12);
  });
});

/** C(n, k) exactly. */
function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let value = 1n;
  for (let i = 0; i < k; i += 1) value = (value * BigInt(n - i)) / BigInt(i + 1);
  return value;
}

/** Pr{X ≥ k} exactly, as a double rounded once from the exact rational. */
function exactUpperTail(population: number, successes: number, draws: number, k: number): number {
  let numerator = 0n;
  for (let x = Math.max(k, 0); x <= Math.min(draws, successes); x += 1) {
    numerator += choose(successes, x) * choose(population - successes, draws - x);
  }
  const denominator = choose(population, draws);
  if (numerator === 0n) return 0;
  // Shift so that the integer quotient carries 64 significant bits, then scale back.
  const shift = denominator.toString(2).length - numerator.toString(2).length + 64;
  const quotient =
    shift >= 0 ? (numerator << BigInt(shift)) / denominator : numerator / (denominator << BigInt(-shift));
  return Number(quotient) * 2 ** -shift;
}

describe('hypergeometricUpperTail', () => {
  it.each([
    // [N, K, n, k, exact]
    [10, 5, 5, 5, 1 / 252],
    [10, 5, 5, 0, 1],
    [10, 5, 5, 6, 0],
    [10, 3, 4, 1, 1 - 35 / 210], // 1 − C(7,4)/C(10,4)
    [52, 4, 5, 4, 48 / 2_598_960], // four aces in a poker hand
    [6, 6, 3, 3, 1], // every item marked
    [6, 0, 3, 1, 0], // no item marked
  ] as const)('N=%i K=%i n=%i k=%i → %s', (population, successes, draws, k, expected) => {
    const { pValue } = hypergeometricUpperTail(population, successes, draws, k);
    if (expected === 0) expect(pValue).toBe(0);
    else expect(Math.abs(pValue - expected) / expected).toBeLessThan(1e-12);
  });

  it('matches exact big-integer combinatorics on a grid of small and mid-size cases', () => {
    let checked = 0;
    for (const population of [7, 20, 60, 150, 1500]) {
      for (const successes of [
        0,
        1,
        Math.floor(population / 7),
        Math.floor(population / 2),
        population - 1,
      ]) {
        for (const draws of [1, 3, Math.floor(population / 5), Math.floor(population / 2)]) {
          for (let k = 0; k <= Math.min(draws, successes) + 1; k += Math.max(1, Math.floor(draws / 6))) {
            const exact = exactUpperTail(population, successes, draws, k);
            const { pValue, logPValue } = hypergeometricUpperTail(population, successes, draws, k);
            if (exact === 0) expect(pValue).toBe(0);
            else if (exact > 1e-300) {
              expect(Math.abs(pValue - exact) / exact).toBeLessThan(1e-9);
              expect(Math.abs(logPValue - Math.log(exact))).toBeLessThan(1e-9);
            }
            checked += 1;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('stays finite and accurate in log space for N = 10^7, |S| = 10^5', () => {
    // All 50 of 50 leaked rows in a set of 50,000: log p = Σ log((K − i)/(N − i)).
    let expected = 0;
    for (let i = 0; i < 50; i += 1) expected += Math.log((50_000 - i) / (10_000_000 - i));
    const small = hypergeometricUpperTail(10_000_000, 50_000, 50, 50);
    expect(Math.abs(small.logPValue - expected)).toBeLessThan(1e-8);
    // 100,000 rows all in a 100,000-customer set: the tail underflows but its log does not.
    const huge = hypergeometricUpperTail(10_000_000, 100_000, 100_000, 100_000);
    expect(huge.pValue).toBe(0);
    expect(huge.logPValue).toBeCloseTo(-logChooseRef(10_000_000, 100_000), 3);
    // Around the mean the tail is about one half, and monotone in k.
    const mean = (100_000 * 200_000) / 10_000_000; // 2,000
    const atMean = hypergeometricUpperTail(10_000_000, 200_000, 100_000, mean).pValue;
    expect(atMean).toBeGreaterThan(0.45);
    expect(atMean).toBeLessThan(0.55);
    let previous = 1;
    for (let k = 1_800; k <= 2_400; k += 50) {
      const { pValue } = hypergeometricUpperTail(10_000_000, 200_000, 100_000, k);
      expect(pValue).toBeLessThanOrEqual(previous);
      previous = pValue;
    }
  });

  it('logFactorial agrees with the table where the Stirling series takes over', () => {
    let sum = 0;
    for (let i = 2; i <= 1500; i += 1) sum += Math.log(i);
    expect(Math.abs(logFactorial(1500) - sum) / sum).toBeLessThan(1e-13);
  });

  it('rejects arguments that are not counts', () => {
    expect(() => hypergeometricUpperTail(10, 11, 1, 1)).toThrow(/exceed/);
    expect(() => hypergeometricUpperTail(10.5, 1, 1, 1)).toThrow(/whole number/);
  });
});

function logChooseRef(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

describe('attributeLeak: posterior over sources', () => {
  const leaked = Array.from({ length: 40 }, (_, i) => `c${i}`);
  /** 20 innocents with small, unrelated work sets, each touching a couple of the leaked customers. */
  const innocents = Array.from({ length: 20 }, (_, j) =>
    staff(`innocent-${j}`, [
      `c${j}`,
      `c${(j * 7) % 40}`,
      ...Array.from({ length: 300 }, (_, i) => `w${j}-${i}`),
    ]),
  );

  it('computes the Bayes factor exactly on one- and two-row cases', () => {
    // N = 10, |R| = 2, the row held: ∫₀¹ (1 − w + 5w) dw = 3.
    const one = attributeLeak(['a'], [staff('X', ['a', 'b'])], { population: 10 });
    expect(one.candidates[0]?.logBayesFactor).toBeCloseTo(Math.log(3), 9);
    // Two rows, one held: ∫₀¹ (1 − w)(1 − w + 5w) dw = 1/3 + 5/6.
    const two = attributeLeak(['a', 'z'], [staff('X', ['a', 'b'])], { population: 10 });
    expect(two.candidates[0]?.logBayesFactor).toBeCloseTo(Math.log(7 / 6), 9);
  });

  it('matches brute-force integration of the Bayes factor, narrow peaks and ambiguous rows included', () => {
    const random = prng(7);
    for (let trial = 0; trial < 12; trial += 1) {
      const population = 10_000;
      const rowCount = 1 + Math.floor(random() * (trial < 6 ? 30 : 600));
      const setSize = rowCount + Math.floor(random() * 3000);
      const heldShare = random();
      const held = Array.from({ length: setSize }, (_, i) => `r${i}`);
      const rows: LeakedRow[] = [];
      const factors: number[] = []; // N h / |R| per row, 0 when not held
      for (let r = 0; r < rowCount; r += 1) {
        if (random() >= heldShare) {
          rows.push(`x${r}`);
          factors.push(0);
        } else if (random() < 0.3) {
          const weight = 0.2 + 0.6 * random();
          rows.push({
            customers: [
              { id: `r${r}`, weight },
              { id: `y${r}`, weight: 1 - weight },
            ],
          });
          factors.push((population * weight) / setSize);
        } else {
          rows.push(`r${r}`);
          factors.push(population / setSize);
        }
      }
      const result = attributeLeak(rows, [staff('X', held)], { population });
      // Midpoint rule on 200,000 panels, in log space relative to the largest term.
      const panels = 200_000;
      const logs: number[] = [];
      for (let i = 0; i < panels; i += 1) {
        const w = (i + 0.5) / panels;
        logs.push(factors.reduce((sum, f) => sum + Math.log1p(w * (f - 1)), 0));
      }
      const max = logs.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
      const brute = max + Math.log(logs.reduce((sum, value) => sum + Math.exp(value - max), 0) / panels);
      expect(Math.abs((result.candidates[0]?.logBayesFactor ?? 0) - brute)).toBeLessThan(
        1e-6 * Math.max(1, Math.abs(brute)),
      );
    }
  });

  it('finds a harvester among innocents and places its window', () => {
    const harvester = staff('harvester', [...leaked, ...Array.from({ length: 2000 }, (_, i) => `h${i}`)], 5);
    const result = attributeLeak(leaked, [...innocents, harvester], { population: 100_000 });
    expect(result.candidates[0]?.id).toBe('harvester');
    expect(result.candidates[0]?.probability).toBeGreaterThan(0.999);
    expect(result.sources).toEqual([{ kind: 'staff', id: 'harvester', share: expect.any(Number) }]);
    expect(result.setWindow).toEqual({ kind: 'staff', id: 'harvester', from: 5, to: 5, complete: true });
    for (const candidate of result.candidates.slice(1)) expect(candidate.probability).toBeLessThan(0.05);
  });

  it('gives no evidence to an account that saw every customer, however well it covers S', () => {
    const everyone: AccessLookup = { size: 100_000, get: () => 0 };
    const result = attributeLeak(leaked, [...innocents, { kind: 'staff', id: 'admin', access: everyone }], {
      population: 100_000,
    });
    const admin = byId(result, 'admin');
    expect(admin.explains).toBe(1);
    expect(admin.guilt).toBeGreaterThan(0.99); // the paper's model implicates it fully…
    expect(Math.abs(admin.logBayesFactor)).toBeLessThan(1e-9); // …the likelihood ratio is exactly 1
    expect(admin.pValue).toBe(1);
    expect(admin.probability).toBeLessThanOrEqual(1 / 22 + 1e-9); // no more than its prior
  });

  it('splits the slot between two candidates with identical access', () => {
    const ids = [...leaked, ...Array.from({ length: 500 }, (_, i) => `e${i}`)];
    const result = attributeLeak(
      leaked,
      [...innocents, { kind: 'export', id: 'exp-1', access: accessOf(ids) }, staff('twin', ids)],
      { population: 100_000 },
    );
    const a = byId(result, 'exp-1').probability;
    const b = byId(result, 'twin').probability;
    // Exact posterior under the model: {A}, {B} ∝ π(1−π), {A,B} ∝ π²  →  P(A) = P(B) = 1 / (2 − π),
    // π = 1/23, ≈ 0.511; the slot approximation gives the one found first no extra-source chance.
    const exact = 1 / (2 - 1 / 23);
    expect(Math.abs(a - exact)).toBeLessThan(0.04);
    expect(Math.abs(b - exact)).toBeLessThan(0.04);
  });

  it('prefers an export over the requester whose wider access contains it', () => {
    const exported = [...leaked, ...Array.from({ length: 500 }, (_, i) => `e${i}`)];
    const requester = [...exported, ...Array.from({ length: 3000 }, (_, i) => `r${i}`)];
    const result = attributeLeak(
      leaked,
      [
        ...innocents,
        staff('requester', requester),
        { kind: 'export', id: 'exp-9', access: accessOf(exported) },
      ],
      { population: 100_000 },
    );
    expect(result.candidates[0]?.id).toBe('exp-9');
    expect(result.candidates[1]?.id).toBe('requester');
    expect(byId(result, 'requester').probability).toBeLessThan(0.5);
  });

  it('finds two sources that each supplied half, and five that each supplied a fifth', () => {
    const half = attributeLeak(
      leaked,
      [
        ...innocents,
        staff('A', [...leaked.slice(0, 20), ...Array.from({ length: 800 }, (_, i) => `a${i}`)]),
        staff('B', [...leaked.slice(20), ...Array.from({ length: 3000 }, (_, i) => `b${i}`)]),
      ],
      { population: 100_000 },
    );
    expect(half.sources.map((s) => s.id).sort()).toEqual(['A', 'B']);
    expect(byId(half, 'A').probability).toBeGreaterThan(0.99);
    expect(byId(half, 'B').probability).toBeGreaterThan(0.99);
    expect(byId(half, 'A').share).toBeCloseTo(0.5, 1);

    const gang = Array.from({ length: 5 }, (_, g) =>
      staff(`gang-${g}`, [
        ...leaked.slice(g * 8, g * 8 + 8),
        ...Array.from({ length: 2000 }, (_, i) => `g${g}-${i}`),
      ]),
    );
    const five = attributeLeak(leaked, [...innocents, ...gang], { population: 100_000 });
    for (let g = 0; g < 5; g += 1) expect(byId(five, `gang-${g}`).probability).toBeGreaterThan(0.9);
    for (let j = 0; j < 20; j += 1) expect(byId(five, `innocent-${j}`).probability).toBeLessThan(0.5);
  });

  it('computes each candidate window from first-access times of the rows it holds', () => {
    const access = new Map([
      ['a', 300],
      ['b', 100],
      ['c', 200],
      ['x', 50],
    ]);
    const result = attributeLeak(['a', 'b', 'c', 'd'], [{ kind: 'staff', id: 'X', access }], {
      population: 1000,
    });
    expect(result.candidates[0]?.window).toEqual({ from: 100, to: 300 });
    expect(result.setWindow).toEqual({ kind: 'staff', id: 'X', from: 100, to: 300, complete: false });
  });

  it('counts duplicate rows once and weights ambiguous rows', () => {
    const result = attributeLeak(
      [
        'a',
        'a',
        {
          customers: [
            { id: 'b', weight: 1 },
            { id: 'c', weight: 3 },
          ],
        },
        {
          customers: [
            { id: 'c', weight: 3 },
            { id: 'b', weight: 1 },
          ],
        },
      ],
      [staff('X', ['a', 'b'])],
      { population: 1000 },
    );
    expect(result.rows).toBe(2);
    expect(result.candidates[0]?.overlap).toBeCloseTo(1.25, 12);
    expect(result.unexplained).toBeCloseTo(0.75, 12);
  });
});

describe('attributeLeak: edge cases', () => {
  it('returns zeros for an empty leaked set', () => {
    const result = attributeLeak([], [staff('X', ['a'])], { population: 10 });
    expect(result.rows).toBe(0);
    expect(result.sources).toEqual([]);
    expect(result.setWindow).toBeNull();
    expect(result.candidates[0]).toMatchObject({
      probability: 0,
      guilt: 0,
      explains: 0,
      pValue: 1,
      window: null,
    });
  });

  it('handles a candidate with an empty access set', () => {
    const result = attributeLeak(['a', 'b'], [staff('empty', []), staff('X', ['a', 'b', 'c'])], {
      population: 1000,
    });
    const empty = byId(result, 'empty');
    expect(empty).toMatchObject({ guilt: 0, overlap: 0, accessSize: 0, pValue: 1, window: null });
    expect(empty.logBayesFactor).toBeCloseTo(-Math.log(3), 12); // ∫₀¹ (1 − w)² dw = 1/3
    expect(empty.probability).toBeLessThan(0.2);
    expect(result.candidates[0]?.id).toBe('X');
  });

  it('explains a set no candidate holds only by "obtained elsewhere"', () => {
    const result = attributeLeak(['a', 'b', 'c'], [staff('X', ['x', 'y']), staff('Y', ['z'])], {
      population: 1000,
    });
    expect(result.unexplained).toBe(3);
    expect(result.sources).toEqual([]);
    expect(result.background).toBe(1);
    expect(result.setWindow).toBeNull();
    for (const candidate of result.candidates) {
      expect(candidate.guilt).toBe(0);
      expect(candidate.pValue).toBe(1);
      expect(candidate.probability).toBeLessThan(1 / 3); // below the prior 1/(2+1)
    }
  });

  it('works without candidates', () => {
    const result = attributeLeak(['a'], [], { population: 10 });
    expect(result.candidates).toEqual([]);
    expect(result.unexplained).toBe(1);
  });

  it.each([
    ['a population smaller than the leak', () => attributeLeak(['a', 'b'], [], { population: 1 })],
    [
      'a population smaller than an access set',
      () => attributeLeak(['a'], [staff('X', ['a', 'b'])], { population: 1 }),
    ],
    [
      'duplicate candidates',
      () => attributeLeak(['a'], [staff('X', ['a']), staff('X', ['b'])], { population: 9 }),
    ],
    ['an empty row', () => attributeLeak([{ customers: [] }], [], { population: 9 })],
    ['a zero weight', () => attributeLeak([{ customers: [{ id: 'a', weight: 0 }] }], [], { population: 9 })],
    ['p = 1', () => attributeLeak(['a'], [], { population: 9, guessProbability: 1 })],
    [
      'a non-finite access time',
      () =>
        attributeLeak(['a'], [{ kind: 'staff', id: 'X', access: new Map([['a', Number.NaN]]) }], {
          population: 9,
        }),
    ],
    ['a prior of 1', () => attributeLeak(['a'], [{ ...staff('X', ['a']), prior: 1 }], { population: 9 })],
  ])('rejects %s with a validation error', (_, run) => {
    try {
      run();
      expect.unreachable();
    } catch (error) {
      expect(isCordonError(error) && error.code).toBe('CORDON_ERR_VALIDATION');
    }
  });
});

describe('p estimates and access helpers', () => {
  it.each([
    // [rows, unexplained, coverage, expected]
    [50, 0, 0.5, 0.5 / 26],
    [50, 5, 0.5, 5.5 / 26],
    [100, 10, 0, 10.5 / 101],
    [0, 0, 0.2, 0.5],
    [10, 10, 0.9, 0.999], // clamped
  ] as const)(
    'estimateGuessProbability(rows=%i, unexplained=%i, coverage=%s) = %s',
    (rows, unexplained, coverage, expected) => {
      expect(estimateGuessProbability({ rows, unexplained, coverage })).toBeCloseTo(expected, 12);
    },
  );

  it('derives p from exposure: 1 − (1 − r)^k', () => {
    expect(guessProbabilityFromExposure({ outsideHolders: 0, leakRate: 0.3 })).toBe(0);
    expect(guessProbabilityFromExposure({ outsideHolders: 2, leakRate: 0.1 })).toBeCloseTo(0.19, 12);
    expect(guessProbabilityFromExposure({ outsideHolders: 3, leakRate: 1 })).toBe(1);
    expect(() => guessProbabilityFromExposure({ outsideHolders: 1, leakRate: 2 })).toThrow();
  });

  it('builds first-access maps from allowed events only', () => {
    const access = accessFromEvents([
      { ts: 30, customers: ['a', 'b'] },
      { ts: 10, customers: ['b'], outcome: 'allowed' },
      { ts: 5, customers: ['c'], outcome: 'denied' },
    ]);
    expect([...access]).toEqual([
      ['a', 30],
      ['b', 10],
    ]);
  });
});

describe('attributeLeak: performance', () => {
  /** Built on first use, so that running other tests alone does not pay for 400 large maps. */
  let fixture: { candidates: AttributionCandidate[]; harvestIds: string[] } | undefined;
  const setup = (): { candidates: AttributionCandidate[]; harvestIds: string[] } => {
    if (fixture) return fixture;
    // Shared id strings so that 300 maps of up to 50,000 entries stay small in memory.
    const ids = Array.from({ length: POPULATION }, (_, i) => String(i));
    const random = prng(42);
    const pick = (size: number, time: number): Map<string, number> => {
      const map = new Map<string, number>();
      while (map.size < size) map.set(ids[Math.floor(random() * POPULATION)] ?? '0', time);
      return map;
    };
    const staffMaps = Array.from({ length: 300 }, (_, j) => pick(Math.round(500 * 100 ** random()), j));
    const exportMaps = Array.from({ length: 100 }, (_, j) => pick(100 + Math.floor(random() * 5000), j));
    const harvester = pick(150_000, 7);
    fixture = {
      candidates: [
        ...staffMaps.map((access, j) => ({ kind: 'staff' as const, id: `s${j}`, access })),
        ...exportMaps.map((access, j) => ({ kind: 'export' as const, id: `e${j}`, access })),
        { kind: 'staff', id: 'harvester', access: harvester },
      ],
      harvestIds: [...harvester.keys()],
    };
    return fixture;
  };

  it('ranks |S| = 50 against 300 staff (≤ 50,000 each) and 100 exports well under 100 ms', () => {
    const { candidates, harvestIds } = setup();
    const leaked = harvestIds.slice(0, 50);
    const times: number[] = [];
    for (let run = 0; run < 7; run += 1) {
      const started = performance.now();
      const result = attributeLeak(leaked, candidates, { population: POPULATION });
      times.push(performance.now() - started);
      expect(result.candidates[0]?.id).toBe('harvester');
    }
    times.sort((a, b) => a - b);
    const median = times[3] ?? Number.POSITIVE_INFINITY;
    console.log(
      `attribution |S|=50, 401 candidates: median ${median.toFixed(1)} ms, best ${times[0]?.toFixed(1)} ms`,
    );
    expect(median).toBeLessThan(100);
  });

  it('ranks |S| = 100,000 in a few seconds', () => {
    const { candidates, harvestIds } = setup();
    const leaked: LeakedRow[] = harvestIds.slice(0, 100_000);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const result = attributeLeak(leaked, candidates, { population: POPULATION });
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    console.log(
      `attribution |S|=100,000, 401 candidates: ${(performance.now() - started).toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU`,
    );
    expect(result.candidates[0]?.id).toBe('harvester');
    expect(result.candidates[0]?.log10PValue).toBeLessThan(-1000);
    // About 2 s of CPU on an idle machine; the bound leaves room for a loaded CI runner.
    expect(cpuMs).toBeLessThan(10_000);
  });
});
