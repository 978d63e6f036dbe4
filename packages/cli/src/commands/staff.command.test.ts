import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customerFixtures, orderFixture } from '@cordon/core';
import { afterAll, describe, expect, it } from 'vitest';

const main = join(import.meta.dirname, '..', 'main.ts');

function cordon(dir: string, args: string[], env: Record<string, string> = {}, input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, ...args], {
    env: { ...process.env, CORDON_DATA_DIR: dir, CI: 'true', ...env },
    encoding: 'utf8',
    timeout: 60_000,
    input,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cordon staff, tickets and reveal: the CLI goes through the same policy and ledger', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cordon-staff-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports the directory and assignments, reveals with a token, and refuses what the policy refuses', () => {
    expect(cordon(dir, ['keys', 'init', '--json']).status).toBe(0);
    const customers = join(dir, 'customers.ndjson');
    writeFileSync(customers, `${customerFixtures.map((c) => JSON.stringify(c)).join('\n')}\n`);
    expect(cordon(dir, ['import', 'customers', customers, '--json']).status).toBe(0);
    const orders = join(dir, 'orders.ndjson');
    writeFileSync(orders, `${JSON.stringify(orderFixture('O1', 'C1'))}\n`);
    expect(cordon(dir, ['import', 'orders', orders, '--json']).status).toBe(0);

    const staff = join(dir, 'staff.csv');
    writeFileSync(
      staff,
      [
        'id,name,role,team,shift.start,shift.end,shift.tz,status,revealQuota',
        'a1,王芳,support_agent,cs-1,00:00,00:00,Asia/Shanghai,active,5',
        'a2,李雷,support_agent,cs-1,09:00,18:00,Asia/Shanghai,active,',
        'x9,Bad Role,janitor,cs-1,09:00,18:00,Asia/Shanghai,active,',
      ].join('\n'),
    );
    const bad = cordon(dir, ['staff', 'import', staff, '--json']);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).errors[0]).toMatchObject({ line: 4, code: 'CORDON_ERR_VALIDATION' });
    writeFileSync(
      staff,
      `${[
        'id,name,role,team,shift.start,shift.end,shift.tz,status,revealQuota',
        'a1,王芳,support_agent,cs-1,00:00,00:00,Asia/Shanghai,active,5',
        'a2,李雷,support_agent,cs-1,09:00,18:00,Asia/Shanghai,active,',
      ].join('\n')}\n`,
    );
    const good = cordon(dir, ['staff', 'import', staff, '--json']);
    expect(good.status, good.stdout + good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ written: 2, failedBatches: 0 });
    const listed = JSON.parse(cordon(dir, ['staff', 'list', '--json']).stdout) as Array<{
      id: string;
      revealQuota: number | null;
    }>;
    expect(listed.map((s) => [s.id, s.revealQuota])).toEqual([
      ['a1', 5],
      ['a2', null],
    ]);

    const tickets = join(dir, 'tickets.ndjson');
    const now = Date.now();
    writeFileSync(
      tickets,
      `${[
        {
          id: 'T1',
          customerId: 'C1',
          assignee: 'a1',
          status: 'open',
          openedAt: new Date(now - 3_600_000).toISOString(),
        },
        {
          id: 'T2',
          customerId: 'C1',
          assignee: 'a2',
          status: 'open',
          openedAt: new Date(now - 3_600_000).toISOString(),
        },
      ]
        .map((t) => JSON.stringify(t))
        .join('\n')}\n`,
    );
    expect(cordon(dir, ['tickets', 'import', tickets, '--json']).status).toBe(0);

    const token = (JSON.parse(cordon(dir, ['staff', 'token', 'a1', '--json']).stdout) as { token: string })
      .token;
    expect(token).toMatch(/^cs_/);
    const env = { CORDON_STAFF_TOKEN: token };
    const refused = cordon(
      dir,
      [
        'reveal',
        '--customer',
        'C1',
        '--fields',
        'phone',
        '--purpose',
        'customer_support',
        '--reference',
        'T2',
        '--json',
      ],
      env,
    );
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stdout).error.code).toBe('CORDON_ERR_NO_ASSIGNMENT');
    expect(refused.stdout + refused.stderr).not.toContain('13812345678');

    const granted = cordon(
      dir,
      [
        'reveal',
        '--customer',
        'C1',
        '--fields',
        'phone',
        '--purpose',
        'customer_support',
        '--reference',
        'T1',
        '--json',
      ],
      env,
    );
    expect(granted.status, granted.stdout + granted.stderr).toBe(0);
    expect(JSON.parse(granted.stdout).fields).toEqual({ phone: '13812345678' });

    const anonymous = cordon(dir, ['reveal', '--customer', 'C1', '--fields', 'phone', '--json']);
    expect(JSON.parse(anonymous.stdout).error.code).toBe('CORDON_ERR_UNAUTHENTICATED');

    expect(cordon(dir, ['staff', 'suspend', 'a1', '--json']).status).toBe(0);
    const suspended = cordon(
      dir,
      [
        'reveal',
        '--customer',
        'C1',
        '--fields',
        'phone',
        '--purpose',
        'customer_support',
        '--reference',
        'T1',
        '--json',
      ],
      env,
    );
    expect(JSON.parse(suspended.stdout).error.code).toBe('CORDON_ERR_UNAUTHENTICATED');

    const weak = cordon(dir, ['staff', 'password', 'a2'], {}, 'short\n');
    expect(weak.status).toBe(1);
    expect(weak.stderr).toContain('CORDON_ERR_VALIDATION');
    expect(weak.stderr).not.toContain('short');
  }, 240_000);
});
