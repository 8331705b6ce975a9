/** GET /whoami: which role the presented key has, so a client (the console) can show only what it may do. */
import { z } from 'zod';
import { scopeLabel } from '../../domain/principal';
import { principalFromHeader, type KeyStore } from '../auth';
import { defineRoute, type AnyRoute } from '../route';
import { whoamiSchema } from '../schemas';

export function whoamiRoutes(deps: { keys: KeyStore }): AnyRoute[] {
  const { keys } = deps;
  const whoami = defineRoute({
    method: 'get',
    path: '/whoami',
    operationId: 'whoami',
    tag: 'auth',
    summary: "The caller's role",
    description:
      'Public so that it can answer "auth is off" without a key. With auth on, the `Authorization: Bearer <key>` header is checked like on every other route (401 when missing or unknown) and the key\'s role is answered. ' +
      'With auth off every caller has every role: `{role: "admin", auth: "off"}`.',
    access: 'public',
    query: z.object({}).strict(),
    responses: {
      200: { description: 'The role of the presented key, and whether authentication is on', schema: whoamiSchema },
      401: { description: 'Auth is on and the key is missing or unknown (`unauthorized`)' },
    },
    async handler({ req }) {
      if (!keys.enabled) return { status: 200, body: { role: 'admin', auth: 'off' } };
      const { role, scope } = principalFromHeader(keys, req.get('authorization'));
      return { status: 200, body: scope ? { role, auth: 'on', scope: scopeLabel(scope) } : { role, auth: 'on' } };
    },
  });
  return [whoami] as AnyRoute[];
}
