import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readPhoto } from '../../directory/directory.ts';
import { DirectoryImportError } from '../../directory/import-errors.ts';
import { displayName } from '../../directory/model.ts';
import { auditRequest } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { importErrorLines } from '../directory-access.ts';
import { ApiError } from '../errors.ts';
import { binaryBodySchema, directoryImportResultSchema, directoryImportSchema, directorySchema } from '../schemas.ts';

const PHOTO_TYPES = /^image\/(png|jpeg|gif|webp)$/;

export async function directoryRoutes(base: FastifyInstance, { ctx }: { ctx: ApiContext }): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['directory'];

  app.get(
    '/api/directory',
    {
      config: { access: 'directory.read' },
      schema: {
        summary: 'The provider directory the scanner checks claims against: people (searchable), organisations, known phone numbers',
        tags,
        querystring: z.object({ q: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200), offset: z.coerce.number().int().min(0).default(0) }),
        response: { 200: directorySchema },
      },
    },
    async (req) => {
      const source = ctx.directory.source();
      const dir = ctx.directory.load();
      const q = req.query.q?.trim().toLowerCase();
      const all = (dir?.persons() ?? []).filter(
        (p) => !q || displayName(p).toLowerCase().includes(q) || p.npi.includes(q) || p.emails.some((e) => e.includes(q)) || p.specialty.toLowerCase().includes(q) || p.organization.toLowerCase().includes(q),
      );
      return {
        source: { kind: source.kind, file: source.file, importable: source.importable, note: source.note },
        persons: all.slice(req.query.offset, req.query.offset + req.query.limit).map((p) => ({
          id: p.id,
          name: displayName(p),
          credentials: p.credentials,
          specialty: p.specialty,
          npi: p.npi,
          emails: p.emails,
          phones: p.phones,
          organization: p.organization,
          kind: p.kind,
          photos: p.photos.length,
        })),
        total: all.length,
        organizations: (dir?.organizations() ?? []).map((o) => ({ name: o.name, kind: o.kind, domains: o.domains, phones: o.phones, aliases: o.aliases })),
        knownPhones: dir?.knownPhones() ?? [],
        nppes: !!dir?.nppes,
      };
    },
  );

  app.get(
    '/api/directory/persons/:id/photos/:index',
    {
      config: { access: 'directory.read' },
      schema: { summary: "A directory person's photo", tags, params: z.object({ id: z.string().min(1).max(200), index: z.coerce.number().int().min(0).max(100) }), produces: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
        response: { 200: { description: 'The photo as stored', content: Object.fromEntries(['image/jpeg', 'image/png', 'image/webp', 'image/gif'].map((t) => [t, { schema: binaryBodySchema }])) } },
      },
    },
    async (req, reply) => {
      const person = ctx.directory.load()?.personById(req.params.id);
      if (!person || !person.photos[req.params.index]) throw new ApiError(404, 'no such photo');
      const photo = person.photos[req.params.index]!;
      const bytes = readPhoto(person, req.params.index);
      const type = 'data' in photo ? photo.contentType : (await import('../../directory/store.ts')).contentTypeOf(photo.path);
      if (!PHOTO_TYPES.test(type)) throw new ApiError(415, `photo type ${type} is not shown`);
      return reply.header('content-type', type).header('cache-control', 'private, max-age=300').header('content-security-policy', "default-src 'none'").send(bytes);
    },
  );

  app.post(
    '/api/directory/import',
    {
      config: { access: 'directory.import' },
      bodyLimit: 25 * 1024 * 1024,
      schema: {
        summary: 'Import a roster CSV, a FHIR R4 Bundle or a self-contained directory file into the store; a file with any bad row is refused whole, with every bad row listed',
        tags,
        body: directoryImportSchema,
        response: { 200: directoryImportResultSchema },
      },
    },
    async (req) => {
      const source = ctx.directory.source();
      if (!source.importable) throw new ApiError(409, source.note);
      let saved;
      try {
        saved = ctx.directory.import(req.body);
      } catch (err) {
        if (err instanceof DirectoryImportError) throw new ApiError(400, err.message.split('\n')[0]!, importErrorLines(err));
        throw err;
      }
      auditRequest(ctx, req, 'directory.import', 'directory', { file: req.body.filename, ...saved });
      const scannerReloaded = await ctx.settings.refresh();
      return {
        ...saved,
        scannerReloaded,
        message: `imported ${saved.persons} people, ${saved.organizations} organisations, ${saved.knownPhones} known numbers and ${saved.photos} photos${scannerReloaded ? '; the scanner uses them from now on' : '; the scanner uses them after the next restart'}`,
      };
    },
  );
}
