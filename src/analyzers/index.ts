import type { Analyzer } from './analyzer.ts';
import { attachments } from './attachments/index.ts';
import { authentication } from './authentication/index.ts';
import { brandImpersonation } from './brand-impersonation/index.ts';
import { callbackNumber } from './callback-number/index.ts';
import { campaignIndicators } from './campaign-indicators/index.ts';
import { clinicianImpersonation } from './clinician-impersonation/index.ts';
import { clinicianPhoto } from './clinician-photo/index.ts';
import { contentClassifier } from './content-classifier/index.ts';
import { contentIntent } from './content-intent/index.ts';
import { imageText } from './image-text/index.ts';
import { links } from './links/index.ts';
import { lookalikeDomain } from './lookalike-domain/index.ts';
import { senderAnomalies } from './sender-anomalies/index.ts';
import { spamTactics } from './spam-tactics/index.ts';

/**
 * Every analyzer, in the order they run. Adding an analyzer = its folder + one line here.
 */
export const ANALYZERS: Analyzer[] = [
  authentication,
  senderAnomalies,
  lookalikeDomain,
  brandImpersonation,
  links,
  attachments,
  contentIntent,
  clinicianImpersonation,
  clinicianPhoto,
  callbackNumber,
  spamTactics,
  imageText,
  contentClassifier,
  campaignIndicators,
] as Analyzer[];
