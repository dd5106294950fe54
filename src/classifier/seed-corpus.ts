import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { z } from 'zod';

/**
 * The project's own training mail (corpus/seed/): modern messages written by Medshield's
 * engineers, dedicated to the public domain (CC0), so the shipped model can learn today's
 * lures and today's legitimate business mail, which the 2002 SpamAssassin corpus predates.
 * Written from general knowledge of current campaigns and mail, never from the evaluation
 * corpora. Stored as JSON lines (one message a line) and composed into RFC 5322 on demand.
 */

export const SEED_LABELS = ['ham', 'spam', 'phish'] as const;

export const seedMessageSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,80}$/, 'id: lower-case letters, digits and dashes'),
    lang: z.enum(['en', 'de', 'fr', 'es', 'pt', 'it', 'nl', 'zh', 'ja', 'ru']),
    category: z.string().min(2),
    fromName: z.string(),
    fromAddress: z.email(),
    replyTo: z.email().optional(),
    subject: z.string().min(1),
    /** Plain-text body; required even when html is given (the text alternative). */
    text: z.string().min(20),
    html: z.string().min(20).optional(),
    attachments: z.array(z.object({ filename: z.string().min(1), contentType: z.string().min(3), content: z.string().default('') }).strict()).default([]),
  })
  .strict();

export type SeedMessage = z.output<typeof seedMessageSchema>;

export interface SeedFileError {
  file: string;
  line: number;
  message: string;
}

/** Every seed message under dir/<label>/*.jsonl, validated; bad lines are reported, not skipped silently. */
export function readSeedCorpus(dir: string): { messages: (SeedMessage & { label: (typeof SEED_LABELS)[number]; file: string })[]; errors: SeedFileError[] } {
  const messages: (SeedMessage & { label: (typeof SEED_LABELS)[number]; file: string })[] = [];
  const errors: SeedFileError[] = [];
  const ids = new Set<string>();
  for (const label of SEED_LABELS) {
    let files: string[] = [];
    try {
      files = readdirSync(join(dir, label)).filter((f) => f.endsWith('.jsonl')).sort();
    } catch {
      continue;
    }
    for (const f of files) {
      const file = join(dir, label, f);
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (!line.trim()) return;
          let json: unknown;
          try {
            json = JSON.parse(line);
          } catch (err) {
            errors.push({ file, line: i + 1, message: `not JSON: ${(err as Error).message}` });
            return;
          }
          const r = seedMessageSchema.safeParse(json);
          if (!r.success) {
            errors.push({ file, line: i + 1, message: r.error.issues.map((x) => `${x.path.join('.') || '(message)'}: ${x.message}`).join('; ') });
            return;
          }
          if (ids.has(r.data.id)) {
            errors.push({ file, line: i + 1, message: `duplicate id ${r.data.id}` });
            return;
          }
          ids.add(r.data.id);
          messages.push({ ...r.data, label, file });
        });
    }
  }
  return { messages, errors };
}

/** RFC 5322 bytes for a seed message (text + optional HTML alternative + attachments). */
export async function composeSeedMessage(m: SeedMessage): Promise<Buffer> {
  const composer = new MailComposer({
    from: { name: m.fromName, address: m.fromAddress },
    to: 'recipient@example.org',
    replyTo: m.replyTo,
    subject: m.subject,
    text: m.text,
    html: m.html,
    attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    messageId: `<${m.id}@seed.medshield.invalid>`,
    date: new Date(Date.UTC(2025, 0, 1)),
  });
  return composer.compile().build();
}
