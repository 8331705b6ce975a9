/**
 * INTEGRATION_SECRET and CARRIER_URL (docs/design.md §10): their zod schemas, merged into
 * config/config.ts's one schema, and the derived section of the Config. Nothing here reads
 * the environment.
 */
import { z } from 'zod';
import { peerUrlProblem } from '../integrations/peer-url';

export interface IntegrationConfig {
  /**
   * `whsec_<base64>`: signs every message to warehouses and the carrier. Non-enumerable, so a
   * logged or serialised Config never carries it.
   */
  readonly secret: string | undefined;
  /** The carrier's HTTP endpoint; unset: CARRIER_MODE. */
  carrierUrl: string | undefined;
}

export const integrationSecretSchema = z
  .string()
  .optional()
  .superRefine((value, ctx) => {
    if (value === undefined) return;
    // Never echo the secret: say what is wrong with it, not what it is.
    const b64 = value.startsWith('whsec_') ? value.slice('whsec_'.length) : undefined;
    if (b64 === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must start with whsec_ followed by base64 (e.g. `whsec_$(openssl rand -base64 32)`)' });
      return;
    }
    const bytes = Buffer.from(b64, 'base64').length;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || bytes < 24 || bytes > 64) {
      ctx.addIssue({ code: 'custom', message: `must be whsec_ followed by 24 to 64 bytes in base64, got ${/^[A-Za-z0-9+/]+={0,2}$/.test(b64) ? `${bytes} bytes` : 'something that is not base64'}` });
    }
  });

export const carrierUrlSchema = z
  .string()
  .optional()
  .superRefine((value, ctx) => {
    const problem = value === undefined ? undefined : peerUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const INTEGRATION_SHAPE = { INTEGRATION_SECRET: integrationSecretSchema, CARRIER_URL: carrierUrlSchema };

/** The section, or the problems (each naming its variable) when the variables do not fit together. */
export function integrationConfig(e: { INTEGRATION_SECRET?: string; CARRIER_URL?: string; CARRIER_SECRET?: string }): IntegrationConfig | string[] {
  if (e.CARRIER_URL !== undefined && e.INTEGRATION_SECRET === undefined && e.CARRIER_SECRET === undefined) {
    return ['INTEGRATION_SECRET: required when CARRIER_URL is set and CARRIER_SECRET is not (messages to the carrier are signed with one of them)'];
  }
  const section = { carrierUrl: e.CARRIER_URL } as IntegrationConfig;
  Object.defineProperty(section, 'secret', { value: e.INTEGRATION_SECRET, enumerable: false });
  return section;
}
