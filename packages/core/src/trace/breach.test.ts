import { describe, expect, it } from 'vitest';
import { isCordonError } from '../shared/errors';
import {
  type BreachIncident,
  breachClocks,
  classifyRecord,
  clockStatus,
  criminalThresholds,
  individualMeasures,
  NEVER_ASK_MEASURE,
  noticeDrafts,
  withClockStatus,
} from './breach';

const HOUR = 3_600_000;
/** 2025-11-12 14:30 in Beijing. */
const detectedAt = new Date('2025-11-12T06:30:00Z');

describe('breachClocks', () => {
  it('starts the CAC, PIPL and CSL clocks for a domestic leak, earliest first', () => {
    const clocks = breachClocks(detectedAt, { euResidentsAffected: false });
    expect(clocks.map((c) => [c.id, c.dueAt.toISOString()])).toEqual([
      ['pipl-57-regulator', '2025-11-12T06:30:00.000Z'],
      ['pipl-57-individuals', '2025-11-12T06:30:00.000Z'],
      ['cac-incident-report', '2025-11-12T10:30:00.000Z'],
      ['csl-21-log-retention', '2026-05-12T06:30:00.000Z'],
    ]);
    for (const clock of clocks) {
      expect(clock.basis.length).toBeGreaterThan(10);
      expect(clock.authority.length).toBeGreaterThan(3);
    }
    expect(clocks.find((c) => c.id === 'cac-incident-report')?.basis).toContain('4小时');
    expect(clocks.find((c) => c.id === 'pipl-57-regulator')?.basis).toContain('第五十七条');
    expect(clocks.find((c) => c.id === 'csl-21-log-retention')?.basis).toContain('第二十一条');
  });

  it.each([
    // [options, expected ids]
    [{ euResidentsAffected: true }, ['gdpr-33-supervisory-authority', 'gdpr-34-data-subjects']],
    [{ euResidentsAffected: true, highRisk: false }, ['gdpr-33-supervisory-authority']],
    [{ euResidentsAffected: false, highRisk: true }, []],
  ])('adds the GDPR clocks for %j', (opts, expected) => {
    const ids = breachClocks(detectedAt, opts)
      .map((c) => c.id)
      .filter((id) => id.startsWith('gdpr'));
    expect(ids.sort()).toEqual([...expected].sort());
  });

  it('gives GDPR art. 33 72 hours and art. 34 "without undue delay"', () => {
    const clocks = breachClocks(detectedAt, { euResidentsAffected: true });
    const art33 = clocks.find((c) => c.id === 'gdpr-33-supervisory-authority');
    const art34 = clocks.find((c) => c.id === 'gdpr-34-data-subjects');
    expect(art33?.dueAt.getTime()).toBe(detectedAt.getTime() + 72 * HOUR);
    expect(art34?.dueAt.getTime()).toBe(detectedAt.getTime());
    expect(art34?.kind === 'deadline' && art34.immediate).toBe(true);
  });

  it('shortens the CAC clock to 1 hour for critical information infrastructure', () => {
    const cac = breachClocks(detectedAt, { euResidentsAffected: false, criticalInfrastructure: true }).find(
      (c) => c.id === 'cac-incident-report',
    );
    expect(cac?.dueAt.getTime()).toBe(detectedAt.getTime() + HOUR);
    expect(cac?.authority).toContain('公安机关');
  });

  it.each([
    // [detected (UTC), retention end (UTC)]: six calendar months in Beijing, clamped to month end
    ['2025-08-31T04:00:00Z', '2026-02-28T04:00:00.000Z'],
    ['2025-12-31T17:00:00Z', '2026-06-30T17:00:00.000Z'], // 2026-01-01 01:00 → 2026-07-01 01:00 in Beijing
    ['2025-01-15T00:00:00Z', '2025-07-15T00:00:00.000Z'],
  ])('keeps logs detected at %s until %s', (detected, until) => {
    const retention = breachClocks(new Date(detected), { euResidentsAffected: false }).find(
      (c) => c.kind === 'retention',
    );
    expect(retention?.dueAt.toISOString()).toBe(until);
  });

  it('rejects an invalid date', () => {
    expect(() => breachClocks(new Date('nope'), { euResidentsAffected: false })).toThrow(/detectedAt/);
  });
});

describe('clockStatus', () => {
  const clocks = breachClocks(detectedAt, { euResidentsAffected: true });
  const at = (ms: number) => new Date(detectedAt.getTime() + ms);
  it.each([
    // [id, offset from detection, status]
    ['cac-incident-report', 0, 'due'],
    ['cac-incident-report', 4 * HOUR, 'due'],
    ['cac-incident-report', 4 * HOUR + 1, 'overdue'],
    ['pipl-57-regulator', 0, 'due'],
    ['pipl-57-regulator', 1, 'overdue'],
    ['gdpr-33-supervisory-authority', 71 * HOUR, 'due'],
    ['gdpr-33-supervisory-authority', 73 * HOUR, 'overdue'],
    ['csl-21-log-retention', 30 * 24 * HOUR, 'retain'],
    ['csl-21-log-retention', 200 * 24 * HOUR, 'retention-met'],
  ] as const)('%s at +%i ms is %s', (id, offset, status) => {
    const clock = clocks.find((c) => c.id === id);
    if (!clock) throw new Error(`no clock ${id}`);
    expect(clockStatus(clock, at(offset))).toBe(status);
  });

  it('reports the time left, negative once overdue', () => {
    const now = at(5 * HOUR);
    const cac = withClockStatus(clocks, now).find((c) => c.id === 'cac-incident-report');
    expect(cac).toMatchObject({ status: 'overdue', remainingMs: -HOUR });
  });
});

describe('criminalThresholds', () => {
  it.each([
    // [counts, insider, level, combinedRatio]
    [{ whereaboutsEtc: 0, transactionEtc: 0, other: 0 }, false, 'below', 0],
    [{ whereaboutsEtc: 49, transactionEtc: 0, other: 0 }, false, 'below', 0.98],
    [{ whereaboutsEtc: 50, transactionEtc: 0, other: 0 }, false, 'serious', 1],
    [{ whereaboutsEtc: 25, transactionEtc: 0, other: 0 }, true, 'serious', 1], // halved for insiders
    [{ whereaboutsEtc: 0, transactionEtc: 499, other: 0 }, false, 'below', 0.998],
    [{ whereaboutsEtc: 0, transactionEtc: 500, other: 0 }, false, 'serious', 1],
    [{ whereaboutsEtc: 0, transactionEtc: 250, other: 0 }, true, 'serious', 1],
    [{ whereaboutsEtc: 0, transactionEtc: 249, other: 0 }, true, 'below', 0.996],
    [{ whereaboutsEtc: 0, transactionEtc: 0, other: 5000 }, false, 'serious', 1],
    [{ whereaboutsEtc: 0, transactionEtc: 0, other: 2500 }, true, 'serious', 1],
    [{ whereaboutsEtc: 25, transactionEtc: 250, other: 0 }, false, 'serious', 1], // art. 5(1)(6) in proportion
    [{ whereaboutsEtc: 20, transactionEtc: 200, other: 1000 }, false, 'serious', 1], // 0.4 + 0.4 + 0.2, exactly
    [{ whereaboutsEtc: 0, transactionEtc: 5000, other: 0 }, false, 'especially-serious', 10],
    [{ whereaboutsEtc: 0, transactionEtc: 4999, other: 0 }, false, 'serious', 9.998],
    [{ whereaboutsEtc: 0, transactionEtc: 2500, other: 0 }, true, 'especially-serious', 10], // 10 × 250
    [{ whereaboutsEtc: 0, transactionEtc: 700_000, other: 0 }, true, 'especially-serious', 2800], // the reported case
    [{ whereaboutsEtc: 250, transactionEtc: 2500, other: 0 }, false, 'especially-serious', 10], // 10× in proportion
    [{ whereaboutsEtc: 1, transactionEtc: 1, other: 2389 }, true, 'below', 0.04 + 0.004 + 0.9556], // 0.9996
  ] as const)('%j insider=%s → %s', (counts, insider, level, ratio) => {
    const result = criminalThresholds(counts, insider);
    expect(result.level).toBe(level);
    expect(result.combinedRatio).toBeCloseTo(ratio, 9);
    expect(result.reference).toContain('法释〔2017〕10号');
  });

  it('cites the item for each tier and the insider halving', () => {
    const result = criminalThresholds({ whereaboutsEtc: 0, transactionEtc: 300, other: 0 }, true);
    expect(result.thresholds).toEqual({ whereaboutsEtc: 25, transactionEtc: 250, other: 2500 });
    expect(result.findings).toEqual([
      expect.objectContaining({ level: 'serious', tier: 'transactionEtc', count: 300, threshold: 250 }),
    ]);
    expect(result.findings[0]?.reference).toContain('第五条第一款第（四）项');
    expect(result.findings[0]?.reference).toContain('第（八）项');
    const especially = criminalThresholds({ whereaboutsEtc: 600, transactionEtc: 0, other: 0 }, false);
    expect(especially.findings.map((f) => f.level)).toEqual(['serious', 'especially-serious']);
    expect(especially.findings[1]?.reference).toContain('第五条第二款第（三）项');
    expect(especially.findings[1]?.threshold).toBe(500);
  });

  it('rejects counts that are not whole numbers of records', () => {
    expect(() => criminalThresholds({ whereaboutsEtc: -1, transactionEtc: 0, other: 0 }, false)).toThrow(
      /whereaboutsEtc/,
    );
    expect(() => criminalThresholds({ whereaboutsEtc: 0, transactionEtc: 1.5, other: 0 }, false)).toThrow();
  });
});

describe('classifyRecord', () => {
  it.each([
    [['name', 'phone', 'address', 'order'], 'transactionEtc'],
    [['name', 'phone', 'address'], 'transactionEtc'],
    [['name', 'phone'], 'other'],
    [['name', 'id_number'], 'other'],
    [['name', 'bank_card'], 'whereaboutsEtc'],
    [['name', 'location_track'], 'whereaboutsEtc'],
    [['health'], 'transactionEtc'],
  ] as const)('%j → %s', (fields, tier) => {
    expect(classifyRecord(fields).tier).toBe(tier);
  });
});

const incident: BreachIncident = {
  shopName: { zh: '云杉优选', en: 'Yunshan Select' },
  detectedAt,
  categories: ['name', 'phone', 'address', 'order'],
  affectedCount: 700_000,
  cause: {
    zh: '一名员工利用后台查询权限批量导出订单收件信息并对外出售。',
    en: 'An employee used back-office search rights to export receiver details of orders in bulk and sold them.',
  },
  possibleHarm: {
    zh: '不法分子可能冒充客服或快递员，利用真实订单信息实施退款诈骗。',
    en: 'Fraudsters may pose as customer service or couriers and use real order details for refund scams.',
  },
  remedies: [
    {
      zh: '已停用相关账号并向公安机关报案。',
      en: 'We suspended the account involved and reported the case to the police.',
    },
    {
      zh: '已将后台查询默认改为脱敏显示，并设置每日查询上限。',
      en: 'Back-office lookups are now masked by default and capped per day.',
    },
  ],
  contact: {
    zh: '隐私保护专线 400-800-1234，privacy@yunshan.example',
    en: 'privacy line 400-800-1234, privacy@yunshan.example',
  },
};

describe('noticeDrafts', () => {
  const drafts = noticeDrafts(incident);
  const texts = [
    ['regulator', 'zh', drafts.regulator.zh],
    ['regulator', 'en', drafts.regulator.en],
    ['individual', 'zh', drafts.individual.zh],
    ['individual', 'en', drafts.individual.en],
  ] as const;

  it.each(texts)('the %s notice in %s has every element PIPL art. 57 requires', (_, lang, text) => {
    const required = [
      ...incident.categories.map(
        (c) =>
          ({
            name: { zh: '姓名', en: 'name' },
            phone: { zh: '手机号码', en: 'mobile phone number' },
            address: { zh: '收货地址', en: 'delivery address' },
            order: { zh: '订单信息', en: 'order details' },
          })[c as 'name' | 'phone' | 'address' | 'order'],
      ),
      incident.cause,
      incident.possibleHarm,
      ...incident.remedies,
      NEVER_ASK_MEASURE,
      incident.contact,
      incident.shopName,
    ];
    for (const element of required) {
      if (typeof element === 'string' || element === undefined)
        throw new Error('bilingual test data expected');
      expect(text).toContain(element[lang]);
    }
    // The measures individuals can take include the fake-customer-service warning.
    expect(text).toContain(lang === 'zh' ? '能准确说出您订单信息' : 'quotes your real order details');
    expect(text).toContain('2025-11-12 14:30');
  });

  it.each(texts)('the %s notice in %s leaves no placeholder unfilled', (_, __, text) => {
    expect(text).not.toMatch(/\{|\}|\$|undefined|null|NaN|\[object|TODO|XXX|<[a-z]/i);
  });

  it('states the count and the legal basis to the regulator', () => {
    expect(drafts.regulator.zh).toContain('700,000 人');
    expect(drafts.regulator.en).toContain('People affected: 700,000');
    expect(drafts.regulator.zh).toContain('第五十七条');
    expect(drafts.regulator.en).toContain('article 57');
  });

  it('uses one string in both languages and prints unknown categories verbatim', () => {
    const plain = noticeDrafts({
      ...incident,
      shopName: 'Spruce Shop',
      categories: ['phone', '会员等级 / membership tier'],
      contact: '400-800-1234',
    });
    for (const text of [plain.individual.zh, plain.individual.en]) {
      expect(text).toContain('Spruce Shop');
      expect(text).toContain('会员等级 / membership tier');
      expect(text).toContain('400-800-1234');
    }
  });

  it.each([
    ['an empty cause', { cause: ' ' }, 'cause'],
    ['no categories', { categories: [] }, 'categories'],
    ['no remedies', { remedies: [] }, 'remedies'],
    ['a zero count', { affectedCount: 0 }, 'affectedCount'],
    ['an empty English contact', { contact: { zh: '电话', en: '' } }, 'contact'],
    ['an invalid date', { detectedAt: new Date(Number.NaN) }, 'detectedAt'],
  ])('rejects %s', (_, patch, field) => {
    try {
      noticeDrafts({ ...incident, ...patch });
      expect.unreachable();
    } catch (error) {
      expect(isCordonError(error) && error.details.field).toBe(field);
    }
  });
});

describe('individualMeasures', () => {
  it.each([
    [['name'], 2],
    [['name', 'phone'], 3],
    [['name', 'phone', 'address', 'order'], 4],
    [['id_number', 'bank_card'], 4],
  ] as const)('for %j gives %i measures, always the never-ask rule and the police', (categories, count) => {
    const measures = individualMeasures(categories);
    expect(measures).toHaveLength(count);
    expect(measures[0]).toBe(NEVER_ASK_MEASURE);
    expect(measures.at(-1)?.zh).toContain('110');
  });
});
