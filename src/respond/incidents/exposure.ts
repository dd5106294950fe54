import type { MedshieldConfig } from '../../config/schema.ts';
import type { DeliveryEntry } from '../messages/message-log.ts';

/**
 * Breach exposure of an incident: the patient records the reached mailboxes can get at, and
 * what their breach would cost. The figures are assumptions the organisation sets (records
 * per mailbox, cost per record); the defaults are industry figures: $300–400 to recover per
 * breached record, up to $1000 per medical record on criminal markets.
 */

export interface ExposureAssumptions {
  recordsPerMailbox: number;
  costPerRecordLow: number;
  costPerRecordHigh: number;
  blackMarketPerRecord: number;
}

export interface Exposure {
  /** Mailboxes a copy reached (delivered, whether or not pulled back since). */
  mailboxesReached: number;
  /** Mailboxes that still hold a copy (delivered and not pulled back). */
  mailboxesStillExposed: number;
  recordsAtRisk: number;
  costLow: number;
  costHigh: number;
  blackMarketValue: number;
  assumptions: ExposureAssumptions;
}

/** The respond section's figures, falling back to the console dashboard's, then to the industry defaults. */
export function exposureAssumptions(config: MedshieldConfig): ExposureAssumptions {
  const own = config.respond.exposure;
  const dash = (config as { console?: { exposure?: { recordsPerRecipient?: number; costPerRecordLow?: number; costPerRecordHigh?: number } } }).console?.exposure;
  return {
    recordsPerMailbox: own.recordsPerMailbox ?? dash?.recordsPerRecipient ?? 1000,
    costPerRecordLow: own.costPerRecordLow ?? dash?.costPerRecordLow ?? 300,
    costPerRecordHigh: own.costPerRecordHigh ?? dash?.costPerRecordHigh ?? 400,
    blackMarketPerRecord: own.blackMarketPerRecord,
  };
}

const REACHED = new Set(['delivered', 'pending', 'removed', 'not-found']);
const STILL_THERE = new Set(['delivered', 'pending']);

export function estimateExposure(deliveries: DeliveryEntry[], a: ExposureAssumptions): Exposure {
  const reached = new Set(deliveries.filter((d) => REACHED.has(d.state)).map((d) => d.recipient));
  const still = new Set(deliveries.filter((d) => STILL_THERE.has(d.state)).map((d) => d.recipient));
  const records = reached.size * a.recordsPerMailbox;
  return {
    mailboxesReached: reached.size,
    mailboxesStillExposed: still.size,
    recordsAtRisk: records,
    costLow: records * a.costPerRecordLow,
    costHigh: records * a.costPerRecordHigh,
    blackMarketValue: records * a.blackMarketPerRecord,
    assumptions: a,
  };
}
