import { testRuntime } from '@cordon/server';
import { sql } from 'kysely';
import { BENCH_CTX, openBenchDatabase, startBenchServer } from './bench-server';
import type { Figure } from './report';
import { progress } from './report';

export interface WatchBenchOptions {
  /** Departed accounts probed, one after another: each probe is one event and one expected alert. */
  probes: number;
  /** Ordinary events a second from active staff meanwhile, so the watcher has work besides the probe. */
  backgroundPerSecond: number;
  showProgress: boolean;
  postgres: boolean;
}

const allDay = { start: '00:00', end: '00:00', tz: 'Asia/Shanghai' };
const isoNow = () => new Date().toISOString().replace('Z', '+00:00');

/**
 * Live detection lag: `cordon serve` on PostgreSQL in its own process, with its live watcher as it
 * runs by default. Each probe posts one event by a departed account to `POST /v1/events` (other
 * systems' access logs) and waits for the watch alert about that person to be stored; the lag is
 * from the 200 of the post to the alert row being visible. Meanwhile active staff's ordinary events
 * arrive at a steady rate through the same endpoint.
 */
export async function watchBench(options: WatchBenchOptions): Promise<Figure[]> {
  if (!options.postgres) {
    progress(options.showProgress, 'watch lag suite skipped: it measures PostgreSQL only');
    return [];
  }
  const bench = await openBenchDatabase();
  try {
    const runtime = await testRuntime(bench.db, {}, bench.keyring);
    const key = (await runtime.apiKeys.create(BENCH_CTX, { name: 'bench', scopes: ['admin'] })).key;
    await runtime.close();
    const server = await startBenchServer(bench.env);
    const post = async (path: string, body: unknown) => {
      const r = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`watch bench: ${path} answered ${r.status} ${await r.text()}`);
    };
    let background: ReturnType<typeof setInterval> | undefined;
    try {
      const departedSince = new Date(Date.now() - 7 * 86_400_000).toISOString();
      const agent = (id: string, name: string, status: 'active' | 'departed', since?: string) => ({
        id,
        name,
        role: 'support_agent',
        team: 'cs',
        shift: allDay,
        status,
        ...(since ? { since } : {}),
      });
      const staff = [
        ...Array.from({ length: 40 }, (_, i) => agent(`a${i}`, `Agent ${i}`, 'active')),
        ...Array.from({ length: options.probes }, (_, i) =>
          agent(`gone${i}`, `Former ${i}`, 'departed', departedSince),
        ),
      ];
      await post('/v1/staff', staff);
      // Ordinary work in ten batches a second, from the active staff.
      let n = 0;
      const perTick = Math.max(1, Math.round(options.backgroundPerSecond / 10));
      background = setInterval(() => {
        const events = Array.from({ length: perTick }, () => {
          n += 1;
          return {
            ts: isoNow(),
            actor: `a${n % 40}`,
            action: 'view',
            customers: [`C${n % 5000}`],
            system: 'crm',
          };
        });
        void post('/v1/events', events).catch(() => undefined);
      }, 100);
      await new Promise((r) => setTimeout(r, 2000));
      progress(
        options.showProgress,
        `live detection lag: ${options.probes} departed accounts, ${options.backgroundPerSecond} ordinary events/s alongside`,
      );
      const lags: number[] = [];
      for (let i = 0; i < options.probes; i += 1) {
        const who = `gone${i}`;
        await post('/v1/events', [
          { ts: isoNow(), actor: who, action: 'view', customers: [`C${9000 + i}`], system: 'legacy-bo' },
        ]);
        const posted = performance.now();
        for (;;) {
          const found = await sql<{ n: number }>`select count(*)::int as n from security_alerts
            where kind = 'watch' and staff_id = ${who}`.execute(bench.db.db);
          if ((found.rows[0]?.n ?? 0) > 0) break;
          if (performance.now() - posted > 10_000)
            throw new Error(`watch bench: no alert for ${who} in 10 s`);
          await new Promise((r) => setTimeout(r, 5));
        }
        lags.push(performance.now() - posted);
        // Probes start at different points of the watcher's interval.
        await new Promise((r) => setTimeout(r, 137));
      }
      lags.sort((a, b) => a - b);
      const at = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] as number;
      return [
        {
          suite: 'watch',
          name: 'live detection lag, event posted → alert stored, p50',
          value: at(0.5),
          unit: 'ms',
        },
        {
          suite: 'watch',
          name: `live detection lag, slowest of ${lags.length}`,
          value: lags[lags.length - 1] as number,
          unit: 'ms',
          target: { op: '<=', value: 1000 },
        },
      ];
    } finally {
      if (background) clearInterval(background);
      await server.stop();
    }
  } finally {
    await bench.close();
  }
}
