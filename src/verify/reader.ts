import type { MedshieldConfig } from '../config/schema.ts';
import { FactsPool, type FactsResult } from './facts/facts-pool.ts';
import type { FactsRequest } from './facts/message-facts.ts';

/** Reads messages for verification off the main thread, with the configured bounds. */
export class MessageReader {
  private readonly pool: FactsPool;

  constructor(private readonly config: MedshieldConfig) {
    const r = config.verify.reading;
    this.pool = new FactsPool({ size: r.workers, timeoutMs: r.timeoutMs });
  }

  read(raw: Buffer, o: { phiScan: boolean; textChars: number }): Promise<FactsResult> {
    return this.pool.read(raw, factsRequest(this.config, o));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export function factsRequest(config: MedshieldConfig, o: { phiScan: boolean; textChars: number }): FactsRequest {
  const v = config.verify;
  return {
    parse: config.limits,
    extract: {
      maxAttachmentBytes: v.reading.maxAttachmentBytes,
      maxAttachments: v.reading.maxAttachments,
      maxInflateBytes: v.reading.maxInflateBytes,
      maxCharsPerAttachment: v.phi.maxChars,
      maxPdfPages: v.reading.maxPdfPages,
      maxRows: v.reading.maxRows,
    },
    phi: { mrn: { patterns: v.phi.mrnPatterns, labels: v.phi.mrnLabels }, maxChars: v.phi.maxChars, maxFindings: 200 },
    phoneRegions: v.phoneRegions,
    phiScan: o.phiScan,
    textChars: o.textChars,
  };
}
