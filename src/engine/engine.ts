import type { Analyzer, AnalyzerContext, SenderProfile, Signal } from '../analyzers/analyzer.ts';
import { ANALYZERS } from '../analyzers/index.ts';
import { NO_AUTH, type AuthResult } from '../authenticate/auth-result.ts';
import { authenticate } from '../authenticate/authenticate.ts';
import type { DnsResolver } from '../authenticate/resolver.ts';
import type { BrandPack } from '../brands/brand-pack.ts';
import { loadBrandPack } from '../brands/load.ts';
import { loadDirectoryFile, type Directory } from '../directory/directory.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import { extractImageText } from '../ocr/ocr.ts';
import type { ParsedMessage } from '../parse/message.ts';
import { parseMessage } from '../parse/parse.ts';
import { UnscannableError } from '../parse/limits.ts';
import { decide } from '../policy/policy.ts';
import { round2, runAnalyzer } from './run-analyzer.ts';
import type { Envelope, Verdict } from './verdict.ts';

export type { Envelope, Verdict } from './verdict.ts';

export interface EngineOptions {
  resolver: DnsResolver;
  /** Sender profile lookup (the gateway's store); the CLI has none, so every sender is unknown. */
  senderProfiles?: (msg: ParsedMessage) => Promise<SenderProfile | null> | SenderProfile | null;
  /** Overrides per analyzer config, merged over the config file (e.g. --model). */
  analyzerOverrides?: Record<string, Record<string, unknown>>;
  /**
   * The provider directory. Default: the file in `config.directory.file` (each worker thread
   * loads its own), else none. null: no directory even when the config names one.
   */
  directory?: Directory | null;
}

/** Per-message inputs besides the message itself. */
export interface ScanOptions {
  /** A profile the caller already looked up (the gateway, whose store lives in the main thread); overrides `senderProfiles`. */
  senderProfile?: SenderProfile | null;
}

interface PreparedAnalyzer {
  analyzer: Analyzer;
  config: unknown;
}

/**
 * The scan pipeline: parse → authenticate → image text → analyzers → policy. One instance
 * per process or worker thread; it holds loaded models and caches, and is safe to reuse.
 */
export class ScanEngine {
  private readonly analyzers: PreparedAnalyzer[];
  private readonly brands: BrandPack;
  private readonly ocrConfig: unknown;
  private readonly directory: Directory | null;

  constructor(
    readonly config: MedshieldConfig,
    private readonly options: EngineOptions,
  ) {
    this.brands = loadBrandPack(config.brands.file);
    this.directory = options.directory !== undefined ? options.directory : config.directory.file ? loadDirectoryFile(config.directory.file) : null;
    this.analyzers = [];
    for (const a of ANALYZERS) {
      const section = { ...((config.analyzers[a.id] as Record<string, unknown> | undefined) ?? {}), ...(options.analyzerOverrides?.[a.id] ?? {}) };
      const { enabled, ...rest } = section as { enabled?: boolean };
      const parsed = a.config.parse(rest);
      if (a.id === 'image-text') this.ocrConfig = { ...(parsed as object), enabled: enabled !== false };
      if (enabled === false) continue;
      this.analyzers.push({ analyzer: a, config: parsed });
    }
  }

  async scan(raw: Buffer, envelope: Envelope = {}, scanOptions: ScanOptions = {}): Promise<Verdict> {
    const started = performance.now();
    const deadline = Date.now() + this.config.limits.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new UnscannableError(`scan exceeded ${this.config.limits.timeoutMs} ms`, 'timeout')),
        this.config.limits.timeoutMs,
      );
    });
    try {
      return await Promise.race([this.pipeline(raw, envelope, deadline, started, scanOptions), timeout]);
    } catch (err) {
      return this.unscannable(err, started);
    } finally {
      clearTimeout(timer);
    }
  }

  private async pipeline(raw: Buffer, envelope: Envelope, deadline: number, started: number, scanOptions: ScanOptions): Promise<Verdict> {
    const timings: Record<string, number> = {};
    const lap = (name: string, since: number) => {
      timings[name] = round2((timings[name] ?? 0) + performance.now() - since);
    };
    let t = performance.now();
    const msg = await parseMessage(raw, this.config.limits);
    lap('parse', t);

    t = performance.now();
    let auth: AuthResult = NO_AUTH;
    const signals: Signal[] = [];
    try {
      auth = await authenticate(raw, envelope, {
        resolver: this.options.resolver,
        trustedAuthservIds: this.config.authentication.trustedAuthservIds,
        mta: this.config.authentication.authservId,
        timeoutMs: this.config.authentication.timeoutMs,
      });
    } catch (err) {
      // Authentication is evidence, not a gate: a failure is recorded and the scan goes on.
      signals.push(failure('authenticate', err));
    }
    lap('authenticate', t);

    t = performance.now();
    let imageText = '';
    if (this.ocrConfig && (this.ocrConfig as { enabled?: boolean }).enabled !== false) {
      try {
        imageText = (await extractImageText(msg, this.ocrConfig as never, deadline)).text;
      } catch (err) {
        signals.push(failure('image-text', err));
      }
    }
    lap('ocr', t);

    const senderProfile =
      scanOptions.senderProfile !== undefined ? scanOptions.senderProfile : this.options.senderProfiles ? await this.options.senderProfiles(msg) : null;
    const ctx: AnalyzerContext = {
      auth,
      org: { domains: this.config.org.domains, partners: this.config.org.partners },
      brands: this.brands,
      imageText,
      senderProfile,
      directory: this.directory,
      deadline,
    };
    for (const { analyzer, config } of this.analyzers) {
      t = performance.now();
      try {
        signals.push(...(await runAnalyzer(analyzer, msg, ctx, config, this.config.policy.weights)));
      } catch (err) {
        signals.push(failure(analyzer.id, err));
      }
      lap(analyzer.id, t);
    }

    const decision = decide(signals, this.config.policy);
    return {
      action: decision.action,
      score: decision.score,
      signals,
      rules: decision.rules,
      unscannable: false,
      auth,
      summary: {
        from: msg.from?.address ?? '',
        fromName: msg.from?.name ?? '',
        subject: msg.subject,
        messageId: msg.messageId,
      },
      ms: round2(performance.now() - started),
      timings,
    };
  }

  private unscannable(err: unknown, started: number): Verdict {
    const reason = err instanceof UnscannableError ? err.message : `scanner error: ${(err as Error)?.message ?? String(err)}`;
    const signals: Signal[] = [{ id: 'UNSCANNABLE', score: 0, evidence: reason, analyzer: 'engine' }];
    const decision = decide(signals, this.config.policy);
    return {
      action: decision.action,
      score: decision.score,
      signals,
      rules: decision.rules,
      unscannable: true,
      auth: NO_AUTH,
      summary: { from: '', fromName: '', subject: '', messageId: '' },
      ms: round2(performance.now() - started),
      timings: {},
    };
  }
}

function failure(stage: string, err: unknown): Signal {
  return {
    id: 'ANALYZER_FAILED',
    score: 0,
    evidence: `${stage} failed: ${(err as Error)?.message ?? String(err)}`,
    analyzer: 'engine',
  };
}
