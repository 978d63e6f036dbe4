import { describe, expect, it } from 'vitest';
import { agent } from './synthetic-office.fixture';
import { buildWatchContext, toWatchOrder, watchOrderSchema } from './watch-context';

describe('buildWatchContext peer groups', () => {
  const staff = [
    ...Array.from({ length: 6 }, (_, i) => agent(`a${i}`, { team: 'cs-big' })),
    ...Array.from({ length: 2 }, (_, i) => agent(`b${i}`, { team: 'cs-small' })),
    agent('l1', { role: 'support_lead', team: 'cs-big' }),
  ];
  const ctx = buildWatchContext({ staff });
  it.each<[string, string | undefined]>([
    ['a0', 'support_agent/cs-big'],
    ['b0', 'support_agent'],
    ['l1', 'support_lead'],
    ['nobody', undefined],
  ])('%s is in %s', (actor, group) => {
    expect(ctx.groupOf(actor)).toBe(group);
  });

  it('lists members and the whole role', () => {
    expect(ctx.members('support_agent')).toEqual(['b0', 'b1']);
    expect(ctx.sameRole('a0')).toHaveLength(8);
    expect(ctx.groups()).toEqual(['support_agent/cs-big', 'support_agent', 'support_lead']);
  });
});

describe('watchOrderSchema', () => {
  it('reads the four fields watch needs and ignores the rest of an order', () => {
    const parsed = watchOrderSchema.parse({
      id: 'O1',
      customerId: 'C1',
      status: 'paid',
      createdAt: '2026-10-01T10:00:00+08:00',
      receiver: { name: 'x' },
    });
    expect(toWatchOrder(parsed)).toEqual({
      id: 'O1',
      customerId: 'C1',
      status: 'paid',
      createdAt: new Date('2026-10-01T02:00:00Z'),
    });
  });

  it('refuses an unknown status', () => {
    expect(
      watchOrderSchema.safeParse({
        id: 'O1',
        customerId: 'C1',
        status: 'lost',
        createdAt: '2026-10-01T10:00:00+08:00',
      }).success,
    ).toBe(false);
  });
});
