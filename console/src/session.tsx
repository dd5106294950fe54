import { createContext, useContext } from 'react';
import type { SessionInfo } from './api.ts';

export interface SessionState {
  info: SessionInfo;
  /** Whether the signed-in principal's role has this permission (roles.ts on the server decides; this only shapes the UI). */
  can(permission: string): boolean;
  update(info: SessionInfo): void;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in console');
  return s;
}
