import sharp from 'sharp';
import { drawnSvgAt } from './generated.js';

/**
 * A drawn picture (its `/drawn/…svg` URL, see generated.ts) as a PNG of `width`×`height`, for
 * the places an SVG cannot go: Open Graph and Twitter cards and oEmbed thumbnails, which
 * scrapers fetch by URL and mostly refuse as SVG. libvips draws the SVG (librsvg).
 */
export async function drawnPictureAsPng(url: string, { width, height }: { width: number; height: number }): Promise<Buffer> {
  const svg = drawnSvgAt(url);
  if (svg === undefined) throw new Error('not a drawn picture');
  return sharp(Buffer.from(svg), { density: 144 }).resize(width, height, { fit: 'cover' }).png({ compressionLevel: 8 }).toBuffer();
}
