import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, timeAgo } from './format.js';

const at = new Date(Date.UTC(2026, 11, 1, 21, 40));
const before = (seconds: number) => new Date(at.getTime() - seconds * 1000);

describe('dates and times in both languages', () => {
  it('writes dates the British way in English, and the Korean way in Korean', () => {
    expect(formatDate(at)).toBe('1 Dec 2026');
    expect(formatDate(at, 'en')).toBe('1 Dec 2026');
    expect(formatDate(at, 'ko')).toBe('2026년 12월 1일');
    expect(formatDateTime(at)).toBe('1 Dec 2026, 21:40 UTC');
    expect(formatDateTime(new Date(Date.UTC(2026, 4, 9, 0, 5)), 'en')).toBe('9 May 2026, 00:05 UTC');
    expect(formatDateTime(at, 'ko')).toBe('2026년 12월 1일 21:40 UTC');
    expect(formatDateTime(new Date(Date.UTC(2026, 4, 9, 0, 5)), 'ko')).toBe('2026년 5월 9일 00:05 UTC');
  });

  it('says how long ago, in English as before and in Korean', () => {
    const cases: Array<[number, string, string]> = [
      [0, 'just now', '방금 전'],
      [59, 'just now', '방금 전'],
      [60, '1 minute ago', '1분 전'],
      [150, '2 minutes ago', '2분 전'],
      [3600, '1 hour ago', '1시간 전'],
      [2 * 86400, '2 days ago', '2일 전'],
      [604800, '1 week ago', '1주 전'],
      [3 * 2629800, '3 months ago', '3개월 전'],
      [31557600, '1 year ago', '1년 전'],
    ];
    for (const [seconds, en, ko] of cases) {
      expect(timeAgo(before(seconds), 'en', at)).toBe(en);
      expect(timeAgo(before(seconds), 'ko', at)).toBe(ko);
    }
    expect(timeAgo(new Date(at.getTime() + 5000), 'en', at)).toBe('just now'); // a clock a little ahead
    expect(timeAgo(before(150), at)).toBe('2 minutes ago'); // the older (date, now) form: English
  });
});
