import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customerFixtures } from '@cordon/core';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';

const main = join(import.meta.dirname, 'main.ts');

/** Runs the real `cordon` command in a child process, as an operator would. */
function cordon(dir: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, ...args], {
    env: { ...process.env, CORDON_DATA_DIR: dir, CI: 'true' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the cordon command, end to end on the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cordon-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('initialises keys, imports, verifies the ledger, exports and checks evidence, and catches tampering', async () => {
    expect(cordon(dir, ['keys', 'init', '--json']).status).toBe(0);
    const keyringMode = (await import('node:fs')).statSync(join(dir, 'keyring.json')).mode & 0o777;
    expect(keyringMode).toBe(0o600);

    const file = join(dir, 'customers.ndjson');
    writeFileSync(file, `${customerFixtures.map((c) => JSON.stringify(c)).join('\n')}\n`);
    const imported = cordon(dir, ['import', 'customers', file, '--json']);
    expect(imported.status).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ inserted: 3, errors: [] });

    const key = cordon(dir, [
      'apikey',
      'create',
      '--name',
      'ops',
      '--scopes',
      'customers:read,nope',
      '--json',
    ]);
    expect(key.status).toBe(1);
    expect(JSON.parse(key.stdout).error.code).toBe('CORDON_ERR_VALIDATION');

    const verified = cordon(dir, ['ledger', 'verify', '--json']);
    expect(verified.status).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });

    const out = join(dir, 'evidence.json');
    expect(cordon(dir, ['evidence', 'export', '--customer', 'C1', '--out', out, '--json']).status).toBe(0);
    const checked = cordon(dir, ['evidence', 'verify', out, '--json']);
    expect(JSON.parse(checked.stdout)).toMatchObject({ ok: true, entriesVerified: 1 });
    const pkg = JSON.parse(readFileSync(out, 'utf8'));
    pkg.entries[0].entry.actor.id = 'cli:someone-else';
    writeFileSync(out, JSON.stringify(pkg));
    const forged = cordon(dir, ['evidence', 'verify', out, '--json']);
    expect(forged.status).toBe(3);
    expect(JSON.parse(forged.stdout).ok).toBe(false);

    // A rogue administrator edits an entry directly in the database files.
    const db = await PGlite.create(join(dir, 'pgdata'));
    const target = await db.query<{ seq: number }>(
      `select seq from ledger_entries where convert_from(body, 'UTF8') like '%"action":"ingest"%' order by seq limit 1`,
    );
    const seq = Number(target.rows[0]?.seq);
    await db.query(
      `update ledger_entries set body = convert_to(replace(convert_from(body, 'UTF8'), '"ingest"', '"view"'), 'UTF8') where seq = $1`,
      [seq],
    );
    await db.close();
    const tampered = cordon(dir, ['ledger', 'verify', '--json']);
    expect(tampered.status).toBe(3);
    expect(JSON.parse(tampered.stdout).problems).toContainEqual(
      expect.objectContaining({ kind: 'body_mismatch', seq }),
    );
  }, 240_000);

  it('answers a missing keyring with its code and the fix, and a bad kind with a usage error', () => {
    const empty = mkdtempSync(join(tmpdir(), 'cordon-cli-empty-'));
    try {
      const r = cordon(empty, ['serve']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('CORDON_ERR_KEYRING_MISSING');
      expect(r.stderr).toContain('cordon keys init');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
