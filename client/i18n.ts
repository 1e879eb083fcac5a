/**
 * The browser script's strings: the layout embeds the `client` namespace of the page's
 * language (views/partials/head.ejs), read again on each call since a Turbo visit may swap
 * the head for another language. Keys are flat or dotted (`mixer.save`), placeholders
 * `{{name}}`, plurals `key_one` / `key_other` chosen with Intl.PluralRules on `count`.
 */
type Params = Record<string, string | number>;
type Strings = Record<string, unknown>;

let cache: { text: string; strings: Strings } | null = null;

function strings(): Strings {
  // Turbo keeps the old page's head scripts and appends a new one that differs (another
  // language): the last block is the current page's.
  const blocks = document.querySelectorAll<HTMLScriptElement>('script#i18n-client');
  const text = blocks[blocks.length - 1]?.textContent ?? '{}';
  if (cache?.text !== text) {
    let parsed: Strings = {};
    try {
      parsed = JSON.parse(text) as Strings;
    } catch {
      // a broken block leaves the keys showing, which the tests would catch
    }
    cache = { text, strings: parsed };
  }
  return cache.strings;
}

/** The page's language, as the layout's <html lang> says. */
export const pageLanguage = (): string => document.documentElement.lang || 'en';

function lookup(key: string): string | undefined {
  let node: unknown = strings();
  for (const part of key.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Strings)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

export function t(key: string, params?: Params): string {
  let text: string | undefined;
  if (params && typeof params.count === 'number') {
    const form = new Intl.PluralRules(pageLanguage()).select(params.count);
    text = lookup(`${key}_${form}`) ?? lookup(`${key}_other`);
  }
  text ??= lookup(key) ?? key;
  if (!params) return text;
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}
