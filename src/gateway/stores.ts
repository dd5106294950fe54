import { join } from 'node:path';
import { AuditLog } from '../audit/audit-log.ts';
import { deriveSecret } from '../crypto/message-cipher.ts';
import { SenderProfileStore } from '../profiles/sender-profiles.ts';
import { buildDigests } from '../quarantine/digest.ts';
import { QuarantineStore } from '../quarantine/quarantine-store.ts';
import { VerifyReview } from '../verify/gateway-review.ts';
import { respondIncidents } from '../verify/respond-incidents.ts';
import { jsonLogger } from './log.ts';
import type { GatewayStores, StoreContext } from './server.ts';

/** The production stores: quarantine (encrypted, audited), sender profiles, and their periodic tasks. */
export function openStores(ctx: StoreContext): GatewayStores {
  const audit = new AuditLog(ctx.db);
  const quarantine = new QuarantineStore({ db: ctx.db, dir: join(ctx.dataDir, 'quarantine'), cipher: ctx.cipher, audit });
  const profiles = new SenderProfileStore(ctx.db);
  const q = ctx.config.quarantine;
  const from = q.digest.from ?? `quarantine@${ctx.config.org.domains[0] ?? ctx.config.gateway.hostname}`;
  return {
    quarantine,
    profiles,
    records: { quarantine, audit, profiles },
    // Sender verification: requests for sensitive data and outbound PHI (src/verify).
    review: ctx.config.verify.enabled ? new VerifyReview({ db: ctx.db, cipher: ctx.cipher, config: ctx.config, audit, quarantine, profiles, incidents: respondIncidents(ctx.db), logger: ctx.logger ?? jsonLogger() }) : undefined,
    housekeeping: {
      purge: (now) => quarantine.purgeExpired(now, q.retentionDays).expired.length,
      digest: q.digest.enabled
        ? {
            times: q.digest.at,
            from,
            build: (now, since) =>
              buildDigests(quarantine, {
                now,
                since: since ?? undefined,
                baseUrl: q.baseUrl,
                secret: deriveSecret(ctx.key, 'release links'),
                from,
                linkLifetimeHours: q.releaseLinkHours,
                retentionDays: q.retentionDays,
              }),
          }
        : undefined,
    },
  };
}
