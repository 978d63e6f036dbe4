import type { Command } from 'commander';

/** `cordon watch` (being written). */
export function registerWatchCommands(_program: Command): void {}
