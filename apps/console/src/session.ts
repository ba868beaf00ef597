/**
 * The signed-in session: the bearer token and the chosen workspace, kept in sessionStorage
 * (gone with the tab; never in a URL, never logged), and the roles the token claims.
 */
export type Role = 'owner' | 'admin' | 'editor' | 'auditor';

export interface Session {
  token: string;
  subject: string;
  workspaces: Record<string, Role>;
  workspaceId: string;
  expiresAt: Date | null;
}

const TOKEN_KEY = 'ledger.console.token';
const WORKSPACE_KEY = 'ledger.console.workspace';

/** The token's claims, read without verifying (the API verifies every call). */
export function sessionFromToken(token: string, workspaceId?: string): Session {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new Error('This is not a JWT (three dot-separated parts).');
  let claims: { sub?: unknown; workspaces?: unknown; exp?: unknown };
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
  } catch {
    throw new Error('The token’s claims cannot be read.');
  }
  const workspaces = (
    typeof claims.workspaces === 'object' && claims.workspaces !== null ? claims.workspaces : {}
  ) as Record<string, Role>;
  const ids = Object.keys(workspaces);
  if (ids.length === 0) throw new Error('The token names no workspace (claim "workspaces").');
  return {
    token: token.trim(),
    subject: typeof claims.sub === 'string' ? claims.sub : 'unknown',
    workspaces,
    workspaceId: workspaceId && workspaces[workspaceId] ? workspaceId : ids[0],
    expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : null,
  };
}

export function saveSession(session: Session | null): void {
  if (!session) {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(WORKSPACE_KEY);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, session.token);
  sessionStorage.setItem(WORKSPACE_KEY, session.workspaceId);
}

export function restoreSession(): Session | null {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  try {
    return sessionFromToken(token, sessionStorage.getItem(WORKSPACE_KEY) ?? undefined);
  } catch {
    return null;
  }
}

/** What each role may do, as AuthGuard decides it (the API refuses anyway). */
export const MAY = {
  manage: ['owner', 'admin'],
  changePlan: ['owner'],
  readAudit: ['owner', 'admin', 'auditor'],
} satisfies Record<string, Role[]>;

export type Permission = keyof typeof MAY;

export function may(session: Session, permission: Permission, workspaceId?: string): boolean {
  const role = session.workspaces[workspaceId ?? session.workspaceId];
  return (MAY[permission] as Role[]).includes(role);
}

/** Why a control is disabled, in the user's words. */
export function whyNot(session: Session, permission: Permission): string {
  const role = session.workspaces[session.workspaceId];
  const needs = MAY[permission].join(' or ');
  return `Your role here is ${role}: this needs ${needs}.`;
}
