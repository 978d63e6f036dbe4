#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (no build step): `npx cordon …` inside the workspace.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tsx = import.meta.resolve('tsx');
const result = spawnSync(
  process.execPath,
  ['--import', tsx, join(here, '../src/main.ts'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
