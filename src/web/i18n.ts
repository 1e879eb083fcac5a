import { LRUCache } from 'lru-cache';
import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import i18next, { type TFunction } from 'i18next';
import { LanguageDetector } from 'i18next-http-middleware';

/** The languages SoundHub speaks; the first is the fallback for every other Accept-Language. */
export const LANGUAGES = ['en', 'ko'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', ko: '한국어' };

/** The cookie the footer's switch sets; it wins over the browser's Accept-Language. */
export const LANGUAGE_COOKIE = 'soundhub.lang';

/**
 * Namespaces of user-facing messages (errors, field errors, notices) whose key is the English
 * text: `messages.json` and `messages-<part>.json`, one file per part of the product. English
 * needs no file for them.
 */
const isMessagesNs = (ns: string) => ns === 'messages' || ns.startsWith('messages-');
/** Namespace the browser script gets (embedded in every page by the layout). */
export const CLIENT_NS = 'client';

// The repository's locales/ from src/web (tsx) or dist/src/web (the built app, as in the image).
export const localesDir = path.resolve(import.meta.dirname, '../..', import.meta.dirname.includes(`${path.sep}dist${path.sep}`) ? '..' : '.', 'locales');

/** Keys asked for that a language lacks, so a test can fail on them (see i18n.test.ts). */
export const missingKeys = new Set<string>();

function loadResources(): Record<string, Record<string, Record<string, unknown>>> {
  const resources: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const lng of LANGUAGES) {
    resources[lng] = {};
    for (const file of fs.readdirSync(path.join(localesDir, lng))) {
      if (!file.endsWith('.json')) continue;
      resources[lng][file.slice(0, -5)] = JSON.parse(fs.readFileSync(path.join(localesDir, lng, file), 'utf8')) as Record<string, unknown>;
    }
  }
  return resources;
}

const resources = loadResources();
const i18n = i18next.createInstance();
void i18n.init({
  resources,
  supportedLngs: [...LANGUAGES],
  nonExplicitSupportedLngs: true, // ko-KR, en-US … map to ko, en
  fallbackLng: 'en',
  ns: [...new Set(LANGUAGES.flatMap((l) => Object.keys(resources[l] ?? {})))],
  defaultNS: 'common',
  initAsync: false,
  interpolation: { escapeValue: false }, // EJS escapes what it prints with <%=
  returnNull: false,
  saveMissing: true,
  // Bounded: a message may carry user input (a file name), and this runs in production too.
  missingKeyHandler: (lngs, ns, key) => {
    if (missingKeys.size < 1000) missingKeys.add(`${lngs.join(',')}:${ns}:${key}`);
  },
});

// The detector of i18next-http-middleware (cookie, then Accept-Language) without its handle():
// that one clones the i18next instance for every request, where a fixed t per language is enough.
const detector = new LanguageDetector(i18n.services, {
  order: ['cookie', 'header'],
  lookupCookie: LANGUAGE_COOKIE,
  caches: false,
});

const messageNamespaces = [...new Set(LANGUAGES.flatMap((l) => Object.keys(resources[l] ?? {})))].filter(isMessagesNs);

/**
 * i18next's t for one language, remembering each answer: a song page asks for the same few
 * dozen strings hundreds of times (every part, button and label), and i18next's own lookup and
 * interpolation were a fifth of that page's CPU. Only calls whose options are plain values
 * (strings, numbers, booleans) are remembered, keyed by all of them; the rest go to i18next.
 */
function remembering(t: TFunction): TFunction {
  const known = new LRUCache<string, string>({ max: 20_000 });
  const remembered = (key: unknown, options?: unknown, ...rest: unknown[]) => {
    const call = () => (t as unknown as (...args: unknown[]) => string)(key, options, ...rest);
    if (typeof key !== 'string' || rest.length > 0) return call();
    let id = key;
    if (options !== undefined) {
      if (typeof options !== 'object' || options === null) return call();
      for (const [name, value] of Object.entries(options)) {
        if (value !== null && typeof value === 'object') return call();
        id += `\u0000${name}\u0001${typeof value}\u0001${String(value)}`;
      }
    }
    let text = known.get(id);
    if (text === undefined) {
      text = call();
      if (typeof text === 'string') known.set(id, text);
    }
    return text;
  };
  // Code that needs the language reads it from t (as from i18next's fixed t).
  return Object.assign(remembered, { lng: (t as unknown as { lng: string }).lng, ns: (t as unknown as { ns: unknown }).ns }) as unknown as TFunction;
}

const fixed = new Map<Language, TFunction>(LANGUAGES.map((l) => [l, remembering(i18n.getFixedT(l))]));

/** A supported language from a cookie or header value, or null. */
export function toLanguage(value: unknown): Language | null {
  if (typeof value !== 'string') return null;
  const base = value.trim().toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((l) => l === base) ?? null;
}

export function tFor(lng: Language): TFunction {
  return fixed.get(lng)!;
}

/** A user-facing message (its English text is the key) in the given language. */
export function translateMessage(lng: Language, shown: string | { message: string; params?: Record<string, unknown> } | null | undefined, extra?: Record<string, unknown>): string {
  // A view may pass what a row lacks (a track that failed without a stored reason).
  if (shown === null || shown === undefined) return '';
  const message = typeof shown === 'string' ? shown : shown.message;
  const params = typeof shown === 'string' ? extra : shown.params;
  if (lng === 'en') return interpolate(message, params);
  return tFor(lng)(message, { ns: messageNamespaces, keySeparator: false, nsSeparator: false, defaultValue: message, ...params });
}

function interpolate(text: string, params?: Record<string, unknown>): string {
  if (!params) return text;
  return text.replace(/\{\{(\w+)\}\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** The client namespace of a language, as the JSON the layout embeds. */
const clientJson = new Map<Language, string>(LANGUAGES.map((l) => [l, JSON.stringify(resources[l]?.[CLIENT_NS] ?? {}).replace(/</g, '\\u003c')]));

export function languageOf(req: Parameters<RequestHandler>[0]): Language {
  const detected = detector.detect(req, {} as never, ['cookie', 'header']) as string | string[] | undefined;
  return toLanguage(Array.isArray(detected) ? detected[0] : detected) ?? 'en';
}

/**
 * `lang`, `t`, `tm` (messages) and the client's strings for every view. `?lang=ko` on any page
 * sets the choice (the footer's switch is plain links, so it works without the script) and
 * redirects to the page without the parameter.
 */
export const languageLocals: RequestHandler = (req, res, next) => {
  const asked = req.method === 'GET' ? toLanguage(req.query.lang) : null;
  if (asked) {
    res.cookie(LANGUAGE_COOKIE, asked, { maxAge: 365 * 24 * 3600 * 1000, sameSite: 'lax', httpOnly: false, path: '/' });
    const url = new URL(req.originalUrl, 'http://x');
    url.searchParams.delete('lang');
    res.redirect(303, url.pathname + url.search);
    return;
  }
  const lng = languageOf(req);
  res.locals.lang = lng;
  res.locals.t = tFor(lng);
  // A message is its English text, or that text with values (web/errors.ts Message).
  res.locals.tm = (message: string | { message: string; params?: Record<string, unknown> } | null | undefined, params?: Record<string, unknown>) => translateMessage(lng, message, params);
  res.locals.clientStrings = clientJson.get(lng);
  res.vary('Accept-Language');
  res.set('Content-Language', lng);
  next();
};
