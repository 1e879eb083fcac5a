// Run in a child process by src/pictures/pictures.test.ts: renders one picture file and
// prints the process's resident memory just before and its highest while rendering, so the
// figure is this decode's own and not the test runner's. libvips works on its own threads,
// so a timer on the event loop can sample the resident size every 2 ms meanwhile.
// Usage: node --import tsx test/picture-rss.ts <file> <kind>
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { renderPicture } from '../src/pictures/resize.js';
import type { PictureKind } from '../src/pictures/kinds.js';

const [file, kind] = process.argv.slice(2) as [string, PictureKind];
const buffer = readFileSync(file);
// One small render first, so sharp's and libvips' own start-up is in the baseline.
const small = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#446688' } }).jpeg().toBuffer();
await renderPicture(kind, { buffer: small, originalName: 'warm-up', field: 'image' });
const baselineKb = process.memoryUsage.rss() / 1024;
let peakKb = baselineKb;
const sample = setInterval(() => (peakKb = Math.max(peakKb, process.memoryUsage.rss() / 1024)), 2);
const sizes = await renderPicture(kind, { buffer, originalName: 'big', field: 'image' });
clearInterval(sample);
peakKb = Math.max(peakKb, process.memoryUsage.rss() / 1024);
process.stdout.write(JSON.stringify({ baselineKb: Math.round(baselineKb), peakKb: Math.round(peakKb), sizes: sizes.map((s) => s.name) }));
