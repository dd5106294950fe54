import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditRequest } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { presentToken, presentUser } from '../present.ts';
import { roleSchema, tokenSchema, userSchema } from '../schemas.ts';

const nameParam = z.object({ name: z.string().min(1).max(64) });

export async function userRoutes(base: FastifyInstance, { ctx }: { ctx: ApiContext }): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['users'];

  app.get('/api/users', { config: { access: 'users.manage' }, schema: { summary: 'Console accounts', tags, response: { 200: z.object({ items: z.array(userSchema) }) } } }, async () => ({
    items: ctx.users.list().map(presentUser),
  }));

  app.post(
    '/api/users',
    {
      config: { access: 'users.manage' },
      schema: { summary: 'Create an account; answers its one-time password (shown once)', tags, body: z.object({ name: z.string().min(1).max(64), role: roleSchema }), response: { 200: z.object({ user: userSchema, password: z.string() }) } },
    },
    async (req) => {
      const { user, password } = await ctx.users.add(req.body.name, req.body.role, req.principal!.actor);
      auditRequest(ctx, req, 'users.add', `user:${user.name}`, { role: user.role });
      return { user: presentUser(user), password };
    },
  );

  app.patch(
    '/api/users/:name',
    {
      config: { access: 'users.manage' },
      schema: { summary: "Change an account's role or disable/enable it (ends its sessions)", tags, params: nameParam, body: z.object({ role: roleSchema.optional(), disabled: z.boolean().optional() }), response: { 200: userSchema } },
    },
    async (req) => {
      let user = ctx.users.get(req.params.name);
      if (!user) throw new ApiError(404, `no user '${req.params.name}'`);
      const before = { role: user.role, disabled: user.disabled };
      if (req.body.role !== undefined && req.body.role !== user.role) user = ctx.users.setRole(user.name, req.body.role);
      if (req.body.disabled !== undefined && req.body.disabled !== user.disabled) user = ctx.users.setDisabled(user.name, req.body.disabled);
      if (before.role !== user.role || before.disabled !== user.disabled) {
        ctx.sessions.revokeAllFor(user.id, req.principal!.session?.id);
        auditRequest(ctx, req, 'users.change', `user:${user.name}`, { before, after: { role: user.role, disabled: user.disabled } });
      }
      return presentUser(user);
    },
  );

  app.post(
    '/api/users/:name/reset-password',
    { config: { access: 'users.manage' }, schema: { summary: 'A new one-time password (ends the account’s sessions)', tags, params: nameParam, response: { 200: z.object({ user: userSchema, password: z.string() }) } } },
    async (req) => {
      const { user, password } = await ctx.users.resetPassword(req.params.name);
      ctx.sessions.revokeAllFor(user.id);
      auditRequest(ctx, req, 'users.reset-password', `user:${user.name}`);
      return { user: presentUser(user), password };
    },
  );

  app.post('/api/users/:name/unlock', { config: { access: 'users.manage' }, schema: { summary: 'Lift a login lockout', tags, params: nameParam, response: { 200: userSchema } } }, async (req) => {
    const user = ctx.users.unlock(req.params.name);
    auditRequest(ctx, req, 'users.unlock', `user:${user.name}`);
    return presentUser(user);
  });

  app.post(
    '/api/users/:name/reset-totp',
    { config: { access: 'users.manage' }, schema: { summary: "Turn off an account's second factor (lost device)", tags, params: nameParam, response: { 200: userSchema } } },
    async (req) => {
      const user = ctx.users.resetTotp(req.params.name);
      auditRequest(ctx, req, 'users.reset-totp', `user:${user.name}`);
      return presentUser(user);
    },
  );

  const tokenTags = ['tokens'];
  app.get('/api/tokens', { config: { access: 'tokens.manage' }, schema: { summary: 'API tokens', tags: tokenTags, response: { 200: z.object({ items: z.array(tokenSchema) }) } } }, async () => ({
    items: ctx.tokens.list().map(presentToken),
  }));

  app.post(
    '/api/tokens',
    {
      config: { access: 'tokens.manage' },
      schema: {
        summary: 'Create an API token; answers the token (shown once) for Authorization: Bearer',
        tags: tokenTags,
        body: z.object({ role: roleSchema, label: z.string().min(1).max(100), expiresInDays: z.number().int().min(1).max(3650).optional() }),
        response: { 200: z.object({ token: z.string(), info: tokenSchema }) },
      },
    },
    async (req) => {
      const { token, info } = ctx.tokens.create({ role: req.body.role, label: req.body.label, createdBy: req.principal!.actor, expiresInDays: req.body.expiresInDays });
      auditRequest(ctx, req, 'tokens.create', `token:${info.id}`, { role: info.role, label: info.label, expiresAt: info.expiresAt?.toISOString() ?? null });
      return { token, info: presentToken(info) };
    },
  );

  app.delete(
    '/api/tokens/:id',
    { config: { access: 'tokens.manage' }, schema: { summary: 'Revoke an API token', tags: tokenTags, params: z.object({ id: z.string().regex(/^[0-9a-f]{8}$/) }), response: { 200: tokenSchema } } },
    async (req) => {
      const t = ctx.tokens.revoke(req.params.id, req.principal!.actor);
      auditRequest(ctx, req, 'tokens.revoke', `token:${t.id}`);
      return presentToken(t);
    },
  );
}
