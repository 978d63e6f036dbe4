import type { StaffMember } from '@cordon/core';

/** A support agent as the storage tests store and expect them (fixed fields, the given status). */
export function staffMember(id: string, status: StaffMember['status'] = 'active'): StaffMember {
  return {
    id,
    name: `Agent ${id}`,
    role: 'support_agent',
    team: 'care',
    merchant: null,
    shift: { start: '09:00', end: '18:00', tz: 'Asia/Shanghai' },
    status,
    since: null,
    revealQuota: null,
    updatedAt: new Date('2026-11-01T00:00:00Z'),
  };
}
