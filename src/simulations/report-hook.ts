import { tableExists, type Db } from '../store/database.ts';
import { CampaignStore } from './campaign-store.ts';
import { EventStore } from './event-store.ts';
import { registeredSimulationService } from './service.ts';

/**
 * For the user-report pipeline (src/respond): is this reported message one of our phishing
 * simulations? If so the report is credited to the recipient's training record ("reported")
 * and the simulation's name (`campaign-<id>`) is returned; the report must then not open an
 * incident, join a campaign or pull anything back. null: not a simulation.
 *
 * Recognised by the Message-ID the simulation was sent with, or (in the gateway's process,
 * where the link key is at hand) by a signed simulation link in the message, so a report
 * forwarded inline without its headers still counts.
 */
export function recogniseSimulationReport(db: Db, raw: Buffer, reporter: string | null, reportId?: number, now = Date.now()): string | null {
  const service = registeredSimulationService(db);
  if (service) return service.recogniseReport(raw, reporter, reportId);
  if (!tableExists(db, 'simulations_targets')) return null;
  const head = raw.subarray(0, 64 * 1024).toString('latin1').split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const mid = /^Message-ID:[ \t]*(<[^<>\s]+>)/im.exec(head)?.[1];
  const target = mid ? new CampaignStore(db).byMessageId(mid) : undefined;
  if (!target) return null;
  const who = reporter?.toLowerCase() ?? null;
  if (!who || who === target.email) new EventStore(db).addEvent(target.id, 'reported', now, { reporter: who, report: reportId ?? null });
  return `campaign-${target.campaignId}`;
}
