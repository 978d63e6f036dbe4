import { exportDecisionSchema, exportRequestSchema } from '@cordon/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../app';
import { contextFor } from '../../context';
import { errorResponseSchema } from '../../errors';
import { exportResponseSchema, presentExport } from '../../presenters/access.presenter';
import { writeExportCsv, writeExportXlsx } from '../../presenters/export.file';

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
};
const idParams = z.object({ id: z.string().min(1).max(64) });

/** Header labels of export columns (bilingual, as shops' teams read them). */
const headers: Record<string, string> = {
  orderId: '订单号 order',
  customerId: '客户 customer',
  createdAt: '下单时间 created',
  status: '状态 status',
  province: '省 province',
  city: '市 city',
  district: '区 district',
  name: '收件人 name',
  phone: '电话 phone',
  address: '地址 address',
  items: '商品 items',
  total: '金额 total',
};

/** Two-person exports: request, decide (by someone else), download (by the requester, ledgered). */
export const exportRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/exports',
      {
        attachValidation: true,
        schema: {
          summary: 'Ask for an export (filter, fields, purpose, recipient); a second person must approve it',
          tags: ['exports'],
          body: exportRequestSchema,
          response: { 200: exportResponseSchema, ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return presentExport(await deps.exports.request(ctx, request.body));
      },
    );

    app.get(
      '/v1/exports',
      {
        schema: {
          summary: 'Exports: all for approvers, your own otherwise',
          tags: ['exports'],
          response: { 200: z.object({ items: z.array(exportResponseSchema) }), ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return { items: (await deps.exports.list(ctx)).map(presentExport) };
      },
    );

    app.post(
      '/v1/exports/:id/decision',
      {
        attachValidation: true,
        schema: {
          summary: 'Approve or reject an export (never your own); approval fixes the exact customer set',
          tags: ['exports'],
          params: idParams,
          body: exportDecisionSchema,
          response: { 200: exportResponseSchema, ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return presentExport(await deps.exports.decide(ctx, request.params.id, request.body));
      },
    );

    app.get(
      '/v1/exports/:id/file',
      {
        schema: {
          summary:
            'Download an approved export (CSV or XLSX) as its requester; masked unless the approval covers plaintext',
          tags: ['exports'],
          params: idParams,
          response: { 200: z.any().describe('text/csv or XLSX'), ...errors },
        },
      },
      async (request, reply) => {
        const ctx = await contextFor(request, deps.auth);
        const file = await deps.exports.download(ctx, request.params.id);
        const table = {
          columns: file.columns.map((key) => ({ key, header: headers[key] ?? key })),
          rows: file.rows,
          meta: {
            exportId: file.export.id,
            purpose: file.export.purpose,
            recipient: file.export.recipient,
            approvedBy: file.export.approver ?? '',
            createdAt: file.export.decidedAt ?? file.export.createdAt,
            masked: file.masked,
          },
        };
        reply.header('cache-control', 'no-store');
        if (file.export.format === 'xlsx') {
          reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
          reply.header('content-disposition', `attachment; filename="${file.export.id}.xlsx"`);
          return reply.send(await writeExportXlsx(table));
        }
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header('content-disposition', `attachment; filename="${file.export.id}.csv"`);
        return reply.send(writeExportCsv(table));
      },
    );
  };
