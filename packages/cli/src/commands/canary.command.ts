import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  type CanaryDraft,
  type CanaryPools,
  CordonError,
  canaryPoolsSchema,
  demoCanaryPools,
  toValidationError,
} from '@cordon/core';
import { generateShop } from '@cordon/sim';
import type { Command } from 'commander';
import { cliContext } from '../cli-context';
import { emit } from '../output';
import { withRuntime } from '../with-runtime';

/** Reads the pools file named by --pools or CORDON_CANARY_POOLS, else the demo pools (with a warning). */
export function loadCanaryPools(path: string | undefined): { pools: CanaryPools; source: string } {
  if (!path)
    return { pools: demoCanaryPools, source: 'demo pools (set CORDON_CANARY_POOLS for monitored ones)' };
  if (!existsSync(path))
    throw new CordonError('CORDON_ERR_VALIDATION', `No pools file ${path}.`, { field: '--pools' });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new CordonError('CORDON_ERR_VALIDATION', `${path} is not valid JSON.`, { field: '--pools' });
  }
  const parsed = canaryPoolsSchema.safeParse(raw);
  if (!parsed.success) throw toValidationError(parsed.error);
  return { pools: parsed.data, source: path };
}

/**
 * Builds canary drafts: names, sign-up dates and order histories from the synthetic shop (so they
 * follow the real distributions), contact data from the monitored pools, ids in the shop's format.
 */
export function canaryDrafts(count: number, pools: CanaryPools, seed: string): CanaryDraft[] {
  const shop = generateShop({ customers: count, seed: `canary-${seed}` });
  const usedPhones = new Set<string>();
  const pickPhone = () => {
    for (;;) {
      const range = pools.phones[randomInt(pools.phones.length)] ?? pools.phones[0];
      if (!range) throw new CordonError('CORDON_ERR_VALIDATION', 'The pools have no phone range.');
      const span = Number(range.to) - Number(range.from) + 1;
      if (usedPhones.size >= span * pools.phones.length) {
        throw new CordonError('CORDON_ERR_VALIDATION', 'The phone pool is exhausted; add a range.');
      }
      const phone = String(Number(range.from) + randomInt(span));
      if (!usedPhones.has(phone)) {
        usedPhones.add(phone);
        return phone;
      }
    }
  };
  const ids = new Map<string, string>();
  return shop.customers.map((c) => {
    const id = `C${String(randomInt(10_000_000, 99_999_999))}`;
    ids.set(c.id, id);
    const phone = pickPhone();
    const domain =
      pools.emailDomains[randomInt(pools.emailDomains.length)] ?? pools.emailDomains[0] ?? 'example.cn';
    const place = pools.addresses[randomInt(pools.addresses.length)] ?? pools.addresses[0];
    if (!place) throw new CordonError('CORDON_ERR_VALIDATION', 'The pools have no address.');
    const street = place.streets[randomInt(place.streets.length)] ?? place.streets[0] ?? '';
    const email = c.email ? `${c.email.split('@')[0]}@${domain}` : undefined;
    const orders = shop.orders
      .filter((o) => o.customerId === c.id)
      .map((o) => ({
        ...o,
        id: `O${String(randomInt(100_000_000, 999_999_999))}`,
        customerId: id,
        receiver: {
          name: c.name,
          phone,
          province: place.province,
          city: place.city,
          district: place.district,
          street,
        },
      }));
    const { email: _shopEmail, ...rest } = c;
    const customer: CanaryDraft['customer'] = { ...rest, id, phone, ...(email ? { email } : {}) };
    return { customer, orders };
  });
}

/** `cordon canary plant --count N`: plants canary customers through the normal ingestion path. */
export function registerCanaryCommands(program: Command): void {
  const canary = program
    .command('canary')
    .description('canary customers: realistic records with monitored contact data');
  canary
    .command('plant')
    .description('plant N canaries (customers with order histories) from the monitored pools')
    .requiredOption('--count <n>', 'how many (1–100000)', (v) => Number(v))
    .option(
      '--pools <file>',
      'pools JSON (phones ranges, mail domains, drop addresses); default CORDON_CANARY_POOLS',
    )
    .option('--seed <seed>', 'seed for the synthetic histories', String(Date.now()))
    .option('--json', 'print JSON', false)
    .action(async (opts: { count: number; pools?: string; seed: string; json: boolean }) => {
      await withRuntime(opts.json, async (runtime) => {
        if (!Number.isInteger(opts.count) || opts.count < 1 || opts.count > 100_000) {
          throw new CordonError('CORDON_ERR_VALIDATION', '--count must be a whole number from 1 to 100000.', {
            field: '--count',
          });
        }
        const { pools, source } = loadCanaryPools(opts.pools ?? process.env.CORDON_CANARY_POOLS);
        const r = await runtime.canaries.plant(cliContext(), canaryDrafts(opts.count, pools, opts.seed));
        emit(opts.json, { ...r, pools: source }, `planted ${r.planted} canaries from ${source}`);
      });
    });
}
