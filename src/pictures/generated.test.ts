import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { drawnPictureUrl, drawnSvgAt, generatedAvatar, generatedProfileCover, generatedSongCover, initialsOf, wrapWords } from './generated.js';

const svgOf = (url: string) => drawnSvgAt(url) ?? '';
/** The colour of one pixel of the SVG drawn by libvips (librsvg), as [r, g, b]. */
async function pixel(url: string, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(Buffer.from(svgOf(url))).resize(100, 100).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

describe('generated song covers', () => {
  it('are the same for the same title and genre, and differ when either changes', async () => {
    const a = generatedSongCover('Night Drive', 'Synthwave');
    expect(generatedSongCover('Night Drive', 'Synthwave')).toBe(a);
    expect(generatedSongCover('Night Drive ', 'synthwave'), 'case and outer spaces of the words do not matter').not.toBe(a);
    expect(generatedSongCover('Night Drives', 'Synthwave')).not.toBe(a);
    expect(generatedSongCover('Night Drive', 'Jazz')).not.toBe(a);
    // Drawn, the two genres give different colours in the same corner.
    expect(await pixel(generatedSongCover('Night Drive', 'Jazz'), 2, 2)).not.toEqual(await pixel(a, 2, 2));
  });

  it('is an SVG that draws, with the title written on it and markup in a title kept as text', async () => {
    const url = generatedSongCover('<script>alert(1)</script> & "friends"', 'Rock');
    expect(url).toMatch(/^\/drawn\/song\/[A-Za-z0-9_-]+\.svg$/);
    const svg = svgOf(url);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('>&#60;script&#62;alert(1…</tspan>');
    const meta = await sharp(Buffer.from(svg)).metadata();
    expect(meta).toMatchObject({ format: 'svg', width: 600, height: 600 });
  });

  it('wraps a long title into at most three lines, ending in an ellipsis', () => {
    expect(wrapWords('A very long title that goes on and on for ever and ever', 16, 3)).toEqual(['A very long', 'title that goes', 'on and on for…']);
    expect(wrapWords('Supercalifragilisticexpialidocious', 16, 3)).toEqual(['Supercalifragil…']);
  });
});

describe('generated avatars', () => {
  it('show initials on a colour of the nickname, the same every time', async () => {
    expect(initialsOf('dj_shadow')).toBe('DS');
    expect(initialsOf('MartaKeys')).toBe('MK');
    expect(initialsOf('bob7')).toBe('BO');
    expect(initialsOf('ünal')).toBe('ÜN');
    expect(generatedAvatar('bob7')).toBe(generatedAvatar('bob7'));
    expect(svgOf(generatedAvatar('bob7'))).toContain('>BO</text>');
    expect(await pixel(generatedAvatar('bob7'), 1, 1)).not.toEqual(await pixel(generatedAvatar('carol'), 1, 1));
    expect((await sharp(Buffer.from(svgOf(generatedProfileCover('bob7')))).metadata()).width).toBe(1500);
  });
});

describe('the URL of a drawn picture', () => {
  it('names its words and nothing else: other kinds, word counts, encodings or lengths name no picture', () => {
    expect(drawnSvgAt(drawnPictureUrl('song', ['서울의 밤', 'Jazz']))).toContain('서울의 밤');
    expect(drawnSvgAt(drawnPictureUrl('avatar', ['a', 'b'])), 'two words for an avatar').toBeUndefined();
    expect(drawnSvgAt(drawnPictureUrl('song', ['only a title'])), 'a song needs a genre').toBeUndefined();
    expect(drawnSvgAt(drawnPictureUrl('avatar', ['x'.repeat(401)])), 'longer than any name').toBeUndefined();
    expect(drawnSvgAt(`/drawn/avatar/${Buffer.from([0xff, 0xfe]).toString('base64url')}.svg`), 'not UTF-8').toBeUndefined();
    expect(drawnSvgAt(`${drawnPictureUrl('avatar', ['bob'])}=`), 'padding').toBeUndefined();
    expect(drawnSvgAt('/drawn/cat/Ym9i.svg')).toBeUndefined();
    expect(drawnSvgAt('/drawn/avatar/Ym9i.png')).toBeUndefined();
  });
});
