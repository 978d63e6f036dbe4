/**
 * Validators for Chinese PII formats. They decide whether a value is well-formed (import checks,
 * API validation) and whether a string found in a leaked file is really a phone, ID or card number
 * (trace recognizers), so they must reject look-alikes rather than guess. Pure and total: they
 * return `false` for any bad input, and never echo the value anywhere.
 */
import { CordonError } from '../shared/errors';
import { normalizeBankCard, normalizeMobile } from './normalize';

/** Check characters indexed by (weighted sum mod 11), GB 11643-1999 / ISO 7064 MOD 11-2. */
const RESIDENT_ID_CHECK_CHARS = '10X98765432';

/**
 * The check character (`0`–`9` or `X`) of a resident ID number, from its first 17 digits, by
 * GB 11643-1999 (ISO 7064 MOD 11-2: position i, counted from 18 at the left, has weight 2^(i-1)
 * mod 11).
 *
 * Throws `CORDON_ERR_VALIDATION` unless `first17` is exactly 17 ASCII digits: a caller passing
 * anything else has a bug, and a check character for it would be meaningless. The error message
 * never contains the value.
 */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'residentIdCheckChar needs exactly 17 ASCII digits.', {
      field: 'first17',
    });
  }
  let sum = 0;
  for (let index = 0; index < 17; index += 1) {
    const digit = first17.charCodeAt(index) - 48;
    const weight = 2 ** (17 - index) % 11;
    sum += digit * weight;
  }
  return RESIDENT_ID_CHECK_CHARS.charAt(sum % 11);
}

/** Whether `yyyymmdd` is a real Gregorian calendar date in or after 1900. */
function isPlausibleBirthDate(yyyymmdd: string): boolean {
  if (!/^\d{8}$/.test(yyyymmdd)) return false;
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= daysInMonth;
}

/**
 * Whether `id` is a well-formed 18-character mainland resident ID number: 17 ASCII digits then a
 * digit or `X`/`x`; characters 7–14 a real calendar date (YYYYMMDD, year ≥ 1900, leap years
 * honoured); and the last character equal to {@link residentIdCheckChar} of the first 17.
 *
 * Strict on purpose: no trimming or full-width digits (use `normalizeResidentId` first for that).
 * Dates in the future are not rejected, because core has no clock; 15-digit first-generation
 * numbers are rejected. The region code (first 6 digits) is not checked against a region table.
 */
export function isValidResidentId(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  if (!isPlausibleBirthDate(id.slice(6, 14))) return false;
  return residentIdCheckChar(id.slice(0, 17)) === id.charAt(17).toUpperCase();
}

/**
 * Whether a string of ASCII digits passes the Luhn (mod 10) check, as the last digit of payment
 * card numbers does. `false` for an empty string or any non-digit character.
 */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Whether the input looks like a bank card number: 13–19 digits once spaces and dashes are removed
 * (full-width digits accepted), passing the Luhn check.
 *
 * "Plausible", not "valid": the issuer (BIN) is not checked and no bank is asked. Note that a few
 * older mainland debit cards were issued without a Luhn check digit; they are reported as not
 * plausible, which keeps leak-file recognition free of random 16-digit strings.
 */
export function isPlausibleBankCard(input: string): boolean {
  const digits = normalizeBankCard(input);
  return digits !== null && luhnValid(digits);
}

/**
 * Whether the input is a mainland mobile number in any of the spellings `normalizeMobile` accepts
 * (spaces, dashes, `+86`, full-width digits…).
 */
export function isValidMobile(input: string): boolean {
  return normalizeMobile(input) !== null;
}

/**
 * Whether free text a caller sends as a reference (ticket id, request id) carries a mobile number or a
 * resident ID number. References go into the ledger, which must never hold plain PII, so such text is
 * refused rather than recorded. Each maximal run of digits (an ID may end in X) is checked on its own,
 * so long numeric ticket ids pass.
 */
export function containsPersonalNumber(text: string): boolean {
  for (const run of text.match(/\d+[Xx]?/g) ?? []) {
    const digits = run.toUpperCase();
    if (/^1[3-9]\d{9}$/.test(digits)) return true;
    if (/^861[3-9]\d{9}$/.test(digits)) return true;
    if (digits.length === 18 && isValidResidentId(digits)) return true;
  }
  return false;
}
