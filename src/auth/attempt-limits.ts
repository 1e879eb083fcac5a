import { ipKeyGenerator } from 'express-rate-limit';
import type { Db } from '../db/knex.js';
import type { RuntimeConfig } from '../config.js';
import { RateLimited } from '../web/errors.js';
import { clearCounter, countHit, readCounters, type Counter } from './rate-limits.js';

/**
 * How sign-in and sign-up are limited. The counters live in PostgreSQL (rate_limits), so every
 * web process and instance sees the same numbers.
 *
 * Sign-in counts failures only, twice: per account (the email typed, from any address) and per
 * address. The two do different jobs:
 * - The account count bounds guessing at one account. Once it is full the email is refused
 *   before any password is checked, from every address, until the window ends; a right
 *   password clears it.
 * - The address count never refuses a right password. Many musicians share one address (a
 *   school's or an office's NAT, a mobile carrier), so other people's typos or an attacker
 *   behind the same address must not lock them out. When it is full, that address's wrong
 *   passwords answer 429 with Retry-After instead of 401 (clients that respect it slow down)
 *   and a warning is logged naming the address, for the operator to block at the edge if it is
 *   an attack. The price: an attacker spraying one guess over many accounts from one address
 *   is slowed by the account counts and the operator, not by this count.
 *
 * Sign-up counts every attempt, per address and per email typed, not only failures: a sign-up
 * that succeeds is what a bot making accounts or mailing one inbox over and over wants.
 */
export type AttemptLimits = RuntimeConfig['authLimits'];

/** One bucket per IPv4 address and per IPv6 /56 (one household or host often holds a whole prefix). */
export const addressOf = (ip: string | undefined) => ipKeyGenerator(ip ?? 'unknown', 56);

const normalEmail = (email: string) => email.trim().toLowerCase();
const keys = {
  signInAccount: (email: string) => `sign-in:account:${normalEmail(email)}`,
  signInAddress: (address: string) => `sign-in:address:${address}`,
  signUpAddress: (address: string) => `sign-up:address:${address}`,
  signUpEmail: (email: string) => `sign-up:email:${normalEmail(email)}`,
};

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));
// The English text is the translation key; the minutes go in as a value (locales/ko/messages.json).
const refusal = (c: Counter, message: string) => new RateLimited(c.retryAfterSeconds, message).withParams({ minutes: minutes(c.retryAfterSeconds) });
const accountRefusal = (c: Counter) => refusal(c, 'Too many wrong passwords for this account. Try again in {{minutes}} minutes.');
const addressRefusal = (c: Counter) => refusal(c, 'Too many failed sign-ins from your network. Try again in {{minutes}} minutes, or sign in with the right password.');

/** Before a password is checked: refuses an email whose failures filled its count, wherever the request comes from. */
export async function refuseLimitedAccount(db: Db, limits: AttemptLimits, email: string): Promise<void> {
  const key = keys.signInAccount(email);
  const counter = (await readCounters(db, [key])).get(key);
  if (counter && counter.hits >= limits.failuresPerAccount) throw accountRefusal(counter);
}

/**
 * After a wrong password: counts it for the email and the address. Returns the 429 to answer
 * instead of 401 when this failure filled the account's count or the address is over its own.
 */
export async function countFailedSignIn(db: Db, limits: AttemptLimits, attempt: { email: string; address: string }, warn: (msg: string) => void): Promise<RateLimited | undefined> {
  const account = await countHit(db, keys.signInAccount(attempt.email), limits.windowSeconds);
  const address = await countHit(db, keys.signInAddress(attempt.address), limits.windowSeconds);
  if (address.hits === limits.failuresPerAddress + 1) warn(`address ${attempt.address} passed ${limits.failuresPerAddress} failed sign-ins in ${minutes(limits.windowSeconds)} minutes`);
  if (account.hits >= limits.failuresPerAccount) return accountRefusal(account);
  if (address.hits > limits.failuresPerAddress) return addressRefusal(address);
  return undefined;
}

/** A right password: the account's failures are forgiven (its owner knows the password). */
export const forgiveSignInFailures = (db: Db, email: string) => clearCounter(db, keys.signInAccount(email));

/** Counts a sign-up attempt; throws 429 when the address or the email has made too many. */
export async function countSignUp(db: Db, limits: AttemptLimits, attempt: { email?: string; address: string }): Promise<void> {
  const address = await countHit(db, keys.signUpAddress(attempt.address), limits.windowSeconds);
  if (address.hits > limits.signUpsPerAddress) throw refusal(address, 'Too many sign-ups from your network. Try again in {{minutes}} minutes.');
  if (!attempt.email) return;
  const email = await countHit(db, keys.signUpEmail(attempt.email), limits.windowSeconds);
  if (email.hits > limits.signUpsPerEmail) throw refusal(email, 'Too many sign-ups with this email. Try again in {{minutes}} minutes.');
}
