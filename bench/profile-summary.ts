/**
 * Where a web process spent its time, from the `.cpuprofile` files `node --cpu-prof` wrote
 * (bench/pages.ts with PAGES_CPU_PROF=<folder>): per package or app folder, self time and
 * time anywhere on the stack, and the functions with most self time. DevTools shows the same
 * profile as a flame chart; this prints the totals two profiles are compared by.
 *
 *   npm run bench:profile -- <folder or .cpuprofile files>
 *
 * Only profiles of web processes (dist/src/main.js) are read; pm2's, the worker's and nginx's
 * wrappers are skipped.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package (`knex`, `@aws-sdk/client-s3`), app folder (`src/feed`) or runtime part a frame belongs to. */
function groupOf({ url, functionName }: CallFrame): string {
  if (!url) return `(${functionName.replace(/[()]/g, '') || 'native'})`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first, second] = url.slice(modules + '/node_modules/'.length).split('/');
    return first!.startsWith('@') ? `${first}/${second}` : first!;
  }
  const src = /\/dist\/(src\/[^/]+|views)\//.exec(url) ?? /\/dist\/(src)\/[^/]+$/.exec(url);
  if (src) return src[1]!;
  if (url.startsWith('node:')) return url.split('/')[0]!;
  return path.basename(url);
}

const files = process.argv.slice(2).flatMap((arg) => (statSync(arg).isDirectory() ? readdirSync(arg).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(arg, f)) : [arg]));
const self = new Map<string, number>();
const anywhere = new Map<string, number>();
const functions = new Map<string, number>();
let total = 0;
let read = 0;
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  if (!profile.nodes.some((n) => n.callFrame.url.endsWith('/dist/src/main.js'))) continue;
  read++;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id)!;
    total += ms;
    const group = groupOf(node.callFrame);
    self.set(group, (self.get(group) ?? 0) + ms);
    const where = `${node.callFrame.functionName || '(anonymous)'} ${group}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}`;
    functions.set(where, (functions.get(where) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(groupOf(byId.get(at)!.callFrame));
    for (const g of seen) anywhere.set(g, (anywhere.get(g) ?? 0) + ms);
  });
}
if (read === 0) {
  console.error(`no web process profile among ${files.length} file(s)`);
  process.exit(1);
}
const idle = self.get('(idle)') ?? 0;
const busy = total - idle;
const top = (m: Map<string, number>, n: number, skip: (k: string) => boolean = () => false) =>
  [...m]
    .filter(([k]) => !skip(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, ms]) => `  ${(100 * ms / busy).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms  ${k}`)
    .join('\n');
const notRoot = (k: string) => k === '(idle)' || k === '(root)';
console.log(`${read} web process profile(s): ${total.toFixed(0)} ms sampled, ${busy.toFixed(0)} ms busy (${(100 * busy / total).toFixed(0)} %)`);
console.log(`\nself time, by package or folder (% of busy)\n${top(self, 18, notRoot)}`);
console.log(`\non the stack anywhere, by package or folder\n${top(anywhere, 24, notRoot)}`);
console.log(`\nfunctions with most self time\n${top(functions, 25, (k) => k.startsWith('(idle)') || k.startsWith('(root)'))}`);
