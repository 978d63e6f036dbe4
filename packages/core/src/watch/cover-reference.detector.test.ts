import { describe, expect, it } from 'vitest';
import { type CoverCheck, coveredCustomers, detectCoverReference } from './cover-reference.detector';
import { resolveWatchConfig } from './watch-config';

const cfg = resolveWatchConfig();
const check: CoverCheck = {
  actor: 'a1',
  action: 'view',
  ticket: { assignee: 'a1', customerId: 'C1', orderId: 'O1' },
  customers: ['C9'],
  orders: [],
  assigned: () => false,
};

describe('coveredCustomers', () => {
  it.each<[string, Partial<CoverCheck>, string[]]>([
    ['a view of another customer naming my ticket on C1', {}, ['C9']],
    ['a view of the ticket’s own customer', { customers: ['C1'] }, []],
    ['a view of the ticket’s order (a gift to someone else)', { orders: ['O1'] }, []],
    ['a view with the ticket’s customer and another one', { customers: ['C1', 'C9'] }, ['C9']],
    [
      'a search that found the ticket’s customer among others',
      { action: 'search', customers: ['C1', 'C9'] },
      [],
    ],
    ['a search that found only someone else', { action: 'search' }, ['C9']],
    ['a customer covered by another assignment', { assigned: (c) => c === 'C9' }, []],
    ['someone else’s ticket', { ticket: { assignee: 'b2', customerId: 'C1', orderId: null } }, []],
    ['an unknown reference', { ticket: undefined }, []],
    ['a search with no result', { action: 'search', customers: [] }, []],
  ])('%s', (_name, patch, expected) => {
    expect(coveredCustomers({ ...check, ...patch })).toEqual(expected);
  });
});

describe('detectCoverReference', () => {
  it.each<[number, number, number | null, number]>([
    [1, 0, 1, 1],
    [2, 0, 2, 3],
    [2, 1, 2, 2],
    [3, 2, null, 0],
    [4, 2, 3, 3],
    [9, 3, null, 0],
  ])('%i customers after level %i: level %s (+%i)', (covered, previous, level, weight) => {
    const f = detectCoverReference({ at: 5, group: 'g', covered, customers: 20 }, previous, cfg);
    if (level === null) expect(f).toBeNull();
    else
      expect(f).toEqual({
        at: 5,
        reason: {
          code: 'cover_reference',
          weight,
          message: `${covered} of 20 customers in this staff-day were reached naming a ticket of this person's that is about another customer (level ${level}).`,
          detail: { level, covered, customers: 20 },
        },
        peer: null,
        floor: undefined,
      });
  });
});

describe('detectCoverReference with pursued covers', () => {
  it.each<[string, number, number, number, number | null, number]>([
    ['one cover, then worked on with no assignment: an alert', 1, 1, 0, 2, 3],
    ['one cover, put right with the right ticket (not pursued): a note', 1, 0, 0, 1, 1],
    ['one cover after its note, then pursued', 1, 1, 1, 2, 2],
    ['two covers, both pursued', 2, 2, 2, 3, 3],
  ])('%s', (_name, covered, pursued, previous, level, weight) => {
    const f = detectCoverReference({ at: 5, group: 'g', covered, customers: 20, pursued }, previous, cfg);
    if (level === null) expect(f).toBeNull();
    else
      expect(f?.reason).toMatchObject({
        code: 'cover_reference',
        weight,
        detail: { level, covered, ...(pursued > 0 ? { pursued } : {}) },
      });
  });
});
