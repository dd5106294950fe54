import type { SenderProfile } from '../analyzers/analyzer.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import type { Logger } from '../gateway/log.ts';
import type { NumberOfRecordLookup } from './number-of-record.ts';
import type { Parties } from './parties.ts';
import type { MessageReader } from './reader.ts';
import type { VerifyService } from './service.ts';

/** What the inbound and outbound reviews work with (built once per gateway run). */
export interface ReviewContext {
  config: MedshieldConfig;
  service: VerifyService;
  reader: Pick<MessageReader, 'read'>;
  numbers: NumberOfRecordLookup;
  parties: Parties;
  /** The sender profile store: whether the organisation has corresponded with an address. */
  profile: (address: string) => SenderProfile | null;
  logger: Logger;
}
