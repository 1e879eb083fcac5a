import { readFileSync } from 'node:fs';
import { renderPicture } from './src/pictures/resize.js';
const file = process.argv[2]!;
const buffer = readFileSync(file);
const before = process.resourceUsage().maxRSS;
const t = Date.now();
const out = await renderPicture((process.argv[3] ?? 'song-cover') as 'song-cover', { buffer, originalName: 'x', field: 'image' }).catch((e) => { console.log('refused', e.status, e.message, JSON.stringify(e.fields)); return []; });
console.log(JSON.stringify({ beforeMB: before / 1024, peakMB: process.resourceUsage().maxRSS / 1024, ms: Date.now() - t, sizes: out.map((o) => [o.name, o.body.length]) }));
