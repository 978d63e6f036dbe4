import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit';

/** A commit that records each group it was given and fails any group holding a 'bad' item. */
function recorder() {
  const groups: string[][] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  const commit = async (items: string[]): Promise<string[]> => {
    groups.push([...items]);
    if (gate) await gate;
    if (items.includes('bad')) throw new Error('bad item in group');
    return items.map((x) => `ok:${x}`);
  };
  return {
    groups,
    commit,
    hold() {
      gate = new Promise<void>((r) => {
        release = r;
      });
    },
    release() {
      gate = undefined;
      release?.();
    },
  };
}

describe('GroupCommit', () => {
  it('puts submissions of the same turn in one group and answers each its own result', async () => {
    const r = recorder();
    const groups = new GroupCommit(r.commit, () => 1, 100);
    const results = await Promise.all(['a', 'b', 'c'].map((x) => groups.submit(x)));
    expect(results).toEqual(['ok:a', 'ok:b', 'ok:c']);
    expect(r.groups).toEqual([['a', 'b', 'c']]);
  });

  it('gathers what arrives while a group commits into the next group, capped by weight', async () => {
    const r = recorder();
    const groups = new GroupCommit(r.commit, (x: string) => x.length, 4);
    r.hold();
    const first = groups.submit('a');
    await new Promise((done) => setImmediate(done)); // the first group is now committing
    const later = ['bb', 'cc', 'd', 'eeeee'].map((x) => groups.submit(x));
    r.release();
    expect(await Promise.all([first, ...later])).toEqual(['ok:a', 'ok:bb', 'ok:cc', 'ok:d', 'ok:eeeee']);
    // 'bb'+'cc' fill 4; 'd' starts the next; an item heavier than the cap still goes, alone.
    expect(r.groups).toEqual([['a'], ['bb', 'cc'], ['d'], ['eeeee']]);
  });

  it('retries a failed group one item at a time, failing only the bad item', async () => {
    const r = recorder();
    const groups = new GroupCommit(r.commit, () => 1, 100);
    const outcomes = await Promise.allSettled(['a', 'bad', 'c'].map((x) => groups.submit(x)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes[1]).toMatchObject({ reason: new Error('bad item in group') });
    expect(r.groups).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('drain waits for everything submitted so far', async () => {
    const r = recorder();
    const groups = new GroupCommit(r.commit, () => 1, 100);
    let settled = 0;
    for (const x of ['a', 'b']) void groups.submit(x).then(() => (settled += 1));
    await groups.drain();
    expect(settled).toBe(2);
    await groups.drain(); // nothing pending: returns at once
    expect(r.groups).toEqual([['a', 'b']]);
  });
});
