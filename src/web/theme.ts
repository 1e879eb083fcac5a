import type { RequestHandler } from 'express';

/** The colour themes a visitor can choose in the header; without a choice the system setting wins. */
export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** The cookie the header's switch writes (client/theme.ts), read here so the page arrives in its theme. */
export const THEME_COOKIE = 'soundhub.theme';

/** The chosen theme in a Cookie header, or null (follow the system) for none or an unknown value. */
export function themeFromCookies(header: string | undefined): Theme | null {
  const match = /(?:^|;\s*)soundhub\.theme=([^;]*)/.exec(header ?? '');
  const value = match?.[1]?.trim();
  return THEMES.find((t) => t === value) ?? null;
}

/** `theme` for every view: the layout prints it on <html>, so no page flashes the other theme. */
export const themeLocals: RequestHandler = (req, res, next) => {
  res.locals.theme = themeFromCookies(req.headers.cookie);
  next();
};
