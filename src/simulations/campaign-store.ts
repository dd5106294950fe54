import { randomInt } from 'node:crypto';
import { migrate, type Db } from '../store/database.ts';
import type { Audience } from './audience.ts';
import { SIMULATIONS_SCHEMA } from './schema.ts';
import type { SendingWindow } from './settings.ts';
import { parseTemplate, type SimulationTemplate } from './template.ts';

export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'sent' | 'finished' | 'cancelled';
export type TargetState = 'pending' | 'sent' | 'failed' | 'bounced' | 'cancelled';

export interface Campaign {
  id: number;
  name: string;
  templateId: number;
  /** The template as launched (null while a draft: the current template is used). */
  snapshot: SimulationTemplate | null;
  audience: Audience;
  window: SendingWindow;
  perMinute: number;
  status: CampaignStatus;
  startsAt: number;
  launchedAt: number | null;
  allSentAt: number | null;
  closesAt: number | null;
  finishedAt: number | null;
  createdBy: string;
  createdAt: number;
}

export interface Target {
  id: number;
  campaignId: number;
  email: string;
  name: string;
  department: string;
  role: string;
  site: string;
  position: number;
  state: TargetState;
  attempts: number;
  messageId: string | null;
  spoolId: string | null;
  sentAt: number | null;
  deliveredAt: number | null;
  error: string | null;
}

interface CampaignRow {
  id: number;
  name: string;
  template_id: number;
  template_snapshot: string | null;
  audience: string;
  send_window: string;
  per_minute: number;
  status: CampaignStatus;
  starts_at: number;
  launched_at: number | null;
  all_sent_at: number | null;
  closes_at: number | null;
  finished_at: number | null;
  created_by: string;
  created_at: number;
}

interface TargetRow {
  id: number;
  campaign_id: number;
  email: string;
  name: string;
  department: string;
  role: string;
  site: string;
  position: number;
  state: TargetState;
  attempts: number;
  message_id: string | null;
  spool_id: string | null;
  sent_at: number | null;
  delivered_at: number | null;
  error: string | null;
}

function toCampaign(r: CampaignRow): Campaign {
  return {
    id: r.id,
    name: r.name,
    templateId: r.template_id,
    snapshot: r.template_snapshot ? parseTemplate(JSON.parse(r.template_snapshot), `campaign ${r.id} template`) : null,
    audience: JSON.parse(r.audience) as Audience,
    window: JSON.parse(r.send_window) as SendingWindow,
    perMinute: r.per_minute,
    status: r.status,
    startsAt: r.starts_at,
    launchedAt: r.launched_at,
    allSentAt: r.all_sent_at,
    closesAt: r.closes_at,
    finishedAt: r.finished_at,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

function toTarget(r: TargetRow): Target {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    email: r.email,
    name: r.name,
    department: r.department,
    role: r.role,
    site: r.site,
    position: r.position,
    state: r.state,
    attempts: r.attempts,
    messageId: r.message_id,
    spoolId: r.spool_id,
    sentAt: r.sent_at,
    deliveredAt: r.delivered_at,
    error: r.error,
  };
}

export class CampaignStore {
  constructor(readonly db: Db) {
    migrate(db, SIMULATIONS_SCHEMA);
  }

  create(c: { name: string; templateId: number; audience: Audience; window: SendingWindow; perMinute: number; startsAt: number; createdBy: string; now: number }): Campaign {
    const id = Number(
      this.db
        .prepare('INSERT INTO simulations_campaigns (name, template_id, audience, send_window, per_minute, status, starts_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(c.name, c.templateId, JSON.stringify(c.audience), JSON.stringify(c.window), c.perMinute, 'draft', c.startsAt, c.createdBy, c.now).lastInsertRowid,
    );
    return this.get(id)!;
  }

  update(id: number, c: Partial<{ name: string; templateId: number; audience: Audience; window: SendingWindow; perMinute: number; startsAt: number }>): Campaign {
    const cur = this.get(id);
    if (!cur) throw new CampaignError('not-found', `no campaign ${id}`);
    if (cur.status !== 'draft') throw new CampaignError('state', `campaign ${id} is ${cur.status}: only a draft can be changed`);
    this.db
      .prepare('UPDATE simulations_campaigns SET name = ?, template_id = ?, audience = ?, send_window = ?, per_minute = ?, starts_at = ? WHERE id = ?')
      .run(c.name ?? cur.name, c.templateId ?? cur.templateId, JSON.stringify(c.audience ?? cur.audience), JSON.stringify(c.window ?? cur.window), c.perMinute ?? cur.perMinute, c.startsAt ?? cur.startsAt, id);
    return this.get(id)!;
  }

  get(id: number): Campaign | undefined {
    const r = this.db.prepare('SELECT * FROM simulations_campaigns WHERE id = ?').get(id) as CampaignRow | undefined;
    return r ? toCampaign(r) : undefined;
  }

  list(): Campaign[] {
    return (this.db.prepare('SELECT * FROM simulations_campaigns ORDER BY id DESC').all() as CampaignRow[]).map(toCampaign);
  }

  /** Freezes the template and the audience: targets are written in a random sending order. */
  launch(id: number, o: { snapshot: SimulationTemplate; members: { email: string; name: string; department: string; role: string; site: string }[]; now: number }): Campaign {
    return this.db.transaction(() => {
      const cur = this.get(id);
      if (!cur) throw new CampaignError('not-found', `no campaign ${id}`);
      if (cur.status !== 'draft') throw new CampaignError('state', `campaign ${id} is ${cur.status}, not a draft`);
      if (o.members.length === 0) throw new CampaignError('invalid', 'the audience is empty: nobody would receive the campaign');
      const order = o.members.map((m) => ({ m, key: randomInt(0, 2 ** 47) })).sort((a, b) => a.key - b.key);
      const insert = this.db.prepare("INSERT INTO simulations_targets (campaign_id, email, name, department, role, site, position, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')");
      order.forEach(({ m }, i) => insert.run(id, m.email, m.name, m.department, m.role, m.site, i));
      this.db.prepare("UPDATE simulations_campaigns SET status = 'scheduled', template_snapshot = ?, launched_at = ? WHERE id = ?").run(JSON.stringify(o.snapshot), o.now, id);
      return this.get(id)!;
    })();
  }

  setStatus(id: number, status: CampaignStatus, o: { at: number; closesAt?: number }): void {
    const sets = ['status = ?'];
    const args: (string | number)[] = [status];
    if (status === 'sent') sets.push('all_sent_at = ?', 'closes_at = ?') && args.push(o.at, o.closesAt ?? o.at);
    if (status === 'finished' || status === 'cancelled') sets.push('finished_at = ?') && args.push(o.at);
    this.db.prepare(`UPDATE simulations_campaigns SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
  }

  cancel(id: number, at: number): Campaign {
    return this.db.transaction(() => {
      const cur = this.get(id);
      if (!cur) throw new CampaignError('not-found', `no campaign ${id}`);
      if (cur.status === 'finished' || cur.status === 'cancelled') throw new CampaignError('state', `campaign ${id} is already ${cur.status}`);
      this.db.prepare("UPDATE simulations_targets SET state = 'cancelled' WHERE campaign_id = ? AND state = 'pending'").run(id);
      this.setStatus(id, 'cancelled', { at });
      return this.get(id)!;
    })();
  }

  /** Campaigns that may have mail to send now. */
  active(now: number): Campaign[] {
    return (this.db.prepare("SELECT * FROM simulations_campaigns WHERE status IN ('scheduled', 'sending') AND starts_at <= ? ORDER BY id").all(now) as CampaignRow[]).map(toCampaign);
  }

  /** Campaigns all of whose mail went out and whose landing pages are still open. */
  sentAndOpen(): Campaign[] {
    return (this.db.prepare("SELECT * FROM simulations_campaigns WHERE status = 'sent' ORDER BY id").all() as CampaignRow[]).map(toCampaign);
  }

  nextPending(campaignId: number, limit: number): Target[] {
    return (this.db.prepare("SELECT * FROM simulations_targets WHERE campaign_id = ? AND state = 'pending' ORDER BY position LIMIT ?").all(campaignId, limit) as TargetRow[]).map(toTarget);
  }

  pendingCount(campaignId: number): number {
    return this.db.prepare("SELECT COUNT(*) FROM simulations_targets WHERE campaign_id = ? AND state = 'pending'").pluck().get(campaignId) as number;
  }

  sentSince(campaignId: number, since: number): number {
    return this.db.prepare('SELECT COUNT(*) FROM simulations_targets WHERE campaign_id = ? AND sent_at >= ?').pluck().get(campaignId, since) as number;
  }

  target(id: number): Target | undefined {
    const r = this.db.prepare('SELECT * FROM simulations_targets WHERE id = ?').get(id) as TargetRow | undefined;
    return r ? toTarget(r) : undefined;
  }

  targets(campaignId: number): Target[] {
    return (this.db.prepare('SELECT * FROM simulations_targets WHERE campaign_id = ? ORDER BY email').all(campaignId) as TargetRow[]).map(toTarget);
  }

  byMessageId(messageId: string): Target | undefined {
    const id = messageId.trim().replace(/^<|>$/g, '');
    const r = this.db.prepare('SELECT * FROM simulations_targets WHERE message_id = ?').get(`<${id}>`) as TargetRow | undefined;
    return r ? toTarget(r) : undefined;
  }

  /** The most recent simulation sent to an address (replies without In-Reply-To are matched to it). */
  latestSentTo(email: string): Target | undefined {
    const r = this.db.prepare("SELECT * FROM simulations_targets WHERE email = ? AND state = 'sent' ORDER BY sent_at DESC LIMIT 1").get(email.toLowerCase()) as TargetRow | undefined;
    return r ? toTarget(r) : undefined;
  }

  /** Sent, but not yet known to be delivered. */
  awaitingDelivery(limit = 1000): Target[] {
    return (this.db.prepare("SELECT * FROM simulations_targets WHERE state = 'sent' AND delivered_at IS NULL AND spool_id IS NOT NULL ORDER BY sent_at LIMIT ?").all(limit) as TargetRow[]).map(toTarget);
  }

  prepareSend(id: number, messageId: string): void {
    this.db.prepare('UPDATE simulations_targets SET message_id = ?, attempts = attempts + 1 WHERE id = ?').run(messageId, id);
  }

  markSent(id: number, spoolId: string | null, at: number): void {
    this.db.prepare("UPDATE simulations_targets SET state = 'sent', spool_id = ?, sent_at = ?, error = NULL WHERE id = ?").run(spoolId, at, id);
  }

  markFailed(id: number, error: string, final: boolean): void {
    this.db.prepare(`UPDATE simulations_targets SET error = ?${final ? ", state = 'failed'" : ''} WHERE id = ?`).run(error.slice(0, 500), id);
  }

  markDelivered(id: number, at: number): void {
    this.db.prepare('UPDATE simulations_targets SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL').run(at, id);
  }

  markBounced(id: number, error: string): void {
    this.db.prepare("UPDATE simulations_targets SET state = 'bounced', error = ? WHERE id = ?").run(error.slice(0, 500), id);
  }
}

export class CampaignError extends Error {
  constructor(
    readonly code: 'not-found' | 'state' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}
