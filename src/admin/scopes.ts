/**
 * Administration scopes. `portcullis:admin` on a token from the default tenant administers every
 * tenant; on a token from tenant X it administers X only. `portcullis:admin:<slug>` on a
 * default-tenant token administers tenant <slug> only.
 */
export const ADMIN_SCOPE = 'portcullis:admin';

export function isAdminScope(scope: string): boolean {
  return scope === ADMIN_SCOPE || scope.startsWith(`${ADMIN_SCOPE}:`);
}
