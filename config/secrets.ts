/**
 * SECRETS_KEY, SIGNING_SECRET_GRACE and CARRIER_SECRET (docs/design.md §20): their zod schemas,
 * merged into config/config.ts's one schema, and the derived section of the Config. Nothing
 * here reads the environment.
 */
import { z } from 'zod';
import { parseDuration } from './duration';
import { integrationSecretSchema } from './integration';

export interface SecretsConfig {
  /** 32 bytes (AES-256-GCM) sealing webhook and warehouse secrets at rest; undefined: stored marked `plain:` (development only). Non-enumerable. */
  readonly key: Buffer | undefined;
  /** How long messages to a warehouse also carry a signature under its previous secret. */
  signingGraceMs: number;
  /** `whsec_…` signing messages to the carrier; else INTEGRATION_SECRET. Non-enumerable. */
  readonly carrierSecret: string | undefined;
}

export const secretsKeySchema = z
  .string()
  .optional()
  .superRefine((value, ctx) => {
    if (value === undefined) return;
    // Never echo the key: say what is wrong with it.
    const bytes = Buffer.from(value, 'base64').length;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || bytes !== 32) {
      ctx.addIssue({ code: 'custom', message: `must be 32 bytes in base64 (e.g. \`openssl rand -base64 32\`), got ${/^[A-Za-z0-9+/]+={0,2}$/.test(value) ? `${bytes} bytes` : 'something that is not base64'}` });
    }
  });

const grace = z
  .string()
  .default('24h')
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms < 0) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration like 0s, 15m, 24h or 7d` });
      return z.NEVER;
    }
    return ms;
  });

export const SECRETS_SHAPE = { SECRETS_KEY: secretsKeySchema, SIGNING_SECRET_GRACE: grace, CARRIER_SECRET: integrationSecretSchema };

/** The section. (SECRETS_KEY's production requirement is with the other production refusals in config/config.ts.) */
export function secretsConfig(e: { SECRETS_KEY?: string; SIGNING_SECRET_GRACE: number; CARRIER_SECRET?: string }): SecretsConfig {
  const section = { signingGraceMs: e.SIGNING_SECRET_GRACE } as SecretsConfig;
  Object.defineProperty(section, 'key', { value: e.SECRETS_KEY === undefined ? undefined : Buffer.from(e.SECRETS_KEY, 'base64'), enumerable: false });
  Object.defineProperty(section, 'carrierSecret', { value: e.CARRIER_SECRET, enumerable: false });
  return section;
}
