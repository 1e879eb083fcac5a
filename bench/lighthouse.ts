/**
 * Lighthouse (performance, accessibility, best practices, SEO) on the home page and a song
 * page, as a phone (Lighthouse's default: a mid-range phone on slow 4G, CPU slowed 4×) and as a
 * desktop, against the container's process tree (nginx in front of the web processes, in
 * production mode) on loopback, with Debian's Chromium. Prints each score and the metrics
 * behind the performance score; the issue's aim is ≥ 95 for performance and accessibility.
 *
 *   npm run bench:lighthouse                   (each page and form factor once)
 *   LIGHTHOUSE_RUNS=3 npm run bench:lighthouse (the median of three runs)
 *
 * Needs `npm run build` (the script does it), Debian's nginx and Chromium (CHROMIUM_PATH).
 */
import lighthouse, { desktopConfig, type Flags, type RunnerResult } from 'lighthouse';
import { chromium } from 'playwright-core';
import { insertContribution, insertPost, insertUser } from '../test/db-factories.js';
import { freePort } from '../test/ports.js';
import { startStack, type Stack } from '../test/stack/harness.js';
import { startBenchServices, stopOnSignal } from './services.js';

const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 1);
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;

const services = await startBenchServices('lighthouse');
let stack: Stack | undefined;
let closeBrowser: (() => Promise<void>) | undefined;
const cleanUp = async () => {
  await closeBrowser?.().catch(() => undefined);
  await stack?.stop().catch(() => undefined);
  await services.stop();
};
stopOnSignal(cleanUp);

try {
  // A small community: a few musicians, a dozen songs with parts, so the home page has cards.
  const musicians = await Promise.all(['mira_keys', 'jun_drums', 'sara_sings', 'omar_strings'].map((nickname) => insertUser(services.db, { nickname, bio: 'Plays in a garage band on weekends.' })));
  let songId = 0;
  for (let i = 0; i < 12; i++) {
    const author = musicians[i % musicians.length]!;
    const post = await insertPost(services.db, { authorId: author.id, title: `Harbour lights ${i + 1}`, genre: ['jazz', 'funk', 'folk', 'rock'][i % 4], instrument: 'keyboard', description: 'A slow chord loop; it needs a bass line and brushes.' });
    for (const [n, player] of musicians.filter((m) => m !== author).entries()) await insertContribution(services.db, { postId: post.id, contributorId: player.id, instrument: ['drums', 'vocal', 'bass'][n], included: n < 2 });
    songId ||= post.id;
  }
  stack = await startStack({ name: 'lighthouse', databaseUrl: services.databaseUrl, webConcurrency: 1, s3: services.s3, env: { LOG_LEVEL: 'warn' } });
  const port = await freePort();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', `--remote-debugging-port=${port}`],
  });
  closeBrowser = () => browser.close();
  // nginx answers plain http with a redirect to https, as the load balancer's listener would
  // be in front of it; the header says the request came through that listener.
  const flags: Flags = { port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES], extraHeaders: { 'X-Forwarded-Proto': 'https' } };
  const pages = [
    { name: 'home', url: `http://127.0.0.1:${stack.port}/` },
    { name: 'song', url: `http://127.0.0.1:${stack.port}/posts/${songId}` },
  ];
  console.log(`lighthouse ${RUNS === 1 ? 'once' : `median of ${RUNS} runs`} per page and form factor (container tree on loopback, Chromium ${browser.version()})\n`);
  console.log(['page', 'as', ...CATEGORIES, 'FCP s', 'LCP s', 'TBT ms', 'CLS'].map((h) => h.padEnd(15)).join(''));
  const held: string[] = [];
  for (const page of pages) {
    for (const formFactor of ['phone', 'desktop'] as const) {
      const results: RunnerResult[] = [];
      for (let r = 0; r < RUNS; r++) {
        const result = await lighthouse(page.url, flags, formFactor === 'desktop' ? desktopConfig : undefined);
        if (!result) throw new Error(`lighthouse returned nothing for ${page.url}`);
        results.push(result);
      }
      results.sort((a, b) => (a.lhr.categories.performance?.score ?? 0) - (b.lhr.categories.performance?.score ?? 0));
      const { lhr } = results[Math.floor(results.length / 2)]!;
      if (lhr.runtimeError) throw new Error(`${page.name}: ${lhr.runtimeError.message}`);
      const score = (c: string) => String(Math.round((lhr.categories[c]?.score ?? 0) * 100));
      const metric = (id: string, scale = 1, digits = 1) => ((lhr.audits[id]?.numericValue ?? NaN) / scale).toFixed(digits);
      console.log([page.name, formFactor, ...CATEGORIES.map(score), metric('first-contentful-paint', 1000), metric('largest-contentful-paint', 1000), metric('total-blocking-time', 1, 0), metric('cumulative-layout-shift', 1, 3)].map((v) => v.padEnd(15)).join(''));
      // What holds a score back: every audit that counts toward the two aimed-at categories and did not pass.
      for (const c of ['performance', 'accessibility'] as const) {
        for (const ref of lhr.categories[c]?.auditRefs ?? []) {
          const audit = lhr.audits[ref.id];
          if (ref.weight > 0 && audit && audit.score !== null && audit.score < 0.9) held.push(`${page.name}/${formFactor} ${c}: ${audit.title}${audit.displayValue ? ` (${audit.displayValue})` : ''}`);
        }
      }
    }
  }
  console.log(held.length ? `\nwhat holds a score back:\n  ${held.join('\n  ')}` : '\nno weighted audit below 90 in performance or accessibility');
} finally {
  await cleanUp();
}
