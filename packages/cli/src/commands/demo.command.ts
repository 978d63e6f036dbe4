import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { type RequestContext, systemClock } from '@cordon/core';
import { openRuntime, type Runtime, startServer } from '@cordon/server';
import { generateShop } from '@cordon/sim';
import { initKeyringFile } from '@cordon/storage';
import type { Command } from 'commander';
import { cliContext, loadConfig } from '../cli-context';
import { ProgressLine, showProgress } from '../output';

const DEMO_CUSTOMERS = 2000;

/** A Double-11 style promotion so the demo's risk scoring has caps to enforce. */
function demoPromotion(now: Date) {
  return {
    id: 'D11-PHONE',
    name: 'Double 11 phone deal',
    startsAt: new Date(now.getTime() - 3_600_000).toISOString(),
    endsAt: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    skus: [{ sku: 'PHONE-X1', listPrice: 3999, promoPrice: 2999 }],
    stock: 500,
    caps: { perAccount: 2, perCluster: 4, perAddress: 4 },
    priceError: { minRatio: 0.5 },
  };
}

/** A ready-to-send scoring request: the third unit of the promotion phone for one account. */
function demoScoreRequest(now: Date) {
  return {
    order: {
      id: `DEMO-${now.getTime()}`,
      customerId: 'U-demo-1',
      createdAt: now.toISOString(),
      status: 'created',
      receiver: {
        name: '韩梅梅',
        phone: '13800138000',
        province: '北京市',
        city: '北京市',
        district: '海淀区',
        street: '中关村大街1号',
      },
      items: [{ sku: 'PHONE-X1', name: '手机', price: 2999, qty: 3 }],
      total: 8997,
    },
    context: {
      account: 'U-demo-1',
      accountCreatedAt: '2021-03-01T10:00:00+08:00',
      device: 'demo-device',
      ip: '198.51.100.23',
    },
  };
}

/**
 * A small staff directory with assignments, so the demo shows purpose-bound access: an agent with
 * open tickets, a lead, a courier with a delivery in its window, a security admin and a DPO.
 */
async function seedDemoStaff(
  runtime: Runtime,
  ctx: RequestContext,
): Promise<{ token: string; customerId: string; orderId: string; ticketId: string }> {
  const allDay = { start: '00:00', end: '00:00', tz: 'Asia/Shanghai' };
  const person = (id: string, name: string, role: string, team: string) => ({
    id,
    name,
    role,
    team,
    shift: allDay,
    status: 'active',
  });
  await runtime.staff.importStaff(ctx, [
    person('agent-001', '王芳', 'support_agent', 'cs-east'),
    person('agent-002', '李雷', 'support_agent', 'cs-east'),
    person('lead-001', '陈静', 'support_lead', 'cs-east'),
    person('courier-001', '赵强', 'courier', 'logistics-bj'),
    person('secadmin-001', '孙敏', 'security_admin', 'security'),
    person('dpo-001', '周洁', 'dpo', 'legal'),
  ]);
  const orders = await runtime.uow.read((repos) => repos.vault.matchOrders({ createdFrom: new Date(0) }, 6));
  const now = new Date();
  const tickets = orders.slice(0, 5).map((o, i) => ({
    id: `TK-${1001 + i}`,
    customerId: o.customerId,
    orderId: o.orderId,
    assignee: i < 3 ? 'agent-001' : 'agent-002',
    status: 'open',
    openedAt: now.toISOString(),
  }));
  await runtime.staff.importTickets(ctx, tickets);
  const last = orders[5] ?? orders[0];
  if (last) {
    await runtime.staff.importDeliveries(ctx, [
      {
        orderId: last.orderId,
        courier: 'courier-001',
        from: now.toISOString(),
        to: new Date(now.getTime() + 86_400_000).toISOString(),
      },
    ]);
  }
  const { token } = await runtime.staff.issueToken(ctx, 'agent-001', 'demo');
  const first = tickets[0];
  return {
    token,
    customerId: first?.customerId ?? '',
    orderId: first?.orderId ?? '',
    ticketId: first?.id ?? '',
  };
}

/**
 * `npm run demo`: on first run creates the keyring and seeds a synthetic shop (2,000 customers and
 * their orders) through the same ingestion path as production, creates a demo API key, then serves.
 * Later runs reuse the data directory and the key.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('seed a synthetic shop into the embedded database (first run) and serve the API')
    .option('--port <port>', 'port (overrides CORDON_PORT)', (v) => Number(v))
    .option('--no-serve', 'seed only, then exit')
    .action(async (opts: { port?: number; serve: boolean }) => {
      const config = loadConfig();
      if (opts.port !== undefined) config.port = opts.port;
      if (!existsSync(config.keyringPath)) {
        initKeyringFile(config.keyringPath, systemClock.now(), config.ledgerOrigin);
        process.stderr.write(`created keyring ${config.keyringPath}\n`);
      }
      const runtime = await openRuntime(config);
      const ctx = cliContext();
      const counts = await runtime.uow.read((repos) => repos.vault.counts());
      if (counts.customers === 0) {
        const shop = generateShop({ customers: DEMO_CUSTOMERS, seed: 'cordon-demo' });
        const progress = new ProgressLine('seeding demo shop', showProgress(false));
        const all = [...shop.customers];
        for (let i = 0; i < all.length; i += 1000) {
          await runtime.vault.ingestCustomers(ctx, all.slice(i, i + 1000));
          progress.update(i + 1000, all.length + shop.orders.length, 'records');
        }
        for (let i = 0; i < shop.orders.length; i += 1000) {
          await runtime.vault.ingestOrders(ctx, shop.orders.slice(i, i + 1000));
          progress.update(all.length + i + 1000, all.length + shop.orders.length, 'records');
        }
        progress.done();
        await runtime.ledger.checkpoint();
        process.stderr.write(
          `seeded ${all.length} customers and ${shop.orders.length} orders (encrypted, indexed, ledgered)\n`,
        );
      }
      const keyFile = `${config.dataDir}/demo-api-key`;
      let key: string;
      if (existsSync(keyFile)) key = readFileSync(keyFile, 'utf8').trim();
      else {
        key = (await runtime.apiKeys.create(ctx, { name: 'demo', scopes: ['admin'] })).key;
        writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
      }
      const staffFile = `${config.dataDir}/demo-staff.json`;
      let demoStaff: { token: string; customerId: string; orderId: string; ticketId: string };
      if (existsSync(staffFile)) demoStaff = JSON.parse(readFileSync(staffFile, 'utf8'));
      else {
        demoStaff = await seedDemoStaff(runtime, ctx);
        await runtime.risk.putPromotion(ctx, 'D11-PHONE', demoPromotion(new Date()));
        writeFileSync(staffFile, `${JSON.stringify(demoStaff)}\n`, { mode: 0o600 });
      }
      if (!opts.serve) {
        await runtime.close();
        return;
      }
      const app = await startServer(runtime);
      const base = `http://${config.host}:${(app.server.address() as { port: number }).port}`;
      process.stderr.write(
        [
          '',
          `demo API key (admin, stored in ${keyFile}):`,
          `  ${key}`,
          'try:',
          `  curl -H "Authorization: Bearer ${key}" ${base}/v1/orders/O00000001`,
          `  curl -H "Authorization: Bearer ${key}" "${base}/v1/search?orderId=O00000002"`,
          `  curl ${base}/v1/ledger/checkpoint`,
          `a support agent (token in ${staffFile}) reveals a phone for their own open ticket ${demoStaff.ticketId}:`,
          `  curl -H "Authorization: Bearer ${demoStaff.token}" -H 'content-type: application/json' \\`,
          `    -d '{"customerId":"${demoStaff.customerId}","fields":["phone"],"purpose":"customer_support","reference":"${demoStaff.ticketId}"}' ${base}/v1/reveal`,
          '  (another customer, another ticket or another purpose is refused with a code, and ledgered)',
          'score an order at checkout (three promotion phones for one account: rejected, with the reason):',
          `  curl -H "Authorization: Bearer ${key}" -H 'content-type: application/json' \\`,
          `    -d '${JSON.stringify(demoScoreRequest(new Date()))}' ${base}/v1/risk/score`,
          `  open ${base}/docs`,
          '',
        ].join('\n'),
      );
    });
}
