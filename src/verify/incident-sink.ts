/**
 * What sender verification needs of incident response (src/respond): which campaign a
 * message or an address belongs to, and a way to open an incident linked to it. Verification
 * works without it (no campaign is then known, and failures are recorded only here and in
 * the audit log); `medshield serve` wires the respond module's own stores behind it.
 */

export interface CampaignRef {
  id: string;
  name: string;
  /** Still active (not closed or merged away). */
  active: boolean;
}

export interface IncidentRequest {
  kind: 'verification-failed' | 'phi-reply-to-campaign';
  title: string;
  severity: 'medium' | 'high' | 'critical';
  /** Link to this campaign when known. */
  campaignId: string | null;
  /** Messages that belong to the incident (the suspicious inbound one, a held reply). */
  spoolIds: string[];
  actor: string;
  /** What happened, in a sentence, for the incident's timeline (no patient data). */
  summary: string;
  /** The same key again adds to the same incident instead of opening another. */
  dedupeKey: string;
}

export interface IncidentRef {
  id: string;
  campaignId: string | null;
}

export interface IncidentSink {
  /** The campaign this message was grouped into, if any. */
  campaignOfMessage(spoolId: string): CampaignRef | null;
  /** An active campaign that sent from this address or took replies at it. */
  campaignOfAddress(address: string): CampaignRef | null;
  /** Opens the incident (or adds to the one with the same dedupe key); runs inside the caller's transaction. null: no incident module runs. */
  openIncident(i: IncidentRequest): IncidentRef | null;
  /** Contain the campaign: block its indicators in the respond module too (optional). */
  containCampaign?(campaignId: string, actor: string, reason: string): void;
}
