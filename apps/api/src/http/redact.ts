/**
 * Removes what looks like a credential from text bound for logs: bearer tokens, JWTs and
 * OAuth token/secret parameters in query strings, form bodies or JSON. Errors from platform
 * clients and HTTP libraries often quote the request that failed, secrets included.
 */
const PATTERNS: Array<[RegExp, string]> = [
  [/(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, '$1[REDACTED]'],
  [/(basic\s+)[A-Za-z0-9+/]+=*/gi, '$1[REDACTED]'],
  // JSON members: "access_token": "..."
  [
    /("(?:access_token|refresh_token|id_token|client_secret|code_verifier|password|secret|token|authorization)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    '$1"[REDACTED]"',
  ],
  // Query strings and form bodies: access_token=...
  [
    /((?:access_token|refresh_token|id_token|client_secret|code_verifier|password|code)=)[^&\s"']+/gi,
    '$1[REDACTED]',
  ],
  // Any JWT-shaped string left over.
  [/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[REDACTED_JWT]'],
];

export function redactSecrets(text: string): string {
  return PATTERNS.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text);
}
