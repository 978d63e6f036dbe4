import type { Algorithm, Options } from '@node-rs/argon2';
import { hash, parseOptions, verify } from '@node-rs/argon2';

/**
 * `Algorithm` is a `declare const enum` in the binding's typings and an empty object at runtime, so
 * `Algorithm.Argon2id` cannot be read under `isolatedModules` (and would be `undefined` under tsx).
 * The literal is its documented value; the PHC prefix test pins it.
 */
const ARGON2ID: Algorithm = 2;

/**
 * Argon2id parameters for staff passwords: OWASP Password Storage Cheat Sheet's first option
 * (m=19 MiB, t=2, p=1), 16-byte random salt (the binding's default) and a 32-byte tag. Changing these
 * does not break stored hashes (each PHC string carries its own parameters); use `needsRehash` to
 * upgrade a hash at the next successful sign-in.
 */
export const passwordHashOptions = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const satisfies Options;

/** Passwords are compared as Unicode NFKC so the same password typed on different keyboards matches. */
function normalize(password: string): string {
  return password.normalize('NFKC');
}

/**
 * Hashes a staff password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<tag>`), the only
 * form in which a password is stored. Runs on the binding's thread pool, so it does not block the
 * event loop for the ~tens of milliseconds it takes. Strength is not checked here: call
 * `checkPasswordStrength` first where a password is chosen.
 */
export async function hashPassword(password: string): Promise<string> {
  return hash(normalize(password), passwordHashOptions);
}

/**
 * True only when `password` matches the PHC string `phc`. A malformed or unsupported hash returns false
 * instead of throwing, so a corrupted row fails the sign-in like a wrong password rather than as a 500
 * that tells the caller the account exists.
 */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, normalize(password));
  } catch {
    return false;
  }
}

/**
 * A valid argon2id hash, with the same parameters as `passwordHashOptions`, of a random string nobody
 * knows. Verifying against it costs what verifying a real staff hash costs.
 */
export const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$RFbiXxXgwk1pr/jW4+lyqA$onGMy7YOAgUV/ZEzm0CsfC2ll/aL7WsSPfwt3TozEVk';

/**
 * Spends the time of one password verification and always resolves to false. Call it when the
 * username does not exist (or the account is disabled) so that "no such user" and "wrong password"
 * take the same time and an attacker cannot enumerate staff accounts by timing:
 * `const ok = user ? await verifyPassword(user.passwordHash, pw) : await verifyDummy(pw);`
 */
export async function verifyDummy(password: string): Promise<false> {
  await verifyPassword(DUMMY_PASSWORD_HASH, password);
  return false;
}

/**
 * True when `phc` was made with other parameters than `passwordHashOptions` (or cannot be parsed), so
 * the caller should re-hash the just-verified password and store the new hash.
 */
export function needsRehash(phc: string): boolean {
  try {
    const parsed = parseOptions(phc);
    return (
      parsed.algorithm !== passwordHashOptions.algorithm ||
      parsed.memoryCost !== passwordHashOptions.memoryCost ||
      parsed.timeCost !== passwordHashOptions.timeCost ||
      parsed.parallelism !== passwordHashOptions.parallelism ||
      parsed.outputLen !== passwordHashOptions.outputLen
    );
  } catch {
    return true;
  }
}

/** Shortest and longest accepted password, in Unicode characters (code points, after NFKC). */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

const CHARACTER_CLASSES: readonly RegExp[] = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u];

/**
 * Returns what the person must fix about a new password, or undefined when it is acceptable. The rules
 * are deliberately few (NIST SP 800-63B favours length over composition):
 * - 12 to 128 characters (the upper bound keeps hashing cost and request size bounded);
 * - not one character repeated (`aaaaaaaaaaaa`);
 * - characters from at least two of: lowercase, uppercase, digits, anything else (spaces and
 *   punctuation count as "anything else", so a passphrase such as `correct horse battery` passes,
 *   while `abcdefghijklm` or `123456789012` do not).
 * The message never contains the password.
 */
export function checkPasswordStrength(password: string): string | undefined {
  const normalized = normalize(password);
  const chars = [...normalized];
  if (chars.length < PASSWORD_MIN_LENGTH) {
    return `Use at least ${PASSWORD_MIN_LENGTH} characters; a few unrelated words make a good password.`;
  }
  if (chars.length > PASSWORD_MAX_LENGTH) {
    return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  }
  if (new Set(chars).size === 1) {
    return 'Do not repeat a single character; a few unrelated words make a good password.';
  }
  const classes = CHARACTER_CLASSES.filter((pattern) => pattern.test(normalized)).length;
  if (classes < 2) {
    return 'Mix at least two kinds of characters (lowercase, uppercase, digits, spaces or symbols).';
  }
  return undefined;
}
