import type { Analyzer, AnalyzerContext, Signal } from '../../src/analyzers/analyzer.ts';
import { NO_AUTH } from '../../src/authenticate/auth-result.ts';
import { loadBrandPack } from '../../src/brands/load.ts';
import { parseMessage } from '../../src/parse/parse.ts';
import { runAnalyzer } from '../../src/engine/run-analyzer.ts';
import { buildMail, type TestMail } from './mail.ts';

/** The fictional organisation used across tests. */
export const TEST_ORG = {
  domains: ['stmarys-health.org'],
  partners: [{ name: 'Lakeside Cardiology', domains: ['lakesidecardio.com'] }],
};

export function testContext(over: Partial<AnalyzerContext> = {}): AnalyzerContext {
  return {
    auth: NO_AUTH,
    org: TEST_ORG,
    brands: loadBrandPack(),
    imageText: '',
    senderProfile: null,
    directory: null,
    deadline: Date.now() + 10_000,
    ...over,
  };
}

/** Parse a test mail (or raw bytes) and run one analyzer on it. */
export async function analyze(
  analyzer: Analyzer,
  mail: TestMail | Buffer,
  opts: { ctx?: Partial<AnalyzerContext>; config?: unknown } = {},
): Promise<Signal[]> {
  const raw = Buffer.isBuffer(mail) ? mail : buildMail(mail);
  const msg = await parseMessage(raw);
  return runAnalyzer(analyzer, msg, testContext(opts.ctx), opts.config ?? {});
}

export const ids = (signals: Signal[]) => signals.map((s) => s.id).sort();
