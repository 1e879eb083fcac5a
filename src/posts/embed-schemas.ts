import { z } from 'zod';

const optionalSize = (label: string) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number({ error: `${label} must be a number of pixels.` }).int(`${label} must be a whole number of pixels.`).min(1, `${label} must be at least 1.`).max(10_000, `${label} can be at most 10000.`).optional());

/** GET /oembed's query (oEmbed 1.0 §2.2): the page to embed, the format, the largest size the consumer can show. */
export const oembedQuerySchema = z.object({
  url: z.string({ error: 'Send the address of a song page in "url".' }).trim().min(1, 'Send the address of a song page in "url".').max(2000, 'That address is too long.'),
  format: z.string().trim().toLowerCase().default('json'),
  maxwidth: optionalSize('maxwidth'),
  maxheight: optionalSize('maxheight'),
});
export type OembedQuery = z.infer<typeof oembedQuerySchema>;
