import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * Training modules: Markdown files in the repository (content/training/modules), each with
 * a YAML front matter that names it, says how long it takes, which simulation tactics it
 * teaches and holds its quiz. Images sit beside them (content/training/images) and are
 * referenced as ../images/NAME. Modules are validated when loaded: a bad one is refused with
 * the file and the problem, never shown half-broken to a learner.
 */

export const DEFAULT_MODULES_DIR = fileURLToPath(new URL('../../content/training/modules', import.meta.url));

const questionSchema = z
  .object({
    q: z.string().min(5),
    options: z.array(z.string().min(1)).min(2).max(6),
    answer: z.number().int().min(0),
    why: z.string().min(5),
  })
  .strict()
  .refine((q) => q.answer < q.options.length, { message: 'answer must be the index of one of the options' });

const frontMatterSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{3,60}$/, 'lower-case letters, digits and dashes'),
    title: z.string().min(3),
    minutes: z.number().int().min(1).max(120),
    summary: z.string().min(10),
    /** Template tactics this module teaches ("all": every one). */
    tactics: z.array(z.string().min(1)).min(1),
    quiz: z.array(questionSchema).min(2).max(20),
  })
  .strict();

export type QuizQuestion = z.output<typeof questionSchema>;

export interface TrainingModule {
  id: string;
  title: string;
  minutes: number;
  summary: string;
  tactics: string[];
  quiz: QuizQuestion[];
  /** Sanitised HTML of the module's text, images pointing at `imageBase`. */
  html: string;
  /** Image files the module uses (names inside the images folder). */
  images: string[];
  file: string;
}

export class ModuleError extends Error {}

const marked = new Marked({ gfm: true, breaks: false });

export interface ModuleLibrary {
  dir: string;
  imagesDir: string;
  modules: TrainingModule[];
  get(id: string): TrainingModule | undefined;
  /** The module that teaches a tactic (the first specific one, else one for "all"). */
  forTactic(tactic: string): TrainingModule | undefined;
}

/** Loads and validates every module of a folder; image links are rewritten to `imageBase/NAME`. */
export function loadModules(dir = DEFAULT_MODULES_DIR, imageBase = '/learn/assets'): ModuleLibrary {
  const root = resolve(dir);
  if (!existsSync(root)) throw new ModuleError(`training modules folder ${root} does not exist`);
  const imagesDir = resolve(root, '..', 'images');
  const modules: TrainingModule[] = [];
  const seen = new Set<string>();
  for (const name of readdirSync(root).filter((n) => n.endsWith('.md')).sort()) {
    const m = parseModule(join(root, name), readFileSync(join(root, name), 'utf8'), imagesDir, imageBase);
    if (seen.has(m.id)) throw new ModuleError(`${name}: module id '${m.id}' is used twice`);
    seen.add(m.id);
    modules.push(m);
  }
  if (modules.length === 0) throw new ModuleError(`no training modules (*.md) in ${root}`);
  const byId = new Map(modules.map((m) => [m.id, m]));
  return {
    dir: root,
    imagesDir,
    modules,
    get: (id) => byId.get(id),
    forTactic: (tactic) => modules.find((m) => m.tactics.includes(tactic)) ?? modules.find((m) => m.tactics.includes('all')),
  };
}

export function parseModule(file: string, text: string, imagesDir: string, imageBase: string): TrainingModule {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
  if (!m) throw new ModuleError(`${basename(file)}: no front matter (a YAML block between --- lines at the top)`);
  let meta: unknown;
  try {
    meta = parseYaml(m[1]!);
  } catch (err) {
    throw new ModuleError(`${basename(file)}: front matter is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const r = frontMatterSchema.safeParse(meta);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ModuleError(`${basename(file)}: ${i.path.join('.') || '(front matter)'}: ${i.message}`);
  }
  const images: string[] = [];
  const rendered = marked.parse(m[2]!, { async: false }) as string;
  const html = sanitizeHtml(rendered, {
    allowedTags: ['h1', 'h2', 'h3', 'h4', 'p', 'ul', 'ol', 'li', 'strong', 'em', 'code', 'pre', 'blockquote', 'a', 'img', 'hr', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
    allowedAttributes: { a: ['href'], img: ['src', 'alt'] },
    allowedSchemes: ['https', 'mailto'],
    allowedSchemesByTag: { img: [] },
    allowProtocolRelative: false,
    transformTags: {
      img: (tag, attribs) => {
        const src = attribs.src ?? '';
        const name = /^\.\.\/images\/([A-Za-z0-9._-]+\.(svg|png|jpe?g|webp))$/.exec(src)?.[1];
        if (!name) throw new ModuleError(`${basename(file)}: image '${src}' must be ../images/NAME (svg, png, jpeg or webp)`);
        if (!existsSync(join(imagesDir, name))) throw new ModuleError(`${basename(file)}: image ${name} is not in ${imagesDir}`);
        images.push(name);
        return { tagName: 'img', attribs: { src: `${imageBase}/${name}`, alt: attribs.alt ?? '' } };
      },
    },
  });
  return { ...r.data, html, images, file };
}
