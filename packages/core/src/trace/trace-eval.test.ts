import { describe, expect, it } from 'vitest';
import { normalizeAddress, normalizeName, normalizePhone } from '../vault/normalize';
import { readLeakedFile } from './leaked-file';
import { matchLeakedRecords } from './row-matcher';
import {
  blindKey,
  type EvalPerson,
  type EvalPopulation,
  type EvalRandom,
  evalCustomerId,
  evalCustomerIndex,
  evaluateTrace,
  generateStaffAccess,
  InMemoryBlindIndex,
  renderLeakedSample,
  renderPhone,
  type SampleRow,
} from './trace-eval';

/** Deterministic PRNG (mulberry32) seeded from a label. */
function seeded(label: string): EvalRandom {
  let state = 2166136261;
  for (let i = 0; i < label.length; i += 1) state = Math.imul(state ^ label.charCodeAt(i), 16777619);
  return {
    next: () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '欧阳', '司马'];
const GIVEN = ['伟', '芳', '娜', '秀', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟'];
const PLACES = [
  { province: '浙江省', city: '杭州市', district: '西湖区' },
  { province: '广东省', city: '深圳市', district: '南山区' },
  { province: '北京市', city: '北京市', district: '海淀区' },
  { province: '上海市', city: '上海市', district: '浦东新区' },
  { province: '四川省', city: '成都市', district: '武侯区' },
];
const ROADS = ['文三路', '科技园路', '中关村大街', '世纪大道', '人民南路'];

/** A person drawn from small pools (names repeat, as real ones do); the phone is unique per `key`. */
function fakePerson(key: number, prefix: string): EvalPerson {
  const r = seeded(`person:${prefix}:${key}`);
  const at = <T>(items: readonly T[]) => items[Math.floor(r.next() * items.length)] as T;
  const place = at(PLACES);
  return {
    name: `${at(SURNAMES)}${at(GIVEN)}${r.next() < 0.5 ? at(GIVEN) : ''}`,
    // 7919 is coprime with 10^9, so distinct keys get distinct numbers.
    phone: `${prefix}${String((key * 7919 + 12345) % 1_000_000_000).padStart(9, '0')}`,
    address: {
      ...place,
      street: `${at(ROADS)}${1 + Math.floor(r.next() * 300)}号${1 + Math.floor(r.next() * 20)}栋${101 + Math.floor(r.next() * 20)}室`,
    },
  };
}

function fakePopulation(size: number): EvalPopulation {
  return { size, customer: (i) => fakePerson(i, '13'), stranger: (k) => fakePerson(k, '15') };
}

describe('blindKey', () => {
  it('normalises as the vault does before computing a blind index', () => {
    expect(blindKey('phone', '+86 138-1234-5678')).toBe('13812345678');
    expect(blindKey('phone', '１３８ １２３４ ５６７８')).toBe('13812345678');
    expect(blindKey('phone', '138****5678')).toBeUndefined();
    expect(blindKey('name', ' 张 三 ')).toBe(normalizeName('张三'));
    expect(blindKey('address', '浙江省杭州市西湖区文三路90号')).toBe(
      normalizeAddress('浙江省 杭州市 西湖区 文三路 90 号'),
    );
    expect(blindKey('idNumber', '11010519491231002x')).toBe('11010519491231002X');
    expect(blindKey('idNumber', '1101051949')).toBeUndefined();
  });
});

describe('evalCustomerId', () => {
  it('round-trips the simulator id format', () => {
    expect(evalCustomerId(0)).toBe('C000001');
    expect(evalCustomerId(1_234_566)).toBe('C1234567');
    expect(evalCustomerIndex('C1234567')).toBe(1_234_566);
    expect(evalCustomerIndex('x1')).toBe(-1);
  });
});

describe('renderLeakedSample', () => {
  it('writes every planted row where it says, and the reader finds each with its (masked) phone and name', async () => {
    const layouts = new Set<string>();
    for (let sample = 0; sample < 120; sample += 1) {
      const random = seeded(`render:${sample}`);
      const rows: SampleRow[] = Array.from({ length: 12 }, (_, i) => ({
        person: fakePerson(sample * 100 + i, i % 4 === 0 ? '15' : '13'),
        customer: i % 4 === 0 ? null : sample * 100 + i,
        maskPhone: i % 2 === 1,
        maskName: i % 5 === 2,
      }));
      const rendered = renderLeakedSample(rows, random);
      layouts.add(rendered.layout);
      const report = await readLeakedFile(new TextEncoder().encode(rendered.text), rendered.name);
      expect(report.records, rendered.text).toHaveLength(rows.length);
      rows.forEach((row, i) => {
        const span = rendered.lines[i];
        const record = report.records.find((r) => span && r.row >= span.first && r.row <= span.last);
        expect(record, `${rendered.layout} row ${i}\n${rendered.text}`).toBeDefined();
        const phone = normalizePhone(row.person.phone)?.digits ?? '';
        if (row.maskPhone) {
          expect(record?.mobile).toBeUndefined();
          expect(record?.mobileMasked).toEqual({
            prefix: phone.slice(0, 3),
            suffix: phone.slice(7),
            hiddenCount: 4,
          });
        } else {
          expect(record?.mobile).toBe(phone);
        }
        expect(record?.nameMasked).toBe(row.maskName);
        if (!row.maskName) expect(normalizeName(record?.name ?? '')).toBe(normalizeName(row.person.name));
      });
    }
    expect([...layouts].sort()).toEqual(['chat-labelled', 'chat-lines', 'csv', 'csv-headerless']);
  });

  it('spells full phones in the ways people write them and masks the middle four digits', () => {
    const random = seeded('phones');
    const spellings = new Set<string>();
    for (let i = 0; i < 400; i += 1) {
      const full = renderPhone(random, '13812345678', false);
      expect(normalizePhone(full)?.digits).toBe('13812345678');
      spellings.add(full);
      expect(renderPhone(random, '13812345678', true)).toMatch(/^138(\*{4}|x{4}|＊{4})5678$/u);
    }
    expect(spellings.size).toBeGreaterThanOrEqual(6);
  });
});

describe('InMemoryBlindIndex', () => {
  it('gives the matcher the same outcome whether or not it answers for values nobody has', async () => {
    const all = new InMemoryBlindIndex({ knownOnly: false });
    const known = new InMemoryBlindIndex();
    for (let i = 0; i < 3_000; i += 1) {
      all.add(i, fakePerson(i, '13'));
      known.add(i, fakePerson(i, '13'));
    }
    const rows: SampleRow[] = Array.from({ length: 40 }, (_, i) => ({
      person: fakePerson(i < 30 ? i * 97 : 10_000 + i, i < 30 ? '13' : '15'),
      customer: i < 30 ? i * 97 : null,
      maskPhone: i % 2 === 0,
      maskName: i % 7 === 0,
    }));
    const rendered = renderLeakedSample(rows, seeded('equivalence'));
    const { records } = await readLeakedFile(new TextEncoder().encode(rendered.text), rendered.name);
    const outcome = (matches: Awaited<ReturnType<typeof matchLeakedRecords>>) =>
      matches.map((m) => ({ row: m.record.row, confidence: m.confidence, customers: m.customers }));
    expect(outcome(await matchLeakedRecords(records, known))).toEqual(
      outcome(await matchLeakedRecords(records, all)),
    );
    expect(known.indexFor('phone', '13900000000')).toBeUndefined();
    expect(all.indexFor('phone', '13900000000')?.toString('utf8')).toBe('13900000000');
  });

  it('keeps every customer of a shared value', () => {
    const index = new InMemoryBlindIndex({ expected: 2 });
    index.add(0, { name: '王伟', phone: '13800000001' });
    index.add(1, { name: '王 伟', phone: '+86 138 0000 0001' });
    index.add(2, { name: 'Wang Wei', phone: '13800000002' });
    expect(index.lookup('name', '王伟')).toEqual([0, 1]);
    expect(index.lookup('phone', '138-0000-0001')).toEqual([0, 1]);
    expect(index.lookup('name', 'WANG  WEI')).toEqual([2]);
    expect(index.size).toBe(3);
  });
});

describe('generateStaffAccess', () => {
  it('gives admins, heavy workers and overlapping teams of ordinary workers, deterministically', () => {
    const staffing = generateStaffAccess(1_000_000, 300, seeded('staff'));
    const again = generateStaffAccess(1_000_000, 300, seeded('staff'));
    expect(again.staff.map((s) => s.customers.length)).toEqual(staffing.staff.map((s) => s.customers.length));
    const admins = staffing.staff.filter((s) => s.kind === 'admin');
    const heavy = staffing.staff.filter((s) => s.kind === 'heavy');
    const workers = staffing.staff.filter((s) => s.kind === 'worker');
    expect(admins.map((s) => s.customers.length)).toEqual([200_000, 200_000]);
    expect(heavy).toHaveLength(15);
    for (const s of heavy) expect(s.customers.length).toBeGreaterThanOrEqual(9_000);
    for (const s of heavy) expect(s.customers.length).toBeLessThanOrEqual(30_000);
    for (const s of workers) expect(s.customers.length).toBeGreaterThanOrEqual(450);
    for (const s of workers) expect(s.customers.length).toBeLessThanOrEqual(5_000);
    const strictlyIncreasing = (x: Int32Array) => x.every((c, i) => i === 0 || c > (x[i - 1] ?? 0));
    expect(staffing.staff.every((s) => strictlyIncreasing(s.customers))).toBe(true);
    // Colleagues share customers; people of different teams hardly do.
    const team0 = staffing.staff.filter((s) => s.team === 0);
    const [a, b] = team0;
    const shared = (x: Int32Array, y: Int32Array) => {
      const set = new Set(x);
      return y.filter((c) => set.has(c)).length;
    };
    expect(a && b ? shared(a.customers, b.customers) : 0).toBeGreaterThan(0);
    expect(new Set(staffing.staff.map((s) => s.id)).size).toBe(300);
  });

  it('caps access sets for a small shop', () => {
    const staffing = generateStaffAccess(10_000, 30, seeded('small'));
    for (const s of staffing.staff) expect(s.customers.length).toBeLessThanOrEqual(2_000);
    expect(() => generateStaffAccess(10_000, 2, seeded('x'))).toThrow(/at least 3 staff/);
  });
});

describe('evaluateTrace', () => {
  const options = (seed: string) => ({
    staff: 40,
    trials: 6,
    rows: 30,
    random: (label: string) => seeded(`${seed}/${label}`),
    now: () => 0,
  });

  it('ranks the harvester first and keeps innocents low on a small shop, the same on every run', async () => {
    const population = fakePopulation(20_000);
    const report = await evaluateTrace(population, options('a'));
    expect(report.pass).toBe(true);
    expect(report.trialResults).toHaveLength(6);
    for (const trial of report.trialResults) {
      expect(trial.rank).toBe(1);
      expect(trial.records).toBe(30);
      expect(trial.falseOurs).toBe(0);
      expect(trial.wrongOurs).toBe(0);
      expect(trial.ours).toBeGreaterThan(15);
      expect(trial.maxInnocent?.probability ?? 0).toBeLessThanOrEqual(0.5);
    }
    expect(report.figures.find((f) => f.name === 'true source ranked first')).toMatchObject({
      value: 1,
      pass: true,
    });
    const again = await evaluateTrace(population, options('a'));
    expect(again.trialResults).toEqual(report.trialResults);
    const other = await evaluateTrace(population, options('b'));
    expect(other.trialResults.map((t) => t.harvester)).not.toEqual(
      report.trialResults.map((t) => t.harvester),
    );
  });

  it('refuses settings that make no sample', async () => {
    const population = fakePopulation(5_000);
    await expect(evaluateTrace(population, { ...options('a'), rows: 1 })).rejects.toMatchObject({
      code: 'CORDON_ERR_VALIDATION',
    });
    await expect(evaluateTrace(population, { ...options('a'), foreign: 1 })).rejects.toMatchObject({
      code: 'CORDON_ERR_VALIDATION',
    });
    await expect(evaluateTrace(fakePopulation(10), options('a'))).rejects.toMatchObject({
      code: 'CORDON_ERR_VALIDATION',
    });
  });
});
