import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyHit, type ClassifierSettings, type HitContext, type HitRequest, type PriorHit } from './scanner-classifier.ts';

const S: ClassifierSettings = { scannerWindowSeconds: 20, burstSeconds: 3, crowdRecipients: 4, crowdWindowSeconds: 120, extraScannerAgents: ['AcmeMailGuard'], minStepSeconds: 1.5 };
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const SAFARI_IOS = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const NAV = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const DELIVERED = 1_000_000_000_000;
const MIN = 60_000;

const hit = (h: Partial<HitRequest>): HitRequest => ({ kind: 'click', method: 'GET', userAgent: CHROME, ip: '10.1.2.3', at: DELIVERED + 7 * MIN, link: 1, accept: NAV, ...h });
const ctx = (c: Partial<HitContext> = {}): HitContext => ({ deliveredAt: DELIVERED, sentAt: DELIVERED - 1000, targetHits: [], crowdRecipients: 1, ...c });
const page = (at: number, o: Partial<PriorHit> = {}): PriorHit => ({ at, kind: 'click', link: 1, ip: '10.1.2.3', verdict: 'unconfirmed', ...o });

describe('scanner classifier', () => {
  describe('scanners (positive samples)', () => {
    const samples: [string, HitRequest, HitContext, RegExp][] = [
      ['a HEAD request', hit({ method: 'HEAD' }), ctx(), /HEAD request/],
      ['no user agent', hit({ userAgent: '' }), ctx(), /no user agent/],
      ['Microsoft Safe Links style discovery', hit({ userAgent: 'Microsoft Office Existence Discovery' }), ctx(), /known scanner/],
      ['Barracuda', hit({ userAgent: 'Mozilla/5.0 (compatible; Barracuda Sentinel link scanner)' }), ctx(), /Barracuda/],
      ['Proofpoint', hit({ userAgent: 'Mozilla/5.0 (Windows NT 10.0) Proofpoint URL Defense' }), ctx(), /Proofpoint/],
      ['a configured extra agent', hit({ userAgent: `${CHROME} AcmeMailGuard/2` }), ctx(), /AcmeMailGuard/],
      ['headless Chrome (isbot)', hit({ userAgent: CHROME.replace('Chrome/', 'HeadlessChrome/') }), ctx(), /known scanner/],
      ['python-requests (isbot)', hit({ userAgent: 'python-requests/2.31.0', accept: '*/*' }), ctx(), /known scanner/],
      ['Slack link preview', hit({ userAgent: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' }), ctx(), /known scanner/],
      ['a program that is not a browser', hit({ userAgent: 'Dalvik/2.1.0 (Linux; U; Android 13; Pixel 7)' }), ctx(), /not a browser/],
      ['a browser prefetch', hit({ purpose: 'prefetch' }), ctx(), /prefetch/],
      ['a fetch that does not ask for a page', hit({ accept: '*/*' }), ctx(), /not a page navigation/],
      ['an immediate GET right after delivery', hit({ at: DELIVERED + 2000 }), ctx(), /2\.0 s after delivery/],
      ['a GET before the delivery was even noted', hit({ at: DELIVERED - 500 }), ctx(), /before the message was delivered/],
      ['every link of the message at once', hit({ link: 2 }), ctx({ targetHits: [page(DELIVERED + 7 * MIN - 800, { link: 1 })] }), /2 links of the message/],
      ['one client fetching many recipients’ links', hit({}), ctx({ crowdRecipients: 6 }), /6 recipients/],
      ['a sandbox pressing the button the instant the page loads', hit({ kind: 'step', method: 'POST' }), ctx({ targetHits: [page(DELIVERED + 7 * MIN - 300)] }), /0\.3 s after the page/],
      ['a sandbox right after delivery, browser agent and all', hit({ kind: 'submit', method: 'POST', at: DELIVERED + 9000 }), ctx({ targetHits: [page(DELIVERED + 5000)] }), /after delivery/],
      ['a landing step posted without the page', hit({ kind: 'step', method: 'POST' }), ctx(), /without the page/],
      ['page script without a trusted interaction', hit({ kind: 'beacon', method: 'POST', accept: '*/*', trustedInteraction: false }), ctx({ targetHits: [page(DELIVERED + 6 * MIN)] }), /without a real interaction/],
      ['a pixel fetched by a scanner', hit({ kind: 'open', userAgent: 'Mozilla/5.0 (compatible; Mimecast image check)', accept: 'image/*' }), ctx(), /Mimecast/],
    ];
    for (const [name, h, c, reason] of samples) {
      it(name, () => {
        const r = classifyHit(h, c, S);
        assert.equal(r.verdict, 'scanner', JSON.stringify(r));
        assert.ok(r.reasons.some((x) => reason.test(x)), JSON.stringify(r.reasons));
      });
    }
  });

  describe('people (negative samples)', () => {
    it('a landing page opened minutes later by a browser is unconfirmed until the landing step', () => {
      assert.equal(classifyHit(hit({}), ctx(), S).verdict, 'unconfirmed');
      assert.equal(classifyHit(hit({ userAgent: SAFARI_IOS }), ctx(), S).verdict, 'unconfirmed');
    });
    it('pressing the button after reading the page is a person', () => {
      const r = classifyHit(hit({ kind: 'step', method: 'POST', at: DELIVERED + 7 * MIN + 9000 }), ctx({ targetHits: [page(DELIVERED + 7 * MIN)] }), S);
      assert.deepEqual(r, { verdict: 'human', reasons: ['pressed the landing page’s button'] });
    });
    it('submitting the form is a person', () => {
      const r = classifyHit(hit({ kind: 'submit', method: 'POST', userAgent: SAFARI_IOS, at: DELIVERED + 3 * 3600_000 }), ctx({ targetHits: [page(DELIVERED + 3 * 3600_000 - 20_000)] }), S);
      assert.equal(r.verdict, 'human');
    });
    it('a trusted interaction reported by the page is a person', () => {
      const r = classifyHit(hit({ kind: 'beacon', method: 'POST', accept: '*/*', trustedInteraction: true }), ctx({ targetHits: [page(DELIVERED + 7 * MIN - 2000)] }), S);
      assert.equal(r.verdict, 'human');
    });
    it('a person clicking the same link twice is not a burst', () => {
      const r = classifyHit(hit({}), ctx({ targetHits: [page(DELIVERED + 7 * MIN - 1000, { link: 1 })] }), S);
      assert.equal(r.verdict, 'unconfirmed');
    });
    it('the pixel loaded by Outlook or a mail provider’s image proxy is an open', () => {
      assert.equal(classifyHit(hit({ kind: 'open', userAgent: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029; Pro)', accept: 'image/*' }), ctx(), S).verdict, 'human');
      assert.equal(classifyHit(hit({ kind: 'open', userAgent: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)', accept: 'image/*' }), ctx(), S).verdict, 'human');
    });
    it('colleagues behind one address clicking a few minutes apart stay people', () => {
      const r = classifyHit(hit({ kind: 'step', method: 'POST' }), ctx({ crowdRecipients: 3, targetHits: [page(DELIVERED + 7 * MIN - 15_000)] }), S);
      assert.equal(r.verdict, 'human');
    });
    it('a person who clicks after a scanner already fetched the link from elsewhere is still a person', () => {
      const r = classifyHit(
        hit({ kind: 'step', method: 'POST', ip: '10.9.9.9' }),
        ctx({ targetHits: [page(DELIVERED + 1000, { verdict: 'scanner', ip: '52.1.1.1' }), page(DELIVERED + 7 * MIN - 20_000, { ip: '10.9.9.9' })] }),
        S,
      );
      assert.equal(r.verdict, 'human', JSON.stringify(r));
    });
  });
});
