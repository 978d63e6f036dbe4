/** One measured figure with the target or peer it is compared against in the same run. */
export interface Figure {
  suite: string;
  name: string;
  value: number;
  unit: string;
  /** `>=` a floor or `<=` a ceiling; absent for figures reported for scale only. */
  target?: { op: '>=' | '<='; value: number; note?: string };
  peer?: { name: string; value: number };
}

export function passes(f: Figure): boolean | undefined {
  if (!f.target) return undefined;
  return f.target.op === '>=' ? f.value >= f.target.value : f.value <= f.target.value;
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

export function formatFigure(f: Figure): string {
  const verdict = passes(f);
  const target = f.target
    ? ` target ${f.target.op} ${fmt(f.target.value)}${f.target.note ? ` (${f.target.note})` : ''}`
    : '';
  const peer = f.peer
    ? ` | ${f.peer.name}: ${fmt(f.peer.value)} (ratio ${(f.value / f.peer.value).toFixed(2)}×)`
    : '';
  const mark = verdict === undefined ? '  ' : verdict ? 'ok' : 'NO';
  return `${mark} ${f.suite.padEnd(7)} ${f.name.padEnd(58)} ${fmt(f.value).padStart(12)} ${f.unit}${target}${peer}`;
}

/** Progress to stderr on a terminal; silent in CI and with --json. */
export function progress(enabled: boolean, message: string): void {
  if (enabled) process.stderr.write(`… ${message}\n`);
}
