// Bundles the browser code and CSS into public/build/ with content hashes in the names,
// and writes manifest.json (source name → built file) for the views' asset() helper.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const outdir = 'public/build';
// Source maps for development; the image is built with --no-sourcemap (Dockerfile), so the
// readable client source never ships.
const sourcemap = !process.argv.includes('--no-sourcemap');
await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });

const result = await build({
  entryPoints: { app: 'client/app.ts', mixer: 'client/mixer.ts', embed: 'client/embed.ts', styles: 'client/styles/app.css' },
  bundle: true,
  format: 'esm',
  splitting: true,
  minify: true,
  sourcemap,
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  outdir,
  entryNames: '[name]-[hash]',
  chunkNames: 'chunks/[name]-[hash]',
  // The typefaces (@fontsource packages imported by the CSS) are copied beside it, hashed.
  loader: { '.woff2': 'file', '.woff': 'file' },
  assetNames: 'fonts/[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});

const manifest = {};
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (!meta.entryPoint || file.endsWith('.map')) continue;
  const name = path.basename(file);
  const source = meta.entryPoint.endsWith('.css') ? 'app.css' : `${path.basename(meta.entryPoint, '.ts')}.js`;
  manifest[source] = name;
}
await writeFile(path.join(outdir, 'manifest.json'), JSON.stringify(manifest, null, 2));
console.log(`client built: ${Object.values(manifest).join(', ')}`);
