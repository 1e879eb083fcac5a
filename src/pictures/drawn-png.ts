import sharp from 'sharp';

const SVG_DATA_URL = 'data:image/svg+xml,';

/**
 * A generated picture (an SVG data: URL, see generated.ts) as a PNG of `width`×`height`, for
 * the places an inline SVG cannot go: Open Graph and Twitter cards and oEmbed thumbnails,
 * which scrapers fetch by URL and mostly refuse as SVG. libvips draws the SVG (librsvg).
 */
export async function drawnPictureAsPng(dataUrl: string, { width, height }: { width: number; height: number }): Promise<Buffer> {
  if (!dataUrl.startsWith(SVG_DATA_URL)) throw new Error('not a generated picture');
  const svg = decodeURIComponent(dataUrl.slice(SVG_DATA_URL.length));
  return sharp(Buffer.from(svg), { density: 144 }).resize(width, height, { fit: 'cover' }).png({ compressionLevel: 8 }).toBuffer();
}
