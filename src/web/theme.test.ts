import { describe, expect, it } from 'vitest';
import { themeFromCookies } from './theme.js';

describe('themeFromCookies', () => {
  it('reads the chosen theme among other cookies', () => {
    expect(themeFromCookies('soundhub.sid=abc; soundhub.theme=light')).toBe('light');
    expect(themeFromCookies('soundhub.theme=dark')).toBe('dark');
  });
  it('follows the system for no cookie, an unknown value or a look-alike name', () => {
    expect(themeFromCookies(undefined)).toBeNull();
    expect(themeFromCookies('soundhub.theme=purple')).toBeNull();
    expect(themeFromCookies('xsoundhub.theme=dark')).toBeNull();
  });
});
