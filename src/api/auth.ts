import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { can, type Permission, type Role } from '../users/roles.ts';
import type { Session } from '../users/session-store.ts';
import type { User } from '../users/user-store.ts';
import type { ApiContext } from './context.ts';

/**
 * Who is asking, and may they. Every route declares `config.access`:
 *  - 'public': anyone (login, health, the console's static files, the OpenAPI document);
 *  - 'signed-in': any session or API token, even one whose password must be changed first;
 *  - 'user-session': a person's browser session (not an API token), e.g. changing one's password;
 *  - a permission (roles.ts): a principal whose role has it.
 * A route without `access` cannot be registered, so nothing is open by omission.
 *
 * Browser sessions ride on an HttpOnly, SameSite=Strict cookie; state-changing requests
 * must also carry the session's CSRF token in X-CSRF-Token (a synchronizer token kept in
 * the session row, so no cookie secret is needed). API tokens come as `Authorization:
 * Bearer` and are not subject to CSRF (a browser never attaches them by itself).
 */
export type Access = 'public' | 'signed-in' | 'user-session' | Permission;

export interface Principal {
  kind: 'user' | 'token';
  /** User name or token label. */
  name: string;
  role: Role;
  /** How the audit log names them: `user:alice`, `token:1a2b3c4d`. */
  actor: string;
  user: User | null;
  session: Session | null;
  tokenId: string | null;
}

/** One registered route and who may call it (the authorization matrix test walks these). */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every route registered on the app with its access rule, in registration order. */
    accessTable: RouteAccess[];
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

export const SESSION_COOKIE = 'medshield_session';
/** Under TLS the cookie gets the __Host- prefix: Secure, Path=/, no Domain, so no subdomain can set or shadow it. */
export const SECURE_SESSION_COOKIE = '__Host-medshield_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSecure(req: FastifyRequest): boolean {
  return req.protocol === 'https';
}

export function sessionCookieName(req: FastifyRequest): string {
  return isSecure(req) ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function deny(reply: FastifyReply, status: 401 | 403, error: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ error });
}

function resolvePrincipal(ctx: ApiContext, req: FastifyRequest): Principal | null {
  const authz = req.headers.authorization;
  if (authz !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(authz);
    const t = m ? ctx.tokens.resolve(m[1]!) : null;
    if (!t) return null;
    return { kind: 'token', name: t.label, role: t.role, actor: `token:${t.id}`, user: null, session: null, tokenId: t.id };
  }
  const cookie = req.cookies[SECURE_SESSION_COOKIE] ?? (isSecure(req) ? undefined : req.cookies[SESSION_COOKIE]);
  if (!cookie) return null;
  const session = ctx.sessions.resolve(cookie);
  if (!session) return null;
  const user = ctx.users.byId(session.userId);
  if (!user || user.disabled) {
    ctx.sessions.revoke(session.id);
    return null;
  }
  return { kind: 'user', name: user.name, role: user.role, actor: `user:${user.name}`, user, session, tokenId: null };
}

export const authPlugin = fp(async (app: FastifyInstance, opts: { ctx: ApiContext }) => {
  const { ctx } = opts;
  app.decorateRequest('principal', null);
  app.decorate('accessTable', [] as RouteAccess[]);

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} declares no access (config.access)`);
    for (const method of [route.method].flat()) app.accessTable.push({ method: String(method), url: route.url, access });
  });

  app.addHook('onRequest', async (req, reply) => {
    const access = req.routeOptions.config?.access;
    if (!access) return; // the not-found handler
    req.principal = resolvePrincipal(ctx, req);
    if (access === 'public') return;
    const p = req.principal;
    if (!p) return deny(reply, 401, req.headers.authorization ? 'invalid or expired API token' : 'sign in first');
    if (p.session && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameToken(sent, p.session.csrfToken)) return deny(reply, 403, 'missing or wrong CSRF token (X-CSRF-Token)');
    }
    if (access === 'signed-in') return;
    if (access === 'user-session') {
      if (p.kind !== 'user') return deny(reply, 403, 'only a signed-in person can do this, not an API token');
      return;
    }
    if (p.user?.mustChangePassword) return deny(reply, 403, 'change your one-time password first');
    if (!can(p.role, access)) return deny(reply, 403, `your role (${p.role}) does not allow this`);
  });
});

/** Records an audit entry for the request's principal, with the client address. */
export function auditRequest(ctx: ApiContext, req: FastifyRequest, action: string, target: string, detail: Record<string, unknown> = {}): void {
  ctx.audit.record({ actor: req.principal?.actor ?? 'anonymous', action, target, detail: { ...detail, ip: req.ip } });
}

/** The audit context QuarantineStore adds to its own entries. */
export function requestContext(req: FastifyRequest, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...extra, ip: req.ip, via: req.principal?.kind === 'token' ? 'api-token' : 'console' };
}

export function principalCan(req: FastifyRequest, permission: Permission): boolean {
  const p = req.principal;
  return !!p && !p.user?.mustChangePassword && can(p.role, permission);
}
