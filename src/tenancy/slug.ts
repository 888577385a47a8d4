/** Tenant identifiers shared by the config file, the admin API and the CLI. */

/** The id of the tenant served at `/`, created at first start. */
export const DEFAULT_TENANT_ID = 'default';

/** A slug is one URL path segment, `/t/<slug>`: lowercase letters, digits and inner dashes, 1 to 64 characters. */
export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** Why `slug` cannot name a tenant, or `undefined` when it can. */
export function slugProblem(slug: string): string | undefined {
  if (!SLUG.test(slug)) return 'must be lowercase letters, digits and dashes (1 to 64)';
  // The default tenant's id would be confused with a slug of the same name.
  if (slug === DEFAULT_TENANT_ID) return `${slug} is reserved`;
  return undefined;
}
