import type { BreakGlassRow, ExportRow, RevealResult, SecurityAlertRow, StaffMember } from '@cordon/core';
import { z } from 'zod';

/**
 * Response allowlists of the access context. The reveal response is the one place plaintext leaves
 * Cordon, and only the fields the policy granted are present; every reveal is already in the ledger
 * when it is sent (its sequence number is part of the response).
 */
export const staffResponseSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  team: z.string(),
  merchant: z.string().nullable(),
  shift: z.object({ start: z.string(), end: z.string(), tz: z.string() }),
  status: z.string(),
  since: z.string().nullable(),
  revealQuota: z.number().nullable(),
  updatedAt: z.string(),
});

export function presentStaff(s: StaffMember): z.infer<typeof staffResponseSchema> {
  return {
    id: s.id,
    name: s.name,
    role: s.role,
    team: s.team,
    merchant: s.merchant,
    shift: s.shift,
    status: s.status,
    since: s.since?.toISOString() ?? null,
    revealQuota: s.revealQuota,
    updatedAt: s.updatedAt.toISOString(),
  };
}

export const revealResponseSchema = z.object({
  customerId: z.string(),
  orderId: z.string().nullable(),
  fields: z.object({
    name: z.string().nullable().optional(),
    phone: z.string().nullable().optional(),
    address: z.string().nullable().optional(),
    email: z.string().nullable().optional(),
    idNumber: z.string().nullable().optional(),
  }),
  purpose: z.string().nullable(),
  reference: z.string().nullable(),
  ledgerSeq: z.number().describe('the ledger entry that records this reveal'),
  breakGlassId: z.string().nullable(),
  masked: z.literal(false),
});

export function presentReveal(r: RevealResult): z.infer<typeof revealResponseSchema> {
  return {
    customerId: r.customerId,
    orderId: r.orderId ?? null,
    fields: r.fields,
    purpose: r.purpose ?? null,
    reference: r.reference ?? null,
    ledgerSeq: r.ledgerSeq,
    breakGlassId: r.breakGlassId ?? null,
    masked: false,
  };
}

export const breakGlassResponseSchema = z.object({
  id: z.string(),
  staffId: z.string(),
  customerId: z.string(),
  orderId: z.string().nullable(),
  fields: z.array(z.string()),
  justification: z.string(),
  at: z.string(),
  reviewStatus: z.string(),
  reviewer: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  reviewNote: z.string().nullable(),
});

export function presentBreakGlass(b: BreakGlassRow): z.infer<typeof breakGlassResponseSchema> {
  return {
    ...b,
    at: b.at.toISOString(),
    reviewedAt: b.reviewedAt?.toISOString() ?? null,
  };
}

export const alertResponseSchema = z.object({
  id: z.string(),
  kind: z.string(),
  severity: z.string(),
  staffId: z.string().nullable(),
  subject: z.string().nullable(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  createdAt: z.string(),
  status: z.string(),
});

export function presentAlert(a: SecurityAlertRow): z.infer<typeof alertResponseSchema> {
  return { ...a, createdAt: a.createdAt.toISOString() };
}

export const exportResponseSchema = z.object({
  id: z.string(),
  requester: z.string(),
  filter: z.record(z.string(), z.unknown()),
  fields: z.array(z.string()),
  purpose: z.string(),
  reference: z.string().nullable(),
  recipient: z.string(),
  format: z.string(),
  plaintext: z.boolean().describe('whether plaintext was asked for'),
  status: z.string(),
  createdAt: z.string(),
  approver: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  plaintextApproved: z.boolean().nullable(),
  rowCount: z.number().nullable(),
  downloads: z.number(),
  expiresAt: z.string().nullable(),
});

export function presentExport(e: ExportRow): z.infer<typeof exportResponseSchema> {
  return {
    ...e,
    filter: { ...e.filter },
    createdAt: e.createdAt.toISOString(),
    decidedAt: e.decidedAt?.toISOString() ?? null,
    expiresAt: e.expiresAt?.toISOString() ?? null,
  };
}
