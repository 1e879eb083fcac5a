import { z } from 'zod';

export const signupSchema = z.object({
  email: z.email('Enter a valid email address.').max(254).transform((e) => e.trim().toLowerCase()),
  nickname: z
    .string()
    .trim()
    .min(3, 'Nickname needs at least 3 characters.')
    .max(30, 'Nickname can have at most 30 characters.')
    .regex(/^[A-Za-z0-9_-]+$/, 'Nickname can use letters, digits, _ and - only.'),
  password: z
    .string()
    .min(10, 'Password needs at least 10 characters.')
    .max(200, 'Password can have at most 200 characters.')
    .refine((p) => new Set(p).size >= 5, 'Password is too simple: use more different characters.'),
});
export type SignupInput = z.infer<typeof signupSchema>;

export const loginSchema = z.object({
  email: z.string().trim().min(1, 'Enter your email.'),
  password: z.string().min(1, 'Enter your password.'),
});
