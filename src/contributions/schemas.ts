import { z } from 'zod';

export const contributionSchema = z.object({
  instrument: z.string().trim().min(1, 'Pick the instrument you play on this part.'),
  note: z.string().trim().max(1000, 'The note can have at most 1000 characters.').default(''),
});
export type ContributionInput = z.infer<typeof contributionSchema>;
