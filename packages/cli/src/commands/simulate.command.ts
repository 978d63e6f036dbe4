import type { Command } from 'commander';

/** `cordon simulate` (being written). */
export function registerSimulateCommand(_program: Command): void {}
