import { existsSync, readFileSync } from 'node:fs';
import ejs from 'ejs';

type Locals = Record<string, unknown>;
type Include = (name: string, data?: Locals) => string;
type Template = (locals: Locals, escape: undefined, include: Include, rethrow: undefined) => string;
type Callback = (err: Error | null, html?: string) => void;

/**
 * The Express engine for views/*.ejs: every template is compiled once per process, and every
 * include's file is found once (per including file and name), in every mode.
 *
 * Why not `ejs.renderFile` with Express's `view cache`: with the cache off (as `npm start` ran)
 * every template was compiled again on every request, 42 % of a home page's CPU; with it on,
 * EJS still checks each include's path on disk at every call (22 `existsSync` a home page).
 * Compiled in `client` mode, a template takes its `include` as an argument, so the include
 * here is the cached one. A changed template needs a restart, in development too.
 */
export function viewEngine(): (file: string, locals: object, callback: Callback) => void {
  const templates = new Map<string, Template>();
  const includes = new Map<string, string>();

  const template = (file: string): Template => {
    let fn = templates.get(file);
    if (!fn) {
      fn = ejs.compile(readFileSync(file, 'utf8'), { client: true, filename: file }) as unknown as Template;
      templates.set(file, fn);
    }
    return fn;
  };

  /** The file `name` names when `from` includes it, as EJS resolves it (relative, `.ejs` added). */
  const includedFile = (from: string, name: string): string => {
    const key = `${from}\0${name}`;
    let file = includes.get(key);
    if (!file) {
      file = ejs.resolveInclude(name, from);
      if (!existsSync(file)) throw new Error(`Could not find the include file "${name}" (from ${from})`);
      includes.set(key, file);
    }
    return file;
  };

  const render = (file: string, locals: Locals): string =>
    template(file)(locals, undefined, (name, data) => render(includedFile(file, name), data ? { ...locals, ...data } : locals), undefined);

  return (file, locals, callback) => {
    let html: string;
    try {
      html = render(file, locals as Locals);
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback(null, html);
  };
}
