import { describe, expect, it } from 'vitest';
import { riskStateContract } from '../../../storage/src/risk-state.contract';
import { MemoryRiskState, RISK_WINDOW_RETENTION_MS } from './memory-risk-state';

riskStateContract('memory', async (options) => new MemoryRiskState(options));

describe('MemoryRiskState retention', () => {
  const H = 3_600_000;
  const T0 = Date.UTC(2026, 10, 11, 0, 0, 0);
  const obs = (orderId: string, at: number, account: string, device: string) => ({
    orderId,
    at,
    keys: { account, device },
  });

  it('drops the state of accounts and values unused past retention, keeps the rest, and counts the same', () => {
    const s = new MemoryRiskState();
    for (let i = 0; i < 50; i++) s.observeNow(obs(`old${i}`, T0 + i * 1000, `A${i}`, `D${i}`));
    // A0 and D0 are used again three hours later, and A1 late (an order from before, arriving now).
    s.observeNow(obs('again', T0 + 3 * H, 'A0', 'D0'));
    s.observeNow(obs('late', T0 + 3 * H - 30 * 60_000, 'A1', 'D1'));
    expect(s.stats()).toMatchObject({ accounts: 50, values: 50 });

    // Order time passes retention for the first orders (a sweep runs), but not for the later ones.
    const later = T0 + RISK_WINDOW_RETENTION_MS + 2 * H;
    const r = s.observeNow(obs('new', later, 'B', 'D0'));
    expect(s.stats()).toEqual({ accounts: 3, values: 2, seenOrders: 53 });
    // D0's order at T0 + 3 h is outside every window of an order 27 h later; counts are by time.
    expect(r.orders.device).toEqual({ '1m': 1, '1h': 1, '24h': 1 });
    expect(r.accountsPer.device).toEqual({ '1m': 1, '1h': 1, '24h': 1 });

    // Once the later orders fall out of retention too, only what is still in use remains.
    s.observeNow(obs('newer', later + RISK_WINDOW_RETENTION_MS - 3 * H + 2 * H, 'B', 'D0'));
    expect(s.stats()).toMatchObject({ accounts: 1, values: 1 });
  });
});
