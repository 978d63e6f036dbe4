import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customerFixtures, parseConfig, type RequestContext } from '@cordon/core';
import { initKeyringFile } from '@cordon/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { openRuntime } from './runtime';

const ctx: RequestContext = {
  actor: { type: 'system', id: 'test', role: 'operator' },
  scopes: ['admin'],
  requestId: 'r',
};

describe('start-up checks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cordon-runtime-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = (env: Record<string, string> = {}) => parseConfig({ CORDON_DATA_DIR: dir, ...env }, dir);

  it('refuses to start without a keyring and says how to create one', async () => {
    await expect(openRuntime(config())).rejects.toMatchObject({
      code: 'CORDON_ERR_KEYRING_MISSING',
      message: expect.stringContaining('cordon keys init'),
    });
  });

  it('refuses a keyring others can read, and a malformed one', async () => {
    const path = join(dir, 'loose.json');
    initKeyringFile(path, new Date(), 'test/log');
    chmodSync(path, 0o644);
    await expect(openRuntime(config({ CORDON_KEYRING: path }))).rejects.toMatchObject({
      code: 'CORDON_ERR_KEYRING_INVALID',
      message: expect.stringContaining('chmod 600'),
    });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format":"cordon-keyring/v1"}', { mode: 0o600 });
    await expect(openRuntime(config({ CORDON_KEYRING: bad }))).rejects.toMatchObject({
      code: 'CORDON_ERR_KEYRING_INVALID',
    });
  });

  it('binds the keyring to the database and refuses another one; refuses to overwrite a keyring', async () => {
    const first = config();
    initKeyringFile(first.keyringPath, new Date(), first.ledgerOrigin);
    expect(() => initKeyringFile(first.keyringPath, new Date(), first.ledgerOrigin)).toThrow(
      expect.objectContaining({ code: 'CORDON_ERR_CONFIG' }),
    );
    const runtime = await openRuntime(first);
    await runtime.vault.ingestCustomers(ctx, customerFixtures);
    await runtime.close();
    const other = join(dir, 'other.json');
    initKeyringFile(other, new Date(), first.ledgerOrigin);
    await expect(openRuntime(config({ CORDON_KEYRING: other }))).rejects.toMatchObject({
      code: 'CORDON_ERR_KEY_MISMATCH',
    });
    const again = await openRuntime(first);
    expect((await again.vault.getCustomer(ctx, 'C1')).name).toBe('张*');
    await again.close();
  });

  it('signs checkpoints on its own every N entries or T seconds', async () => {
    const runtime = await openRuntime(
      config({ CORDON_CHECKPOINT_EVERY: '3', CORDON_CHECKPOINT_SECONDS: '1' }),
    );
    try {
      runtime.ledger.startCheckpointer();
      await runtime.vault.getCustomer(ctx, 'C2');
      await runtime.vault.getCustomer(ctx, 'C3');
      const size = await runtime.uow.run((repos) => repos.ledger.size());
      await expect
        .poll(async () => (await runtime.uow.run((repos) => repos.ledger.latestCheckpoint()))?.size, {
          timeout: 5000,
        })
        .toBe(size);
    } finally {
      await runtime.close();
    }
  });

  it.each([
    [{ CORDON_PORT: 'eighty' }, 'CORDON_PORT'],
    [{ CORDON_DATABASE_URL: 'mysql://x' }, 'CORDON_DATABASE_URL'],
    [{ CORDON_RETENTION_DAYS: '30' }, 'CORDON_RETENTION_DAYS'],
    [{ CORDON_LOG_LEVEL: 'loud' }, 'CORDON_LOG_LEVEL'],
    [{ CORDON_LEDGER_ORIGIN: 'has space' }, 'CORDON_LEDGER_ORIGIN'],
  ])('refuses bad configuration %o naming the variable', (env, variable) => {
    expect(() => parseConfig(env, '/tmp')).toThrow(
      expect.objectContaining({ code: 'CORDON_ERR_CONFIG', details: { variable } }),
    );
  });
});
