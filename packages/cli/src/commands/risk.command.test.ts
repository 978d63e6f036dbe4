import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePromoOrders } from '@cordon/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from './risk.command';

describe('cordon risk backtest', () => {
  let dir: string;
  const files = { orders: '', promotions: '', prices: '' };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cordon-backtest-'));
    const run = generatePromoOrders({ orders: 6000, seed: 'backtest-test' });
    files.orders = join(dir, 'orders.ndjson');
    files.promotions = join(dir, 'promotions.json');
    files.prices = join(dir, 'list-prices.json');
    // Shuffle the lines: the backtest must put them back in time order itself.
    const lines = [...run.stream].map((l) => JSON.stringify(l));
    const shuffled = lines.map((l, i) => ({ l, k: (i * 7919) % lines.length })).sort((a, b) => a.k - b.k);
    writeFileSync(files.orders, `${shuffled.map((s) => s.l).join('\n')}\n`);
    writeFileSync(files.promotions, JSON.stringify(run.promotions));
    writeFileSync(files.prices, JSON.stringify(run.listPrices));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const base = () => ({
    promotions: files.promotions,
    prices: files.prices,
    label: 'truth.abusive',
    pattern: 'truth.pattern',
    out: join(dir, 'decisions.ndjson'),
    json: true,
  });

  it('replays in time order, writes one decision per order, and measures against the labels', async () => {
    const report = await runBacktest(files.orders, base());
    const m = report.metrics;
    expect(m.orders).toBe(6000);
    expect(m.labelled).toBe(6000);
    expect(m.decisions.accept + m.decisions.review + m.decisions.reject).toBe(6000);
    expect(m.abusive).toBeGreaterThan(100);
    expect(m.recall).toBeGreaterThan(0.6);
    expect(m.honestRejectRate).toBeLessThan(0.005);
    expect(m.auc).toBeGreaterThan(0.8);
    expect(m.rejectionsWithoutReason).toBe(0);
    expect(Object.keys(m.rules).length).toBeGreaterThan(3);
    const lines = readFileSync(report.out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(6000);
    expect(Object.keys(lines[0]).sort()).toEqual(['decision', 'orderId', 'reasons', 'score']);
    // Time order: ids are issued in time order by the simulator.
    expect(lines.map((l) => l.orderId)).toEqual(lines.map((l) => l.orderId).sort());
    // Same input, same decisions (fresh state and pseudonym key do not change outcomes).
    const again = await runBacktest(files.orders, { ...base(), out: join(dir, 'again.ndjson') });
    expect(readFileSync(join(dir, 'again.ndjson'), 'utf8')).toBe(readFileSync(report.out, 'utf8'));
    expect(again.metrics.decisions).toEqual(m.decisions);
  });

  it("lets people's labels override the file's", async () => {
    const first = JSON.parse(readFileSync(files.orders, 'utf8').split('\n')[0] as string);
    const labels = join(dir, 'labels.ndjson');
    writeFileSync(labels, `${JSON.stringify({ orderId: first.order.id, abusive: !first.truth.abusive })}\n`);
    const plain = await runBacktest(files.orders, { ...base(), out: join(dir, 'a.ndjson') });
    const overridden = await runBacktest(files.orders, { ...base(), labels, out: join(dir, 'b.ndjson') });
    expect(overridden.metrics.abusive - plain.metrics.abusive).toBe(first.truth.abusive ? -1 : 1);
  });

  it('refuses a bad line with its number and writes nothing', async () => {
    const bad = join(dir, 'bad.ndjson');
    const good = readFileSync(files.orders, 'utf8').split('\n').slice(0, 3);
    const broken = JSON.parse(good[1] as string);
    broken.order.receiver.phone = '123';
    writeFileSync(bad, `${good[0]}\n${JSON.stringify(broken)}\n${good[2]}\n`);
    const out = join(dir, 'never.ndjson');
    await expect(runBacktest(bad, { ...base(), out })).rejects.toMatchObject({
      code: 'CORDON_ERR_INVALID_PHONE',
      details: { line: 2, field: 'order.receiver.phone', file: 'bad.ndjson' },
    });
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a rule file that does not compile, naming the rule and position', async () => {
    const rules = join(dir, 'rules.yaml');
    writeFileSync(
      rules,
      'rules:\n  - id: broken_rule\n    description: d\n    expression: "order_qty >> 3"\n    action: review\n    reason: {code: BROKEN, zh: 坏, en: bad}\n',
    );
    await expect(runBacktest(files.orders, { ...base(), rules })).rejects.toMatchObject({
      code: 'CORDON_ERR_RULE_INVALID',
      details: { rule: 'broken_rule', line: 1, file: 'rules.yaml' },
    });
    await expect(runBacktest(join(dir, 'missing.ndjson'), base())).rejects.toMatchObject({
      code: 'CORDON_ERR_VALIDATION',
    });
  });
});
