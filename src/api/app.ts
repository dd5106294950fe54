import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { QuarantineError } from '../quarantine/quarantine-store.ts';
import { UserError } from '../users/user-store.ts';
import { authPlugin } from './auth.ts';
import type { ApiContext } from './context.ts';
import { ApiError } from './errors.ts';
import { actionRoutes } from './routes/action-routes.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { dashboardRoutes } from './routes/dashboard-routes.ts';
import { directoryRoutes } from './routes/directory-routes.ts';
import { messageRoutes } from './routes/message-routes.ts';
import { respondRoutes } from './routes/respond-routes.ts';
import { settingsRoutes } from './routes/settings-routes.ts';
import { userRoutes } from './routes/user-routes.ts';
import { verifyRoutes } from './routes/verify-routes.ts';
import { simulationRoutes } from './routes/simulation-routes.ts';
import { trainingRoutes } from './routes/training-routes.ts';

export interface AppOptions {
  https?: { cert: Buffer; key: Buffer };
  /** Whether a settings change reaches the running scanner at once. */
  reloadable?: () => boolean;
}

/**
 * The console's own Content-Security-Policy: its scripts and styles come from this origin
 * only, nothing may be framed from elsewhere, and the page may be framed by nobody. The
 * message preview (an iframe srcdoc) inherits it and adds its own, stricter one.
 */
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const USER_ERROR_STATUS: Record<UserError['code'], number> = { invalid: 400, exists: 409, 'not-found': 404, 'last-admin': 409, password: 400, totp: 400 };
const QUARANTINE_ERROR_STATUS: Record<QuarantineError['code'], number> = { 'not-found': 404, state: 409, 'not-a-recipient': 403, 'body-gone': 410, invalid: 400 };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** The console's HTTP application: the API under /api, /healthz, and the built web console. */
export async function buildApp(ctx: ApiContext, o: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    trustProxy: ctx.config().console.trustProxy,
    bodyLimit: 1024 * 1024,
    // The live feed holds its connection open; closing must not wait for the browser to hang up.
    forceCloseConnections: true,
    ...(o.https ? { https: o.https } : {}),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Medshield API', version: '1', description: 'The security team’s API: mail verdicts, quarantine actions, audit log, directory and settings. Authenticate with a session cookie (the console) or `Authorization: Bearer <API token>`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'medshield_session' } } },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(authPlugin, { ctx });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', CONSOLE_CSP);
    if (req.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000');
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => `${[err.validationContext, ...(v.instancePath ? v.instancePath.split('/').filter(Boolean) : [])].join('.')}: ${v.message}`);
      return reply.code(400).send({ error: 'invalid request', details });
    }
    if (err instanceof ApiError) return reply.code(err.status).send({ error: err.message, ...(err.details ? { details: err.details } : {}) });
    if (err instanceof UserError) return reply.code(USER_ERROR_STATUS[err.code]).send({ error: err.message });
    if (err instanceof QuarantineError) return reply.code(QUARANTINE_ERROR_STATUS[err.code]).send({ error: err.message });
    if (err.statusCode === 429) return reply.code(429).send({ error: 'too many requests; wait a minute and try again' });
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return reply.code(err.statusCode).send({ error: err.message });
    ctx.logger.error('console request failed', { method: req.method, url: req.url.split('?')[0], error: err.message, serialization: isResponseSerializationError(err) });
    return reply.code(500).send({ error: 'internal error (logged on the server)' });
  });

  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    try {
      return reply.header('cache-control', 'no-store').send({ status: 'ok', ...(ctx.gateway?.status() ?? {}) });
    } catch (err) {
      return reply.code(503).send({ status: 'error', error: (err as Error).message });
    }
  });
  // For load balancers: 503 until the store answers (PostgreSQL down, a locked SQLite file).
  app.get('/readyz', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    try {
      ctx.db.prepare('SELECT 1').get();
      return reply.header('cache-control', 'no-store').send({ status: 'ready', checks: { store: 'ok' } });
    } catch (err) {
      return reply.code(503).send({ status: 'not ready', checks: { store: (err as Error).message } });
    }
  });
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  await app.register(authRoutes, { ctx });
  await app.register(userRoutes, { ctx });
  await app.register(messageRoutes, { ctx });
  await app.register(actionRoutes, { ctx });
  await app.register(dashboardRoutes, { ctx });
  await app.register(auditRoutes, { ctx });
  await app.register(directoryRoutes, { ctx });
  await app.register(settingsRoutes, { ctx, reloadable: o.reloadable ?? (() => false) });
  await app.register(verifyRoutes, { ctx });
  await app.register(respondRoutes, { ctx });
  await app.register(simulationRoutes, { ctx });
  await app.register(trainingRoutes, { ctx });
  await registerConsole(app, ctx.consoleDir);
  return app;
}

/**
 * The built console: files under its directory, and index.html for every other path that
 * is not the API (the console routes in the browser). @fastify/static only sends the files;
 * the one route here decides what may be served, so it carries an access rule like any other.
 */
async function registerConsole(app: FastifyInstance, dir: string | null): Promise<void> {
  const root = dir && existsSync(join(dir, 'index.html')) ? resolve(dir) : null;
  if (root) await app.register(fastifyStatic, { root, serve: false });
  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (req, reply) => {
    const path = decodeURIComponent(req.url.split('?')[0]!);
    if (path.startsWith('/api/') || path === '/api') return reply.code(404).send({ error: `no API route ${req.method} ${path}` });
    if (!root) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The Medshield web console is not built on this server (dist/console/index.html is missing). The API answers under /api (see /api/openapi.json).\n');
    }
    const file = normalize(join(root, path));
    if (file.startsWith(root + sep) && !path.endsWith('/') && existsSync(file) && statSync(file).isFile()) {
      const ext = file.slice(file.lastIndexOf('.'));
      const immutable = path.startsWith('/assets/');
      return reply
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .type(CONTENT_TYPES[ext] ?? 'application/octet-stream')
        .sendFile(file.slice(root.length + 1), { cacheControl: false });
    }
    if (/\.[a-z0-9]{1,5}$/i.test(path)) return reply.code(404).type('text/plain; charset=utf-8').send('not found\n');
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(readFileSync(join(root, 'index.html')));
  });
}
