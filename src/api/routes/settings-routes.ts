import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { loadBrandPack } from '../../brands/load.ts';
import { auditRequest } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { settingsResultSchema, settingsSchema, settingsUpdateSchema, type SettingsInfo } from '../schemas.ts';
import { SettingsError, type SettingsOverrides } from '../settings-store.ts';

function settingsInfo(ctx: ApiContext, reloadable: boolean): SettingsInfo {
  const c = ctx.config();
  const saved = ctx.settings.saved();
  let brands: SettingsInfo['brands'];
  try {
    const pack = loadBrandPack(c.brands.file);
    brands = { source: saved.overrides.brandsFile ? 'uploaded in the console' : (c.brands.file ?? 'shipped with Medshield'), count: pack.brands.length, names: pack.brands.map((b) => b.name) };
  } catch (err) {
    brands = { source: `${c.brands.file}: ${(err as Error).message}`, count: 0, names: [] };
  }
  return {
    values: {
      org: { name: c.org.name, domains: c.org.domains, partners: c.org.partners.map((p) => ({ name: p.name, domains: p.domains })) },
      policy: { thresholds: { ...c.policy.thresholds } },
      quarantine: { retentionDays: c.quarantine.retentionDays },
      exposure: { recordsPerRecipient: c.console.exposure.recordsPerRecipient, costPerRecordLow: c.console.exposure.costPerRecordLow, costPerRecordHigh: c.console.exposure.costPerRecordHigh },
      brandPack: { custom: !!saved.overrides.brandsFile },
    },
    brands,
    changedAt: saved.at?.toISOString() ?? null,
    changedBy: saved.actor,
    liveReload: reloadable,
  };
}

const SCANNING = ['org', 'policy', 'brandPackJson'] as const;

export async function settingsRoutes(base: FastifyInstance, { ctx, reloadable }: { ctx: ApiContext; reloadable: () => boolean }): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['settings'];

  app.get('/api/settings', { config: { access: 'settings.read' }, schema: { summary: 'Settings editable in the console, as in force now', tags, response: { 200: settingsSchema } } }, async () =>
    settingsInfo(ctx, reloadable()),
  );

  app.put(
    '/api/settings',
    {
      config: { access: 'settings.write' },
      bodyLimit: 6 * 1024 * 1024,
      schema: {
        summary: 'Change settings: validated as a whole configuration (errors name the key), kept in the store over the configuration file, audited with before and after',
        tags,
        body: settingsUpdateSchema,
        response: { 200: settingsResultSchema },
      },
    },
    async (req) => {
      const b = req.body;
      const change: SettingsOverrides & { brandPackJson?: string | null } = {};
      if (b.org) change.org = b.org;
      if (b.policy) change.policy = b.policy;
      if (b.quarantine) change.quarantine = b.quarantine;
      if (b.exposure) change.exposure = b.exposure;
      if (b.brandPackJson !== undefined) change.brandPackJson = b.brandPackJson;
      if (Object.keys(change).length === 0) throw new ApiError(400, 'nothing to change');
      let saved;
      try {
        saved = await ctx.settings.save(change, req.principal!.actor);
      } catch (err) {
        if (err instanceof SettingsError) throw new ApiError(400, err.message, err.details);
        throw err;
      }
      const changed = Object.keys(change);
      auditRequest(ctx, req, 'settings.change', 'settings', {
        keys: changed,
        before: Object.fromEntries(changed.filter((k) => k !== 'brandPackJson').map((k) => [k, saved.before[k as keyof SettingsOverrides] ?? null])),
        after: Object.fromEntries(changed.filter((k) => k !== 'brandPackJson').map((k) => [k, saved.after[k as keyof SettingsOverrides] ?? null])),
        ...(change.brandPackJson !== undefined ? { brandPack: change.brandPackJson === null ? 'back to the configured pack' : 'replaced' } : {}),
      });
      const scanning = changed.filter((k) => (SCANNING as readonly string[]).includes(k));
      if (ctx.settings.lastApplyError && scanning.length) ctx.logger.error('the scanner could not restart with the new settings', { error: ctx.settings.lastApplyError });
      const applied = [...(saved.reloaded ? scanning : []), ...(changed.includes('exposure') ? ['exposure'] : [])];
      const atRestart = [...(saved.reloaded ? [] : scanning), ...(changed.includes('quarantine') ? ['quarantine'] : []), ...(changed.includes('org') ? ['org (warning banners)'] : [])];
      return {
        settings: settingsInfo(ctx, reloadable()),
        applied,
        atRestart,
        message: saved.reloaded
          ? 'Saved. New mail is scanned with these settings from now on.' + (atRestart.length ? ` ${atRestart.join(', ')} take effect at the next restart.` : '')
          : ctx.settings.lastApplyError && scanning.length
            ? `Saved, but the scanner could not restart with them (${ctx.settings.lastApplyError}); it keeps the previous settings until Medshield restarts.`
            : 'Saved. They take effect at the next restart of Medshield.',
      };
    },
  );
}
