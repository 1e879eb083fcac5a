import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const views = path.resolve(import.meta.dirname, '..', '..', 'views');
const templates = readdirSync(views, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ejs'));

describe('the views', () => {
  // The app renders with EJS's `root` at the views folder (src/app.ts): an absolute include is
  // resolved without touching the disk, a relative one costs an existsSync on every render.
  it('include each other by absolute paths from the views folder, each naming a template that exists', () => {
    const found: string[] = [];
    for (const file of templates) {
      for (const [, target] of readFileSync(path.join(views, file), 'utf8').matchAll(/include\(\s*(['"`][^'"`]*['"`]|[^)'"`]+)/g)) {
        const name = target!.slice(1, -1);
        if (!/^['"]\//.test(target!)) found.push(`${file}: include(${target}) is not an absolute path like '/partials/head'`);
        else if (!templates.includes(`${name.slice(1)}.ejs`) && !templates.includes(name.slice(1))) found.push(`${file}: include('${name}') names no template`);
      }
    }
    expect(found).toEqual([]);
  });
});
