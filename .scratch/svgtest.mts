import sharp from 'sharp';
import { generatedSongCover } from '../src/pictures/generated.ts';
const url = generatedSongCover('Night Drive', 'Synthwave');
const svg = decodeURIComponent(url.slice('data:image/svg+xml,'.length));
const t = performance.now();
const png = await sharp(Buffer.from(svg)).resize(1200,1200).png().toBuffer();
console.log(png.length, performance.now()-t);
await sharp(png).toFile('/tmp/cover.png');
