/**
 * Local time for watch: where a person's working day begins and ends, and whether an instant is on
 * their shift. Pure (Intl's time-zone data is fixed for a process); offsets are memoised per zone and
 * quarter hour because `Intl.DateTimeFormat` is far too slow to call for every one of millions of events.
 */

const DAY_MS = 86_400_000;
const QUARTER_MS = 900_000;
const MINUTES_PER_DAY = 1440;

/** UTC offsets of IANA zones, memoised per quarter hour (every real zone changes offset on one). */
export class ZoneOffsets {
  private readonly formatters = new Map<string, Intl.DateTimeFormat>();
  private readonly cache = new Map<string, Map<number, number>>();

  /** Offset of `tz` at `ts` in ms (local = UTC + offset). */
  offsetMs(tz: string, ts: number): number {
    let perZone = this.cache.get(tz);
    if (!perZone) {
      perZone = new Map();
      this.cache.set(tz, perZone);
    }
    const key = Math.floor(ts / QUARTER_MS);
    const hit = perZone.get(key);
    if (hit !== undefined) return hit;
    if (perZone.size > 50_000) perZone.clear();
    const offset = this.compute(tz, key * QUARTER_MS);
    perZone.set(key, offset);
    return offset;
  }

  private compute(tz: string, ts: number): number {
    let f = this.formatters.get(tz);
    if (!f) {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
      this.formatters.set(tz, f);
    }
    const parts: Record<string, number> = {};
    for (const p of f.formatToParts(ts)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const local = Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
    );
    return local - Math.floor(ts / 1000) * 1000;
  }
}

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** A person's shift as the staff directory states it (`HH:MM`, IANA zone). */
export interface ShiftSpec {
  start: string;
  end: string;
  tz: string;
}

/**
 * The working-day arithmetic of one shift. A staff-day starts in the middle of the person's
 * off-shift hours, so a night shift (22:00–06:00) is one staff-day rather than two halves, and a
 * day shift (09:00–18:00) runs from 01:30 to 01:30 local. A shift with start = end means "always on"
 * and its staff-day is the local calendar day.
 */
export class ShiftClock {
  private readonly start: number;
  private readonly end: number;
  private readonly always: boolean;
  /** Minutes after local midnight at which a staff-day starts. */
  readonly anchorMinutes: number;

  constructor(
    private readonly shift: ShiftSpec,
    private readonly zones: ZoneOffsets,
    /** Minutes of grace either side of the shift that still count as on shift (arriving early, staying late). */
    private readonly slackMinutes = 0,
  ) {
    this.start = minutesOf(shift.start);
    this.end = minutesOf(shift.end);
    this.always = this.start === this.end;
    const offLength = (this.start - this.end + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    this.anchorMinutes = this.always ? 0 : Math.round(this.end + offLength / 2) % MINUTES_PER_DAY;
  }

  /** Index of the staff-day containing `ts` (days since 1970-01-01 of the shifted local calendar). */
  dayOf(ts: number): number {
    const local = ts + this.zones.offsetMs(this.shift.tz, ts);
    return Math.floor((local - this.anchorMinutes * 60_000) / DAY_MS);
  }

  /** The instant (UTC ms) the staff-day `day` ends. */
  dayEnd(day: number): number {
    const localEnd = (day + 1) * DAY_MS + this.anchorMinutes * 60_000;
    const guess = localEnd - this.zones.offsetMs(this.shift.tz, localEnd);
    return localEnd - this.zones.offsetMs(this.shift.tz, guess);
  }

  /**
   * Whether `ts` is on shift, widened by the slack: start < end is a day shift, end < start runs over
   * midnight, start = end is always on.
   */
  onShift(ts: number): boolean {
    if (this.always) return true;
    const length = (this.end - this.start + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    if (length + 2 * this.slackMinutes >= MINUTES_PER_DAY) return true;
    const localMinutes = Math.floor(
      ((((ts + this.zones.offsetMs(this.shift.tz, ts)) % DAY_MS) + DAY_MS) % DAY_MS) / 60_000,
    );
    const from = (this.start - this.slackMinutes + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    const since = (localMinutes - from + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    return since < length + 2 * this.slackMinutes;
  }
}

/** The calendar label (YYYY-MM-DD) of a staff-day index. */
export function dayLabel(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
