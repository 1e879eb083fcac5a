import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The browser script's words go through client/i18n.ts: a source scan of client/*.ts for
 * English written straight into what a reader sees or hears (text, labels, titles,
 * placeholders, dialogs, status lines, errors shown to the musician), and for keys the
 * `client` namespace lacks (the files that keep `t` for a track import it as `tr`).
 */
const CLIENT = path.resolve(import.meta.dirname, '../../client');
const files = readdirSync(CLIENT).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'i18n.ts');
const source = (f: string) => readFileSync(path.join(CLIENT, f), 'utf8');

/** Where a string ends up in front of the reader. */
const SINKS = [
  /\.(?:textContent|innerText|title|placeholder|ariaLabel)\s*=(?!=)/g,
  /setAttribute\(\s*'(?:aria-label|aria-valuetext|aria-description|title|placeholder|alt)'\s*,/g,
  /'aria-label'\s*:|\btitle\s*:|\bplaceholder\s*:/g,
  /\b(?:confirm|alert|prompt|say)\(/g,
  /new (?:Error|Option)\(/g,
  /\bmessage\s*:/g,
  /\breturn\s+(?=['`])/g,
  /\berrors(?:\.\w+|\[[^\]]+\])\s*=(?!=)/g,
];

/** The expression after a sink, up to the comma, semicolon or bracket that ends it. */
function expressionAt(text: string, start: number): string {
  let depth = 0;
  let quote = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) return text.slice(start, i);
      depth--;
    } else if ((c === ',' || c === ';' || c === '\n') && depth === 0) return text.slice(start, i);
  }
  return text.slice(start);
}

/** String literals of an expression holding a word, once the keys given to t() are taken out. */
function englishLiterals(expr: string): string[] {
  const bare = expr.replace(/\b(?:t|tr)\(\s*'[^']*'/g, 't(KEY').replace(/\$\{[^}]*\}/g, '').replace(/[!=]==\s*'[^']*'/g, '');
  const literals = bare.match(/'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`|"(?:[^"\\]|\\.)*"/g) ?? [];
  return literals.filter((l) => /[A-Za-z]{2,}/.test(l.slice(1, -1).replace(/\b(?:SoundHub|dB|ms|BPM|LUFS|MB|KB|https?)\b/g, '')));
}

/** Literals that are no text: data values, a key passed on to t(), a selector. */
const NOT_TEXT = /^(?:'(?:true|false|[a-z_]+\.[a-z_.]+|#[\w-]+)'|`[a-z-]+ \$\{[^`]*`)$/;
/** A line whose comment says its text is never shown (an error caught and dropped). */
const NEVER_SHOWN = /\/\/ never shown\b/;

describe('client script strings', () => {
  it('writes no English straight into the page: every word goes through t()', () => {
    const found: string[] = [];
    for (const file of files) {
      const lines = source(file).split('\n');
      const text = source(file).replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
      for (const sink of SINKS) {
        for (const m of text.matchAll(sink)) {
          const expr = expressionAt(text, m.index + m[0].length);
          for (const lit of englishLiterals(expr)) {
            if (NOT_TEXT.test(lit)) continue;
            const line = text.slice(0, m.index).split('\n').length;
            if (NEVER_SHOWN.test(lines[line - 1]!)) continue;
            found.push(`client/${file}:${line}: ${lit}`);
          }
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('asks only for keys the English client namespace has, in Korean too', () => {
    const flatten = (o: unknown, prefix = ''): string[] =>
      typeof o === 'string' ? [prefix] : Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
    const locale = (lng: string) => new Set(flatten(JSON.parse(readFileSync(path.resolve(CLIENT, `../locales/${lng}/client.json`), 'utf8'))));
    const en = locale('en');
    const ko = locale('ko');
    const unknown: string[] = [];
    for (const file of files) {
      for (const m of source(file).matchAll(/\b(?:t|tr)\(\s*'([^']+)'(\s*,\s*\{[^}]*\bcount\b)?/g)) {
        const key = m[1]!;
        const has = (keys: Set<string>) => keys.has(key) || (Boolean(m[2]) && keys.has(`${key}_other`));
        if (!has(en)) unknown.push(`client/${file}: en ${key}`);
        if (!has(ko)) unknown.push(`client/${file}: ko ${key}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});
