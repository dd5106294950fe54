import { existsSync, rmSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import QRCode from 'qrcode';
import { z } from 'zod';
import { permissionsOf } from '../../users/roles.ts';
import type { Principal } from '../auth.ts';
import { auditRequest, isSecure, sessionCookieName, SECURE_SESSION_COOKIE, SESSION_COOKIE } from '../auth.ts';
import { initialPasswordFile } from '../bootstrap.ts';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { errorSchema, loginSchema, okSchema, sessionInfoSchema, type SessionInfo } from '../schemas.ts';

function sessionInfo(ctx: ApiContext, p: Principal): SessionInfo {
  return {
    user: { name: p.name, role: p.role, kind: p.kind, totpEnabled: p.user?.totpEnabled ?? false, mustChangePassword: p.user?.mustChangePassword ?? false },
    permissions: p.user?.mustChangePassword ? [] : permissionsOf(p.role),
    csrfToken: p.session?.csrfToken ?? null,
    expiresAt: p.session ? p.session.expiresAt.toISOString() : null,
    orgName: ctx.config().org.name,
  };
}

function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, expires: Date): void {
  reply.setCookie(sessionCookieName(req), token, { httpOnly: true, sameSite: 'strict', secure: isSecure(req), path: '/', expires });
}

function clearSessionCookies(req: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  if (isSecure(req)) reply.clearCookie(SECURE_SESSION_COOKIE, { path: '/', secure: true });
}

export async function authRoutes(base: FastifyInstance, { ctx }: { ctx: ApiContext }): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const limits = ctx.config().console.login;

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public', rateLimit: { max: limits.perIpPerMinute, timeWindow: 60_000 } },
      schema: { summary: 'Sign in with a user name, password and (when enrolled) a TOTP code', tags: ['auth'], body: loginSchema, response: { 200: sessionInfoSchema, 401: errorSchema, 423: errorSchema } },
    },
    async (req, reply) => {
      const { username, password, totp } = req.body;
      const r = await ctx.users.authenticate(username, password, totp);
      if (!r.ok) {
        if (r.reason === 'totp-required') return reply.code(401).send({ error: 'totp-required' });
        ctx.audit.record({ actor: r.user ? `user:${r.user.name}` : 'anonymous', action: 'auth.login-failed', target: `user:${username.slice(0, 64)}`, detail: { reason: r.reason, ip: req.ip } });
        if (r.reason === 'locked') {
          return reply.code(423).send({ error: `too many failed sign-ins: this account is locked until ${r.lockedUntil!.toISOString()} (an admin can unlock it sooner)` });
        }
        if (r.reason === 'disabled') return reply.code(401).send({ error: 'this account is disabled' });
        return reply.code(401).send({ error: r.reason === 'totp-invalid' ? 'that code is not valid (or was already used); enter the current one' : 'wrong user name or password' });
      }
      const { token, session } = ctx.sessions.create(r.user.id, req.ip, req.headers['user-agent'] ?? '');
      setSessionCookie(req, reply, token, session.expiresAt);
      ctx.audit.record({ actor: `user:${r.user.name}`, action: 'auth.login', target: `user:${r.user.name}`, detail: { ip: req.ip, totp: r.user.totpEnabled } });
      return sessionInfo(ctx, { kind: 'user', name: r.user.name, role: r.user.role, actor: `user:${r.user.name}`, user: r.user, session, tokenId: null });
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { access: 'signed-in' }, schema: { summary: 'Sign out (ends this session)', tags: ['auth'], response: { 200: okSchema } } },
    async (req, reply) => {
      const p = req.principal!;
      if (p.session) {
        ctx.sessions.revoke(p.session.id);
        auditRequest(ctx, req, 'auth.logout', `user:${p.name}`);
      }
      clearSessionCookies(req, reply);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/auth/session',
    { config: { access: 'signed-in' }, schema: { summary: 'Who is signed in, their permissions and the CSRF token', tags: ['auth'], response: { 200: sessionInfoSchema } } },
    async (req) => sessionInfo(ctx, req.principal!),
  );

  app.post(
    '/api/auth/password',
    {
      config: { access: 'user-session' },
      schema: { summary: 'Change your own password (ends your other sessions)', tags: ['auth'], body: z.object({ current: z.string().min(1).max(256), next: z.string().min(1).max(256) }), response: { 200: sessionInfoSchema } },
    },
    async (req) => {
      const p = req.principal!;
      const user = await ctx.users.changePassword(p.name, req.body.current, req.body.next);
      ctx.sessions.revokeAllFor(user.id, p.session!.id);
      auditRequest(ctx, req, 'auth.password-change', `user:${user.name}`);
      const file = initialPasswordFile(ctx.dataDir);
      if (user.name === 'admin' && existsSync(file)) rmSync(file, { force: true });
      return sessionInfo(ctx, { ...p, user });
    },
  );

  app.post(
    '/api/auth/totp/setup',
    {
      config: { access: 'user-session' },
      schema: { summary: 'Start two-factor enrolment: a new TOTP secret and its QR code', tags: ['auth'], response: { 200: z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() }) } },
    },
    async (req) => {
      const p = req.principal!;
      if (p.user?.mustChangePassword) throw new ApiError(403, 'change your one-time password first');
      const { secret, uri } = ctx.users.beginTotp(p.name, ctx.config().org.name ? `Medshield (${ctx.config().org.name})` : 'Medshield');
      const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return { secret, uri, qrSvg };
    },
  );

  app.post(
    '/api/auth/totp/enable',
    { config: { access: 'user-session' }, schema: { summary: 'Confirm enrolment with a current code', tags: ['auth'], body: z.object({ code: z.string().min(6).max(16) }), response: { 200: sessionInfoSchema } } },
    async (req) => {
      const p = req.principal!;
      const user = ctx.users.enableTotp(p.name, req.body.code);
      auditRequest(ctx, req, 'auth.totp-enable', `user:${user.name}`);
      return sessionInfo(ctx, { ...p, user });
    },
  );

  app.post(
    '/api/auth/totp/disable',
    { config: { access: 'user-session' }, schema: { summary: 'Turn off two-factor authentication (needs the password)', tags: ['auth'], body: z.object({ password: z.string().min(1).max(256) }), response: { 200: sessionInfoSchema } } },
    async (req) => {
      const p = req.principal!;
      const user = await ctx.users.disableTotp(p.name, req.body.password);
      auditRequest(ctx, req, 'auth.totp-disable', `user:${user.name}`);
      return sessionInfo(ctx, { ...p, user });
    },
  );
}
