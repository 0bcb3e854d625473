import type { Credentials } from '../../kling/auth.ts';
import { KlingClient } from '../../kling/client.ts';
import { createFetchContext } from '../../kling/http-context.ts';
import { signingTokenSource } from '../sinks/signing.ts';

/**
 * The probe's client: the free calls and nothing else (kling-api §7, §9a: queries, lists and the account check
 * are not billed). It is a plain object holding three functions, so a create is not reachable from it at all,
 * whatever flag or mode is set; the KlingClient behind it is never handed out.
 */
export type ReadOnlyClient = Pick<KlingClient, 'query' | 'list' | 'accountCosts'>;

export function readOnlyClient(baseUrl: string, credentials: Credentials): ReadOnlyClient {
  const client = new KlingClient({ baseUrl, token: signingTokenSource(credentials), http: createFetchContext() });
  return {
    query: (family, taskId) => client.query(family, taskId),
    list: (family, page) => client.list(family, page),
    accountCosts: (window) => client.accountCosts(window),
  };
}
