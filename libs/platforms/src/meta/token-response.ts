/**
 * Business Login for Instagram documents its code exchange answer as
 * `{data:[{access_token, user_id, permissions}]}`, while the endpoint has been seen answering
 * the flat `{access_token, user_id, permissions}`. This returns the flat form for both, and
 * leaves any other body as it is.
 *
 * `permissions` comes as a comma-separated string or an array; it is returned as `scope`
 * (space-separated, as OAuthFlows reads it) unless the body already names a scope.
 *
 * NOTE: the code exchange runs inside passport-oauth2 (`oauth` reads `access_token` at the
 * top level), so this only takes effect once PlatformOAuth2Strategy applies it to the token
 * response; see the report that came with this file.
 */
export function unwrapMetaTokenResponse(body: Record<string, unknown>): Record<string, unknown> {
  let flat = body;
  if (typeof body.access_token !== 'string' && Array.isArray(body.data) && body.data.length > 0) {
    const first = body.data[0] as unknown;
    if (typeof first === 'object' && first !== null) {
      const { data: _wrapped, ...rest } = body;
      flat = { ...rest, ...(first as Record<string, unknown>) };
    }
  }
  const permissions = flat.permissions;
  if (flat.scope === undefined && permissions !== undefined) {
    const list = Array.isArray(permissions)
      ? permissions.filter((p): p is string => typeof p === 'string')
      : typeof permissions === 'string'
        ? permissions.split(/[\s,]+/)
        : [];
    flat = { ...flat, scope: list.filter(Boolean).join(' ') };
  }
  return flat;
}
