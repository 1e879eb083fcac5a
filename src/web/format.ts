import { LANGUAGES, tFor, type Language } from './i18n.js';

/** Small formatters the view-models use, so templates only print. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–:––';
  const total = Math.round(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

/** The locale each language's dates are written in: English reads "1 Dec 2026" (British order). */
const LOCALE: Record<Language, string> = { en: 'en-GB', ko: 'ko-KR' };

const dateFormats = new Map(LANGUAGES.map((l) => [l, new Intl.DateTimeFormat(LOCALE[l], { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })]));
const timeFormats = new Map(LANGUAGES.map((l) => [l, new Intl.DateTimeFormat(LOCALE[l], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' })]));
const relativeFormats = new Map(LANGUAGES.map((l) => [l, new Intl.RelativeTimeFormat(LOCALE[l], { numeric: 'always' })]));

/** "1 Dec 2026"; "2026년 12월 1일". */
export function formatDate(date: Date, lng: Language = 'en'): string {
  return dateFormats.get(lng)!.format(date);
}

/** "1 Dec 2026, 21:40 UTC": a version list tells apart two saves of one day. */
export function formatDateTime(date: Date, lng: Language = 'en'): string {
  const time = timeFormats.get(lng)!.format(date);
  return lng === 'en' ? `${formatDate(date, lng)}, ${time} UTC` : `${formatDate(date, lng)} ${time} UTC`;
}

/** "3 days ago", "3일 전"; under a minute "just now". */
export function timeAgo(date: Date, lng: Language | Date = 'en', now = new Date()): string {
  if (lng instanceof Date) return timeAgo(date, 'en', lng); // the older timeAgo(date, now), still called so
  const s = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  if (s < 60) return tFor(lng)('time:just_now');
  const units: Array<[number, Intl.RelativeTimeFormatUnit]> = [[60, 'minute'], [3600, 'hour'], [86400, 'day'], [604800, 'week'], [2629800, 'month'], [31557600, 'year']];
  let chosen = units[0]!;
  for (const u of units) if (s >= u[0]) chosen = u;
  return relativeFormats.get(lng)!.format(-Math.floor(s / chosen[0]), chosen[1]);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
