import { z } from 'zod';

/** Longest message, in characters (the table's check says the same). */
export const MESSAGE_MAX = 2000;

/** The send form: one text field; spaces around it are not part of the message. */
export const messageSchema = z.object({
  body: z
    .string({ error: 'Write a message first.' })
    .trim()
    .min(1, 'Write a message first.')
    .max(MESSAGE_MAX, `A message can be at most ${MESSAGE_MAX} characters.`),
});

export type MessageInput = z.infer<typeof messageSchema>;
