/**
 * OUTBOUND_ALLOWED_NETWORKS (docs/design.md §20, "Outbound destinations"): its zod schema, merged
 * into config/config.ts's one schema, and the policy every outbound request and registration
 * checks. Nothing here reads the environment.
 */
import { z } from 'zod';
import { literalHostRefusal, parseCidr, type AddressPolicy, type Cidr } from '../integrations/address-policy';

export interface OutboundConfig extends AddressPolicy {
  /** NODE_ENV=production: literal internal addresses and `localhost` are refused at registration (422 destination_not_allowed). */
  refuseAtRegistration: boolean;
}

export const allowedNetworksSchema = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const networks: Cidr[] = [];
    for (const [i, entry] of (value ?? '').split(',').map((e) => e.trim()).entries()) {
      if (entry === '') continue;
      const cidr = parseCidr(entry);
      if (!cidr) {
        ctx.addIssue({ code: 'custom', message: `entry ${i + 1} ("${entry.slice(0, 60)}") must be a CIDR like 10.0.0.0/8 or fd00::/8` });
        return z.NEVER;
      }
      networks.push(cidr);
    }
    return networks;
  });

export const OUTBOUND_SHAPE = { OUTBOUND_ALLOWED_NETWORKS: allowedNetworksSchema };

export function outboundConfig(e: { NODE_ENV: string; OUTBOUND_ALLOWED_NETWORKS: Cidr[] }): OutboundConfig {
  const production = e.NODE_ENV === 'production';
  return { allowLoopback: !production, allowedNetworks: e.OUTBOUND_ALLOWED_NETWORKS, refuseAtRegistration: production };
}

/**
 * Why `url` may not be registered as a destination under `config`, or undefined. Only a host that
 * is an address (or `localhost`) is judged here; a name is judged when the connection is made.
 */
export function destinationProblem(url: string, config: OutboundConfig): string | undefined {
  if (!config.refuseAtRegistration || !URL.canParse(url)) return undefined;
  const why = literalHostRefusal(new URL(url).hostname, config);
  return why && `${why}: outbound requests go to public addresses only (OUTBOUND_ALLOWED_NETWORKS lists the exceptions)`;
}
