import type { ApiToken } from '../users/token-store.ts';
import type { User } from '../users/user-store.ts';
import type { FeedbackKind } from './feedback-store.ts';
import type { IndexedMessage } from './message-index.ts';
import type { FeedItem, MessageSummary, TokenInfo, UserInfo } from './schemas.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentUser(u: User): UserInfo {
  return {
    name: u.name,
    role: u.role,
    mustChangePassword: u.mustChangePassword,
    totpEnabled: u.totpEnabled,
    disabled: u.disabled,
    lockedUntil: u.lockedUntil && u.lockedUntil.getTime() > Date.now() ? u.lockedUntil.toISOString() : null,
    createdAt: u.createdAt.toISOString(),
    createdBy: u.createdBy,
    lastLoginAt: iso(u.lastLoginAt),
  };
}

export function presentToken(t: ApiToken): TokenInfo {
  return { id: t.id, label: t.label, role: t.role, createdAt: t.createdAt.toISOString(), createdBy: t.createdBy, expiresAt: iso(t.expiresAt), lastUsedAt: iso(t.lastUsedAt), revokedAt: iso(t.revokedAt) };
}

/** A message as lists show it; subject and display name only for callers who may read content. */
export function presentMessage(m: IndexedMessage, feedback: FeedbackKind | null, withContent: boolean): MessageSummary {
  return {
    id: m.spoolId,
    quarantineId: m.quarantineId,
    receivedAt: m.receivedAt.toISOString(),
    origin: m.origin,
    from: m.from,
    mailFrom: m.mailFrom,
    recipients: m.recipients,
    ...(withContent ? { subject: m.content?.subject ?? '', fromName: m.content?.fromName ?? '' } : {}),
    action: m.action,
    disposition: m.disposition,
    status: m.status,
    score: m.score,
    unscannable: m.unscannable,
    signals: m.signals,
    size: m.size,
    feedback,
  };
}

export function presentFeedItem(m: IndexedMessage): FeedItem {
  return {
    id: m.spoolId,
    receivedAt: m.receivedAt.toISOString(),
    from: m.from,
    recipients: m.recipients,
    action: m.action,
    disposition: m.disposition,
    score: m.score,
    signals: m.signals.filter((s) => s.score > 0).slice(0, 4).map((s) => s.id),
    quarantineId: m.quarantineId,
  };
}
