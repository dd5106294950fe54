import { migrate, type Db } from '../store/database.ts';
import { SIMULATIONS_SCHEMA } from './schema.ts';
import { parseTemplate, shippedTemplates, TemplateError, type SimulationTemplate } from './template.ts';

export interface StoredTemplate {
  id: number;
  slug: string;
  name: string;
  tactic: string;
  source: string;
  builtin: boolean;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  template: SimulationTemplate;
}

interface Row {
  id: number;
  slug: string;
  name: string;
  tactic: string;
  definition: string;
  source: string;
  created_by: string;
  created_at: number;
  updated_at: number;
  archived: number;
}

function toStored(r: Row): StoredTemplate {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    tactic: r.tactic,
    source: r.source,
    builtin: r.source === 'builtin',
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    archived: !!r.archived,
    template: parseTemplate(JSON.parse(r.definition), `template ${r.slug}`),
  };
}

/**
 * Simulation templates in the store. The shipped ones are kept in step with the repository's
 * files (source `builtin`, read-only: editing one means saving a copy); campaigns keep a
 * snapshot of the template they were launched with, so later edits do not change them.
 */
export class TemplateStore {
  constructor(readonly db: Db) {
    migrate(db, SIMULATIONS_SCHEMA);
  }

  syncShipped(now: number, templates: SimulationTemplate[] = shippedTemplates()): void {
    const upsert = this.db.prepare(
      `INSERT INTO simulations_templates (slug, name, tactic, definition, source, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, 'builtin', 'medshield', ?, ?)
       ON CONFLICT(slug) DO UPDATE SET name = excluded.name, tactic = excluded.tactic, definition = excluded.definition, updated_at = excluded.updated_at
       WHERE simulations_templates.source = 'builtin' AND simulations_templates.definition != excluded.definition`,
    );
    this.db.transaction(() => {
      for (const t of templates) upsert.run(t.slug, t.name, t.tactic, JSON.stringify(t), now, now);
    })();
  }

  list(o: { includeArchived?: boolean } = {}): StoredTemplate[] {
    const rows = this.db.prepare(`SELECT * FROM simulations_templates ${o.includeArchived ? '' : 'WHERE archived = 0'} ORDER BY source != 'builtin', name`).all() as Row[];
    return rows.map(toStored);
  }

  get(idOrSlug: number | string): StoredTemplate | undefined {
    const r = (typeof idOrSlug === 'number' ? this.db.prepare('SELECT * FROM simulations_templates WHERE id = ?').get(idOrSlug) : this.db.prepare('SELECT * FROM simulations_templates WHERE slug = ?').get(idOrSlug)) as Row | undefined;
    return r ? toStored(r) : undefined;
  }

  create(t: SimulationTemplate, o: { source: string; by: string; now: number }): StoredTemplate {
    if (this.get(t.slug)) throw new TemplateError(`a template named '${t.slug}' exists already`);
    const id = Number(
      this.db.prepare('INSERT INTO simulations_templates (slug, name, tactic, definition, source, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(t.slug, t.name, t.tactic, JSON.stringify(t), o.source, o.by, o.now, o.now).lastInsertRowid,
    );
    return this.get(id)!;
  }

  update(id: number, t: SimulationTemplate, now: number): StoredTemplate {
    const existing = this.get(id);
    if (!existing) throw new TemplateError(`no template ${id}`);
    if (existing.builtin) throw new TemplateError(`'${existing.slug}' is shipped with Medshield and read-only: save a copy under another slug to change it`);
    if (t.slug !== existing.slug && this.get(t.slug)) throw new TemplateError(`a template named '${t.slug}' exists already`);
    this.db.prepare('UPDATE simulations_templates SET slug = ?, name = ?, tactic = ?, definition = ?, updated_at = ? WHERE id = ?').run(t.slug, t.name, t.tactic, JSON.stringify(t), now, id);
    return this.get(id)!;
  }

  archive(id: number, archived: boolean): boolean {
    return this.db.prepare('UPDATE simulations_templates SET archived = ? WHERE id = ?').run(archived ? 1 : 0, id).changes > 0;
  }
}
