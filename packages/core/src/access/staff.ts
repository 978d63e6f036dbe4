import { z } from 'zod';
import { externalId, isoTime } from '../vault/interchange';

/**
 * The staff directory and the assignments that tie a person to customers: the shop's HR and ticket
 * systems feed these (NDJSON/CSV import or API), and the access policy reads them on every decision.
 */
export const staffRoles = [
  'support_agent',
  'support_lead',
  'warehouse',
  'courier',
  'merchant_staff',
  'analyst',
  'security_admin',
  'dpo',
  'engineer',
] as const;
export type StaffRole = (typeof staffRoles)[number];

export const staffStatuses = ['active', 'suspended', 'departed'] as const;
export type StaffStatus = (typeof staffStatuses)[number];

/** Roles that must present a TOTP code at sign-in, on top of the password. */
export const totpRequiredRoles: readonly StaffRole[] = ['security_admin', 'dpo', 'support_lead'];

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (24 h)');

const timeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Asia/Shanghai');

export const staffSchema = z.strictObject({
  id: externalId,
  name: z.string().trim().min(1).max(64),
  role: z.enum(staffRoles),
  team: z.string().trim().min(1).max(64),
  merchant: externalId.optional(),
  shift: z.strictObject({ start: clockTime, end: clockTime, tz: timeZone }),
  status: z.enum(staffStatuses),
  since: isoTime.optional(),
  /** Per-person override of the role's reveal quota (distinct customers per rolling 24 h). */
  revealQuota: z.number().int().min(0).max(100_000).optional(),
});
export type StaffInput = z.infer<typeof staffSchema>;

export interface StaffMember {
  id: string;
  name: string;
  role: StaffRole;
  team: string;
  merchant: string | null;
  shift: { start: string; end: string; tz: string };
  status: StaffStatus;
  since: Date | null;
  revealQuota: number | null;
  updatedAt: Date;
}

export const ticketSchema = z
  .strictObject({
    id: externalId,
    customerId: externalId,
    orderId: externalId.optional(),
    assignee: externalId,
    status: z.enum(['open', 'closed']),
    openedAt: isoTime,
    closedAt: isoTime.optional(),
  })
  .refine((t) => t.status === 'open' || t.closedAt !== undefined, {
    message: 'a closed ticket needs closedAt',
    path: ['closedAt'],
  })
  .refine((t) => t.closedAt === undefined || Date.parse(t.closedAt) >= Date.parse(t.openedAt), {
    message: 'closedAt is before openedAt',
    path: ['closedAt'],
  });
export type TicketInput = z.infer<typeof ticketSchema>;

export interface Ticket {
  id: string;
  customerId: string;
  orderId: string | null;
  assignee: string;
  status: 'open' | 'closed';
  openedAt: Date;
  closedAt: Date | null;
}

export const deliverySchema = z
  .strictObject({ orderId: externalId, courier: externalId, from: isoTime, to: isoTime })
  .refine((d) => Date.parse(d.to) > Date.parse(d.from), { message: 'to must be after from', path: ['to'] });
export type DeliveryInput = z.infer<typeof deliverySchema>;

export interface Delivery {
  orderId: string;
  courier: string;
  from: Date;
  to: Date;
}

export const merchantOrderSchema = z.strictObject({
  orderId: externalId,
  merchant: externalId,
  /** When the order was delivered, if it has been: merchant access ends a policy-set number of days later. */
  deliveredAt: isoTime.optional(),
});
export type MerchantOrderInput = z.infer<typeof merchantOrderSchema>;

export interface MerchantOrder {
  orderId: string;
  merchant: string;
  deliveredAt: Date | null;
}

export function toStaffMember(input: StaffInput, now: Date): StaffMember {
  return {
    id: input.id,
    name: input.name,
    role: input.role,
    team: input.team,
    merchant: input.merchant ?? null,
    shift: input.shift,
    status: input.status,
    since: input.since ? new Date(input.since) : null,
    revealQuota: input.revealQuota ?? null,
    updatedAt: now,
  };
}

export function toTicket(t: TicketInput): Ticket {
  return {
    id: t.id,
    customerId: t.customerId,
    orderId: t.orderId ?? null,
    assignee: t.assignee,
    status: t.status,
    openedAt: new Date(t.openedAt),
    closedAt: t.closedAt ? new Date(t.closedAt) : null,
  };
}

/** Minutes since local midnight of `at` in the given IANA zone. */
function localMinutes(at: Date, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

/** Whether `at` falls inside the shift; a shift whose end is before its start runs over midnight. */
export function isOnShift(shift: StaffMember['shift'], at: Date): boolean {
  const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const start = toMin(shift.start);
  const end = toMin(shift.end);
  const now = localMinutes(at, shift.tz);
  if (start === end) return true;
  return start < end ? now >= start && now < end : now >= start || now < end;
}
