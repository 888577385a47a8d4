/** Authorization request parameters in the form they are stored for a pushed request. */
import type { Params } from '../../http/params.ts';

/** Client authentication parameters: they authenticate the push, they are not part of the request. */
export const CLIENT_AUTH_PARAMS = ['client_secret', 'client_assertion', 'client_assertion_type'];

/** Every non-empty parameter; repeatable ones (`resource`) keep all their values. */
export function paramsToRecord(params: Params): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of params.keys()) {
    const values = params.all(key);
    if (values.length === 1 && values[0] !== undefined) out[key] = values[0];
    else if (values.length > 1) out[key] = values;
  }
  return out;
}
