import { CordonError, isCordonError } from '@cordon/core';

/** Whether to draw progress: only on an interactive terminal, never in CI or with --json. */
export function showProgress(json: boolean): boolean {
  return !json && Boolean(process.stderr.isTTY) && !process.env.CI;
}

/**
 * A one-line progress display on stderr (carriage-return redraw), quiet unless `enabled`.
 * Rate is computed over the whole run so it is stable to read.
 */
export class ProgressLine {
  private readonly started = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly enabled: boolean,
  ) {}

  update(done: number, total?: number, unit = 'items'): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && (total === undefined || done < total)) return;
    this.lastDraw = now;
    const secs = Math.max((now - this.started) / 1000, 0.001);
    const rate = Math.round(done / secs).toLocaleString('en-US');
    let bar = '';
    if (total !== undefined && total > 0) {
      const frac = Math.min(done / total, 1);
      const width = 24;
      const filled = Math.round(frac * width);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% `;
    }
    process.stderr.write(`\r${this.label} ${bar}${done.toLocaleString('en-US')} ${unit} (${rate}/s)   `);
  }

  done(): void {
    if (this.enabled) process.stderr.write('\n');
  }
}

/** Prints a result: JSON for scripts, or a human line. */
export function emit(json: boolean, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

/** Prints an error with its stable code and exits non-zero; never prints a stack for catalog errors. */
export function fail(error: unknown, json: boolean): never {
  const e = isCordonError(error)
    ? error
    : new CordonError(
        'CORDON_ERR_INTERNAL',
        error instanceof Error ? `${error.name}: unexpected failure` : 'unexpected failure',
      );
  if (!isCordonError(error) && process.env.CORDON_DEBUG && error instanceof Error)
    process.stderr.write(`${error.stack}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ error: e.toJSON() })}\n`);
  else process.stderr.write(`error ${e.code}: ${e.message}\n`);
  process.exit(e.code === 'CORDON_ERR_LEDGER_TAMPERED' ? 3 : 1);
}
