import { z } from 'zod';

/** Loopback issuers may use plain http (a provider run on the same machine, as the tests do). */
export const isLoopbackHost = (hostname: string) => hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';

const providerSchema = z.object({
  /** In URLs (/auth/<id>) and the identities table; never change it once musicians have linked. */
  id: z
    .string()
    .regex(/^[a-z0-9-]{1,30}$/, 'id: lower-case letters, digits and - (at most 30)')
    .refine((id) => !['welcome', 'link'].includes(id), 'id: "welcome" and "link" are SoundHub pages (/auth/welcome, /auth/link)'),
  /** On the button: "Continue with <name>". */
  name: z.string().min(1).max(40),
  issuer: z.url().refine((u) => {
    const url = new URL(u);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  }, 'issuer must be https (plain http only on localhost)'),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  scope: z.string().min(1).default('openid email profile'),
});
export type OidcProviderConfig = z.infer<typeof providerSchema>;

/** OIDC_PROVIDERS: a JSON array of providers. */
export const oidcProvidersSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of providers' });
      return z.NEVER;
    }
  })
  .pipe(z.array(providerSchema));
