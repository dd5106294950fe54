import { ENGINE_SIGNAL_IDS } from '../config/load.ts';

export interface SignalInfo {
  id: string;
  analyzer: string;
  weight: number;
  description: string;
}

const ENGINE_DESCRIPTIONS: Record<string, string> = {
  UNSCANNABLE: 'The message could not be fully scanned (not a message, over a limit, a parser failure or a time-out), so it was quarantined: Medshield fails closed.',
  ANALYZER_FAILED: 'One of the checks failed on this message, so it was not fully scanned and was quarantined.',
};

let catalog: Promise<Map<string, SignalInfo>> | null = null;

/** Every signal's plain-language meaning, from the analyzers' own tables (loaded once, on first use). */
export function signalCatalog(): Promise<Map<string, SignalInfo>> {
  catalog ??= import('../analyzers/index.ts').then(({ ANALYZERS }) => {
    const m = new Map<string, SignalInfo>();
    for (const a of ANALYZERS) for (const [id, d] of Object.entries(a.signals)) m.set(id, { id, analyzer: a.id, weight: d.weight, description: d.description });
    for (const id of ENGINE_SIGNAL_IDS) m.set(id, { id, analyzer: 'engine', weight: 0, description: ENGINE_DESCRIPTIONS[id] ?? id });
    return m;
  });
  return catalog;
}
