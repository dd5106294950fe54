import { z } from 'zod';
import type { ParsedMessage } from '../parse/message.ts';
import type { AuthResult } from '../authenticate/auth-result.ts';
import type { BrandPack } from '../brands/brand-pack.ts';
import type { Directory } from '../directory/directory.ts';

/**
 * The analyzer contract. Like an Rspamd module: one folder, its own config section
 * (a zod schema with defaults), a table of named signals with default weights, and an
 * `analyze` that emits signals with human-readable evidence. Nothing else is shared.
 */

export interface SignalDefinition {
  /** Default weight; the score of one emission is weight × factor. Negative = benign evidence. */
  weight: number;
  /** What the signal means, in plain words (shown in the console and README). */
  description: string;
}

export interface Signal {
  id: string;
  score: number;
  evidence: string;
  analyzer: string;
}

export interface OrgContext {
  /** The organisation's own domains (registrable domains, lower-case). */
  domains: string[];
  /** Verified partner organisations and their domains. */
  partners: { name: string; domains: string[] }[];
}

export interface SenderProfile {
  /** Messages previously seen from this exact address. */
  messagesFromAddress: number;
  messagesFromDomain: number;
  firstSeen: Date | null;
  /** Whether anyone in the org has ever written to this address (solicited correspondence). */
  solicited: boolean;
  /**
   * From the gateway's store (src/profiles); absent in hand-built profiles. The counts above
   * and the dates cover only mail that reached people (delivered or tagged). "Domain" there is
   * the registrable domain; for free-mail providers the domain figures are the address's own.
   */
  lastSeen?: Date | null;
  domainFirstSeen?: Date | null;
  /** Whether anyone in the org has written to any address at this domain. */
  domainSolicited?: boolean;
  /** Every past verdict on mail from this address / domain, by action. */
  pastVerdicts?: Record<'deliver' | 'tag' | 'hold' | 'quarantine' | 'reject', number>;
  domainPastVerdicts?: Record<'deliver' | 'tag' | 'hold' | 'quarantine' | 'reject', number>;
  /** Staff reports about mail from this address. */
  reports?: { phish: number; notPhish: number };
}

export interface AnalyzerContext {
  auth: AuthResult;
  org: OrgContext;
  brands: BrandPack;
  /** Text recognised in the message's images (OCR), '' when none was run. */
  imageText: string;
  /** What the store knows of the sender; null when scanning without a store (every sender unknown). */
  senderProfile: SenderProfile | null;
  /** The provider directory (people, partners, known numbers, NPPES); null when scanning without one. */
  directory: Directory | null;
  /** Epoch ms by which the analyzer should stop optional work. */
  deadline: number;
}

export type Emit = (signalId: string, evidence: string, factor?: number) => void;

export interface Analyzer<Schema extends z.ZodType = z.ZodType> {
  /** Folder name and config key, kebab-case. */
  id: string;
  description: string;
  config: Schema;
  signals: Record<string, SignalDefinition>;
  analyze(msg: ParsedMessage, ctx: AnalyzerContext, config: z.output<Schema>, emit: Emit): void | Promise<void>;
}

/** Identity helper that keeps the config type flowing from schema to `analyze`. */
export function defineAnalyzer<Schema extends z.ZodType>(a: Analyzer<Schema>): Analyzer<Schema> {
  return a;
}

/** Truncate a piece of mail content for use in evidence (evidence is read by people). */
export function quote(s: string, max = 80): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return JSON.stringify(t.length > max ? `${t.slice(0, max - 1)}…` : t);
}
