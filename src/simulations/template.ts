import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * A simulation template: the message (subject, HTML and text with placeholders), who it
 * appears to come from, what its landing page asks for, the tactic it teaches with the
 * training module for it, and the red flags the just-in-time page points out. Shipped ones
 * are YAML files in content/simulations/templates; the console and CLI add more.
 *
 * Placeholders: {{first_name}} {{name}} {{email}} {{department}} {{org}} {{date}} {{ref}}
 * {{callback}} {{sender_domain}} {{fake_doctor}} (a name no one in the directory has)
 * {{colleague}} (a directory clinician, never the recipient) {{photo}} (a directory
 * clinician's photo, with `photo: directory`) {{pixel}} (the open-tracking image) and
 * {{link}} / {{link:N}} (the recipient's signed tracking links, N = 1…9).
 */

export const SHIPPED_TEMPLATES_DIR = fileURLToPath(new URL('../../content/simulations/templates', import.meta.url));

export const PLACEHOLDERS = ['first_name', 'name', 'email', 'department', 'org', 'date', 'ref', 'callback', 'sender_domain', 'fake_doctor', 'colleague', 'photo', 'pixel'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
const PLACEHOLDER_RE = /\{\{\s*([a-z_]+)(?::(\d))?\s*\}\}/g;

const fieldSchema = z
  .object({
    name: z.string().regex(/^[a-z_][a-z0-9_]{0,30}$/, 'a field name: lower-case letters, digits, _'),
    label: z.string().min(1).max(80),
    type: z.enum(['text', 'password']).default('text'),
  })
  .strict();

export const templateSchema = z
  .object({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{2,59}$/, 'lower-case letters, digits and dashes (3–60)'),
    name: z.string().min(3).max(200),
    /** The tactic it teaches; picks the training module when `module` is not given. */
    tactic: z.string().regex(/^[a-z0-9-]{2,40}$/),
    module: z.string().regex(/^[a-z0-9-]{3,60}$/).optional(),
    description: z.string().max(2000).default(''),
    from: z
      .object({
        name: z.string().min(1).max(120),
        local: z.string().regex(/^[a-z0-9][a-z0-9._+-]{0,63}$/i, 'the part before the @'),
        /** Another domain than simulations.senderDomain (replies to it are not caught unless it is that domain). */
        domain: z.string().regex(/^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/).optional(),
      })
      .strict(),
    subject: z.string().min(1).max(300),
    html: z.string().min(1).max(200_000),
    text: z.string().min(1).max(100_000),
    /** `directory`: {{photo}} is a directory clinician's photo (embedded), the fake-doctor tactic; `silhouette`: a neutral stand-in (real phish made safe). */
    photo: z.enum(['none', 'directory', 'silhouette']).default('none'),
    attachment: z
      .object({
        filename: z.string().min(5).max(120).regex(/\.pdf$/i, 'a .pdf file name'),
        title: z.string().min(1).max(120),
        lines: z.array(z.string().max(200)).min(1).max(20),
        linkText: z.string().min(1).max(120),
        /** Which of the recipient's links the PDF's link is. */
        link: z.number().int().min(1).max(9).default(2),
      })
      .strict()
      .optional(),
    landing: z
      .object({
        kind: z.enum(['button', 'credentials']),
        title: z.string().min(1).max(120),
        heading: z.string().min(1).max(200),
        body: z.string().max(2000).default(''),
        button: z.string().min(1).max(60),
        /** Credential pages: the fields asked for (default user name and password). Only which were filled in is ever recorded. */
        fields: z.array(fieldSchema).min(1).max(6).optional(),
      })
      .strict(),
    redFlags: z.array(z.string().min(3).max(300)).min(1).max(10),
  })
  .strict()
  .superRefine((t, ctx) => {
    for (const [key, text] of Object.entries({ subject: t.subject, html: t.html, text: t.text, 'from.name': t.from.name, 'landing.heading': t.landing.heading, 'landing.body': t.landing.body, ...(t.attachment ? { 'attachment.filename': t.attachment.filename, 'attachment.lines': t.attachment.lines.join('\n') } : {}) })) {
      for (const p of placeholdersIn(text)) {
        if (p.name === 'link') continue;
        if (!(PLACEHOLDERS as readonly string[]).includes(p.name)) ctx.addIssue({ code: 'custom', path: key.split('.'), message: `unknown placeholder {{${p.name}}} (known: ${[...PLACEHOLDERS, 'link', 'link:N'].join(', ')})` });
        else if (p.index !== null) ctx.addIssue({ code: 'custom', path: key.split('.'), message: `{{${p.name}:${p.index}}}: only {{link:N}} takes a number` });
      }
    }
    if (!placeholdersIn(t.html).some((p) => p.name === 'link') && !t.attachment) ctx.addIssue({ code: 'custom', path: ['html'], message: 'the message needs at least one {{link}} (or an attachment with one)' });
    if (t.photo === 'none' && /\{\{\s*photo\s*\}\}/.test(t.html)) ctx.addIssue({ code: 'custom', path: ['photo'], message: '{{photo}} is used but photo is none' });
  });

export type SimulationTemplate = z.output<typeof templateSchema>;
export type SimulationTemplateInput = z.input<typeof templateSchema>;

export function placeholdersIn(text: string): { name: string; index: number | null }[] {
  return [...text.matchAll(PLACEHOLDER_RE)].map((m) => ({ name: m[1]!, index: m[2] ? Number(m[2]) : null }));
}

/** The link numbers a template uses (1 for {{link}}), the attachment's included. */
export function linkNumbers(t: SimulationTemplate): number[] {
  const n = new Set<number>();
  for (const text of [t.html, t.text]) for (const p of placeholdersIn(text)) if (p.name === 'link') n.add(p.index ?? 1);
  if (t.attachment) n.add(t.attachment.link);
  return [...n].sort((a, b) => a - b);
}

export class TemplateError extends Error {}

export function parseTemplate(input: unknown, source: string): SimulationTemplate {
  const r = templateSchema.safeParse(input);
  if (!r.success) throw new TemplateError(`${source}: ${r.error.issues.map((i) => `${i.path.join('.') || '(template)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** The shipped healthcare templates. */
export function shippedTemplates(dir = SHIPPED_TEMPLATES_DIR): SimulationTemplate[] {
  return readdirSync(dir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((n) => parseTemplate(parseYaml(readFileSync(join(dir, n), 'utf8')), n));
}
