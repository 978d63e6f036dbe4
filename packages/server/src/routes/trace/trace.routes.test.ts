import { customerFixtures, orderFixture } from '@cordon/core';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../testing/test-app';

const allDay = { start: '00:00', end: '00:00', tz: 'Asia/Shanghai' };
const operator = {
  actor: { type: 'system' as const, id: 'cli:test', role: 'operator' },
  scopes: ['admin'],
  requestId: 'plant',
};

function canary(n: number) {
  const phone = `171500000${String(n).padStart(2, '0')}`;
  return {
    customer: { id: `C9000${n}`, name: '周丽', phone, createdAt: '2026-03-01T10:00:00+08:00' },
    orders: [
      orderFixture(`O9000${n}`, `C9000${n}`, {
        receiver: {
          name: '周丽',
          phone,
          province: '浙江省',
          city: '杭州市',
          district: '余杭区',
          street: '文一西路969号菜鸟驿站',
        },
      }),
    ],
  };
}

describe('canaries over HTTP', () => {
  const t = useTestApp();

  it('each export carries its own canaries, invisibly, and a tripwire names the export and the people', async () => {
    const ok = async (
      url: string,
      payload: Record<string, unknown> | Array<Record<string, unknown>>,
      headers = t.headers,
    ) => {
      const r = await t.app.inject({ method: 'POST', url, headers, payload });
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    await ok('/v1/customers', customerFixtures);
    await ok('/v1/orders', [orderFixture('O1', 'C1'), orderFixture('O2', 'C2')]);
    expect(await t.runtime.canaries.plant(operator, [1, 2, 3, 4, 5].map(canary))).toEqual({ planted: 5 });
    await ok('/v1/staff', [
      { id: 'D1', name: 'D', role: 'dpo', team: 'legal', shift: allDay, status: 'active' },
      { id: 'S1', name: 'S', role: 'security_admin', team: 'sec', shift: allDay, status: 'active' },
    ]);
    const d1 = { authorization: `Bearer ${(await ok('/v1/staff/D1/tokens', {})).token}` };
    const s1 = { authorization: `Bearer ${(await ok('/v1/staff/S1/tokens', {})).token}` };
    const asked = await ok(
      '/v1/exports',
      {
        filter: { customerIds: ['C1', 'C2'] },
        fields: ['orderId', 'name', 'phone'],
        purpose: 'data_subject_request',
        reference: 'DSR-4',
        recipient: 'legal@shop.example',
      },
      d1,
    );
    const approved = await ok(`/v1/exports/${asked.id}/decision`, { decision: 'approve', note: 'ok' }, s1);
    expect(approved.rowCount).toBe(4);
    const file = await t.app.inject({ method: 'GET', url: `/v1/exports/${asked.id}/file`, headers: d1 });
    expect(file.statusCode).toBe(200);
    const lines = file.body.trim().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(file.body.toLowerCase()).not.toContain('canary');
    const subjects = await t.database.db
      .selectFrom('export_subjects')
      .select(['customer_id', 'canary'])
      .where('export_id', '=', asked.id)
      .execute();
    const planted = subjects.filter((s) => s.canary).map((s) => s.customer_id);
    expect(planted).toHaveLength(2);

    // A second export gets different canaries.
    const other = await ok(
      '/v1/exports',
      {
        filter: { customerIds: ['C1'] },
        fields: ['orderId'],
        purpose: 'data_subject_request',
        reference: 'DSR-5',
        recipient: 'x@shop.example',
      },
      d1,
    );
    await ok(`/v1/exports/${other.id}/decision`, { decision: 'approve', note: 'ok' }, s1);
    const second = await t.database.db
      .selectFrom('export_subjects')
      .select('customer_id')
      .where('export_id', '=', other.id)
      .where('canary', '=', true)
      .execute();
    expect(second.map((s) => s.customer_id).filter((c) => planted.includes(c))).toEqual([]);

    const phone = canary(Number(planted[0]?.slice(-1))).customer.phone;
    const spoken = `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
    const hit = await ok('/v1/canary/hits', {
      value: spoken,
      channel: 'call',
      at: '2026-11-12T10:00:00+08:00',
    });
    expect(hit.canary).toBe(planted[0]);
    expect(hit.exports).toEqual([expect.objectContaining({ id: asked.id, requester: 'D1', approver: 'S1' })]);
    expect(hit.people.map((p: { id: string }) => p.id)).toEqual(['D1']);
    expect(hit.alertId).toMatch(/^ca_/);
    const none = await ok('/v1/canary/hits', {
      value: '13800000000',
      channel: 'sms',
      at: '2026-11-12T10:00:00+08:00',
    });
    expect(none).toMatchObject({ canary: null, exports: [], alertId: null });
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/canary/hits',
      headers: d1,
      payload: { value: phone, channel: 'call', at: '2026-11-12T10:00:00+08:00' },
    });
    expect(bad.json().error.code).toBe('CORDON_ERR_FORBIDDEN');
  });

  it('traces a leaked sample to the person whose access explains it, and opens an incident with its clocks', async () => {
    const ok = async (
      url: string,
      payload: Record<string, unknown> | Array<Record<string, unknown>>,
      headers = t.headers,
    ) => {
      const r = await t.app.inject({ method: 'POST', url, headers, payload });
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    await ok('/v1/customers', customerFixtures);
    await ok('/v1/orders', [orderFixture('O1', 'C1'), orderFixture('O2', 'C2'), orderFixture('O3', 'C3')]);
    await ok('/v1/staff', [
      { id: 'a1', name: 'A', role: 'support_agent', team: 't', shift: allDay, status: 'active' },
      { id: 'a2', name: 'B', role: 'support_agent', team: 't', shift: allDay, status: 'active' },
      { id: 'S1', name: 'S', role: 'security_admin', team: 'sec', shift: allDay, status: 'active' },
    ]);
    const opened = new Date(Date.now() - 3_600_000).toISOString();
    await ok('/v1/tickets', [
      { id: 'T1', customerId: 'C1', assignee: 'a1', status: 'open', openedAt: opened },
      { id: 'T2', customerId: 'C2', assignee: 'a1', status: 'open', openedAt: opened },
      { id: 'T3', customerId: 'C3', assignee: 'a2', status: 'open', openedAt: opened },
    ]);
    const a1 = { authorization: `Bearer ${(await ok('/v1/staff/a1/tokens', {})).token}` };
    const a2 = { authorization: `Bearer ${(await ok('/v1/staff/a2/tokens', {})).token}` };
    const s1 = { authorization: `Bearer ${(await ok('/v1/staff/S1/tokens', {})).token}` };
    await ok(
      '/v1/reveal',
      { customerId: 'C1', fields: ['phone', 'name'], purpose: 'customer_support', reference: 'T1' },
      a1,
    );
    await ok(
      '/v1/reveal',
      { customerId: 'C2', fields: ['phone', 'name'], purpose: 'customer_support', reference: 'T2' },
      a1,
    );
    await ok(
      '/v1/reveal',
      { customerId: 'C3', fields: ['phone'], purpose: 'customer_support', reference: 'T3' },
      a2,
    );

    const leak = [
      '姓名;手机;备注',
      '张三;138 1234 5678;VIP',
      '欧阳娜娜;139****4321;',
      '路人甲;13611112222;',
    ].join('\n');
    const traced = await ok(
      '/v1/trace',
      { name: 'sample.csv', contentBase64: Buffer.from(leak, 'utf8').toString('base64') },
      s1,
    );
    expect(traced).toMatchObject({ rows: 3, ours: 2, affected: ['C1', 'C2'] });
    expect(traced.candidates[0]).toMatchObject({ kind: 'staff', id: 'a1' });
    expect(traced.candidates[0].probability).toBeGreaterThan(0.5);
    expect(
      traced.candidates
        .filter((c: { id: string }) => c.id === 'a2')
        .every((c: { probability: number }) => c.probability <= 0.5),
    ).toBe(true);
    expect(JSON.stringify(traced)).not.toContain('13812345678');
    const agent = await t.app.inject({
      method: 'POST',
      url: '/v1/trace',
      headers: a2,
      payload: { name: 'x.csv', contentBase64: Buffer.from(leak).toString('base64') },
    });
    expect(agent.json().error.code).toBe('CORDON_ERR_NOT_PERMITTED');

    const noise = await ok(
      '/v1/trace',
      { name: 'x.bin', contentBase64: Buffer.from([0, 1, 2, 0, 255, 0]).toString('base64') },
      s1,
    );
    expect(noise).toMatchObject({ rows: 0, ours: 0, affected: [] });
    expect(noise.file.problems.length).toBeGreaterThan(0);

    const incident = await ok('/v1/incidents', { report: traced, euResidents: true }, s1);
    expect(incident.incident).toMatchObject({ status: 'open', affectedCount: 2, insider: true });
    const clocks = incident.clocks.map((c: { id: string; status: string }) => c.id);
    expect(clocks.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(incident.incident.report.notices)).toContain('手机号码');
    const none = await t.app.inject({
      method: 'POST',
      url: '/v1/incidents',
      headers: s1,
      payload: { report: noise },
    });
    expect(none.statusCode).toBe(400);
    const closed = await ok(
      `/v1/incidents/${incident.incident.id}/status`,
      { status: 'closed', note: 'notified all, police case 2026-88' },
      s1,
    );
    expect(closed.incident.status).toBe('closed');
    const again = await t.app.inject({
      method: 'POST',
      url: `/v1/incidents/${incident.incident.id}/status`,
      headers: s1,
      payload: { status: 'notified', note: 'again' },
    });
    expect(again.json().error.code).toBe('CORDON_ERR_INVALID_STATE');
  });
});
