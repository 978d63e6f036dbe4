/**
 * The working calendar of the simulated shop's staff, in China time (Asia/Shanghai, UTC+8 all year,
 * no daylight saving): weekends, public holidays (the October golden week above all) and the sale
 * peaks (Double 11 ramping up from 1 November, Double 12, 618) that drive ticket and parcel volume.
 * Pure functions of dates; the seeded part (how high the Double 11 peak goes) is a parameter.
 */

/** One minute, hour and day in milliseconds. */
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** China Standard Time offset from UTC. */
export const CHINA_OFFSET = 8 * HOUR;

/** Midnight in China of a `YYYY-MM-DD` date, as epoch milliseconds (NaN for a malformed or unreal date). */
export function chinaMidnight(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return Number.NaN;
  const utc = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(utc) || new Date(utc).toISOString().slice(0, 10) !== date) return Number.NaN;
  return utc - CHINA_OFFSET;
}

/** The China calendar date (`YYYY-MM-DD`) of an epoch millisecond. */
export function chinaDateOf(epochMs: number): string {
  return new Date(epochMs + CHINA_OFFSET).toISOString().slice(0, 10);
}

/**
 * Mainland public holidays by `MM-DD` (every year) or `YYYY-MM-DD` (lunar ones, per the State
 * Council's published schedule). Make-up working days (调休) are not modelled.
 */
const FIXED_HOLIDAYS: ReadonlyMap<string, string> = new Map([
  ['01-01', 'new-year'],
  ['05-01', 'labour-day'],
  ['05-02', 'labour-day'],
  ['05-03', 'labour-day'],
  ['05-04', 'labour-day'],
  ['05-05', 'labour-day'],
  ['10-01', 'national-day'],
  ['10-02', 'national-day'],
  ['10-03', 'national-day'],
  ['10-04', 'national-day'],
  ['10-05', 'national-day'],
  ['10-06', 'national-day'],
  ['10-07', 'national-day'],
]);
const LUNAR_HOLIDAYS: ReadonlyMap<string, string> = new Map(
  [15, 16, 17, 18, 19, 20, 21, 22, 23].map((d): [string, string] => [`2026-02-${d}`, 'spring-festival']),
);

/** The holiday a date falls on, or undefined. */
export function holidayOf(date: string): string | undefined {
  return LUNAR_HOLIDAYS.get(date) ?? FIXED_HOLIDAYS.get(date.slice(5));
}

/** What one calendar day means for staff work. */
export interface WorkDay {
  /** Day number from the start of the simulation (0 = first day; −1 the evening before). */
  readonly index: number;
  /** China midnight that opens the day, epoch ms. */
  readonly startMs: number;
  /** `YYYY-MM-DD` in China. */
  readonly date: string;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
  readonly weekend: boolean;
  /** Public holiday name, if any. */
  readonly holiday: string | undefined;
  /**
   * Customer-contact volume relative to an ordinary weekday: 1 normally, ramping through early
   * November to the Double 11 peak (2–4×), an after-sales wave after it, smaller peaks for Double 12
   * and 618, a little lower on weekends and holidays.
   */
  readonly contact: number;
  /** Parcel (picking, shipping, delivery) load relative to normal: backlog after the big sales. */
  readonly fulfilment: number;
  /** Whether this is a sale-peak day (managers cancel leave and call people in on rest days). */
  readonly salePeak: boolean;
}

/**
 * The contact multiplier of a date given the height of this year's Double 11 peak (`peak`, 2–4):
 * 1 Nov ≈ 1.15, rising to `peak` on 11 Nov, an after-sales wave of about 60 % of the peak on
 * 12–14 Nov decaying to normal by the 25th; Double 12 and 618 at about half the Double 11 excess.
 */
export function contactMultiplier(date: string, peak: number): number {
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const excess = peak - 1;
  if (month === 11 && day <= 10) return 1 + excess * (0.08 + (0.42 * (day - 1)) / 9);
  if (month === 11 && day === 11) return peak;
  if (month === 11 && day <= 14) return 1 + excess * 0.6;
  if (month === 11 && day <= 25) return 1 + excess * 0.6 * ((25 - day) / 11);
  if (month === 12 && day >= 10 && day <= 14) return 1 + excess * (day === 12 ? 0.5 : 0.25);
  if (month === 6 && day >= 1 && day <= 20) return 1 + excess * (day === 18 ? 0.8 : day < 18 ? 0.2 : 0.4);
  return 1;
}

/** Parcel load of a date: the backlog follows the orders of the big sale days by a day or two. */
export function fulfilmentMultiplier(date: string): number {
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  if (month === 11 && day >= 11 && day <= 14) return 2.4;
  if (month === 11 && day <= 10) return 1.25;
  if (month === 11 && day <= 18) return 1.5;
  if (month === 12 && day >= 12 && day <= 14) return 1.6;
  if (month === 6 && day >= 18 && day <= 20) return 2;
  if (month === 10 && day <= 7) return 1.4;
  return 1;
}

/** The working calendar of day `index` from `startMs` (a China midnight). */
export function workDay(startMs: number, index: number, peak: number): WorkDay {
  const dayStart = startMs + index * DAY;
  const local = new Date(dayStart + CHINA_OFFSET + DAY / 2);
  const date = local.toISOString().slice(0, 10);
  const weekday = local.getUTCDay();
  const weekend = weekday === 0 || weekday === 6;
  const holiday = holidayOf(date);
  const base = contactMultiplier(date, peak);
  const contact = base * (holiday !== undefined ? 0.85 : weekend ? 0.9 : 1);
  return {
    index,
    startMs: dayStart,
    date,
    weekday,
    weekend,
    holiday,
    contact,
    fulfilment: fulfilmentMultiplier(date),
    salePeak: base >= 1 + (peak - 1) * 0.45,
  };
}
