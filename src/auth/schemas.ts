import { z } from 'zod';
import { nicknameSchema } from '../users/schemas.js';

/** A new password: sign-up and the password change check it the same way. */
export const newPasswordSchema = z
  .string()
  .min(10, 'Password needs at least 10 characters.')
  .max(200, 'Password can have at most 200 characters.')
  .refine((p) => new Set(p).size >= 5, 'Password is too simple: use more different characters.');

export const signupSchema = z.object({
  email: z.email('Enter a valid email address.').max(254).transform((e) => e.trim().toLowerCase()),
  nickname: nicknameSchema,
  password: newPasswordSchema,
});
export type SignupInput = z.infer<typeof signupSchema>;

export const loginSchema = z.object({
  email: z.string().trim().min(1, 'Enter your email.'),
  password: z.string().min(1, 'Enter your password.'),
});

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, 'Enter your current password.').max(200),
  newPassword: newPasswordSchema,
});
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

export const deleteAccountSchema = z.object({
  password: z.string().min(1, 'Enter your password to confirm.').max(200),
});
