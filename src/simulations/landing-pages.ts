import { escapeHtml } from './html.ts';
import type { SimulationTemplate } from './template.ts';

/**
 * The pages a simulation recipient sees in the browser: the landing page (the lure's
 * button or sign-in form), and the just-in-time page right after it, which says it was a
 * simulation, what gave it away, and where the short training is. The pages load nothing
 * from elsewhere; their one script (landing.js, same origin) reports a real interaction.
 */

const STYLE = `body{font-family:Helvetica,Arial,sans-serif;background:#f4f6f8;margin:0;color:#1b1f24}
main{max-width:460px;margin:48px auto;background:#fff;border:1px solid #d5dbe1;border-radius:10px;padding:28px}
h1{font-size:22px;margin:0 0 12px}label{display:block;margin:14px 0 4px;font-size:14px}
input{width:100%;box-sizing:border-box;padding:9px;border:1px solid #b8c2cc;border-radius:5px;font-size:15px}
button{margin-top:18px;width:100%;padding:11px;border:0;border-radius:5px;background:#1f5fad;color:#fff;font-size:16px;cursor:pointer}
.note{color:#5c6670;font-size:12px;margin-top:18px}`;

const JIT_STYLE = `body{font-family:Helvetica,Arial,sans-serif;background:#fff8e6;margin:0;color:#1b1f24}
main{max-width:620px;margin:40px auto;background:#fff;border:2px solid #e0a800;border-radius:10px;padding:28px}
h1{font-size:24px;margin:0 0 10px}li{margin:8px 0}.cta{display:inline-block;margin-top:16px;padding:11px 18px;background:#1f5fad;color:#fff;text-decoration:none;border-radius:5px}
.muted{color:#5c6670;font-size:13px}`;

function page(title: string, style: string, body: string, script = false): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow"><title>${title}</title><style>${style}</style></head><body>${body}${
    script ? '<script src="/sim/assets/landing.js" defer></script>' : ''
  }</body></html>`;
}

export interface LandingStrings {
  title: string;
  heading: string;
  body: string;
  button: string;
}

/** The lure's landing page: its form posts back to the same signed URL. Strings are already escaped. */
export function landingPage(t: SimulationTemplate, s: LandingStrings, action: string): string {
  const fields =
    t.landing.kind === 'credentials'
      ? (t.landing.fields ?? [
          { name: 'username', label: 'User name', type: 'text' as const },
          { name: 'password', label: 'Password', type: 'password' as const },
        ])
          .map((f) => `<label for="f-${f.name}">${escapeHtml(f.label)}</label><input id="f-${f.name}" name="${f.name}" type="${f.type === 'password' ? 'password' : 'text'}" autocomplete="off">`)
          .join('')
      : '';
  return page(
    s.title,
    STYLE,
    `<main><h1>${s.heading}</h1><p>${s.body}</p><form method="post" action="${escapeHtml(action)}" data-beacon="${escapeHtml(action)}/i">${fields}<input type="hidden" name="step" value="${t.landing.kind === 'credentials' ? 'submit' : 'continue'}"><button type="submit">${s.button}</button></form></main>`,
    true,
  );
}

export interface JitContent {
  org: string;
  flags: string[];
  moduleTitle: string | null;
  moduleMinutes: number | null;
  /** The learner's link to the module (null: no training to point to). */
  trainingUrl: string | null;
  submitted: boolean;
  reportAddress: string | null;
}

/** Right after the click: it was a simulation, what gave it away, and the training. Nothing here blames. */
export function jitPage(c: JitContent): string {
  const reassure = c.submitted
    ? '<p><strong>Nothing you typed was kept</strong>: Medshield only notes that the form was sent, never what was in it. If you used your real password, change it anyway: that is the habit that protects you when it is not a simulation.</p>'
    : '<p>Nothing harmful happened: this page belongs to your own security team.</p>';
  const training = c.trainingUrl
    ? `<p>A short module${c.moduleMinutes ? ` (about ${c.moduleMinutes} minutes)` : ''} shows how to spot this next time${c.moduleTitle ? `: <em>${escapeHtml(c.moduleTitle)}</em>` : ''}.</p><a class="cta" href="${escapeHtml(c.trainingUrl)}">Start the training now</a>`
    : '';
  const report = c.reportAddress ? `<p class="muted">Next time, report messages like this with the Report button or by forwarding them as an attachment to ${escapeHtml(c.reportAddress)}.</p>` : '<p class="muted">Next time, report messages like this with the Report button.</p>';
  return page(
    'This was a phishing simulation',
    JIT_STYLE,
    `<main><h1>This was a phishing simulation</h1><p>The message you just acted on was sent by ${escapeHtml(c.org || 'your organisation')}’s security team to practise spotting phishing. Real attacks on hospitals look just like it.</p>${reassure}<h2>What gave it away</h2><ul>${c.flags.map((f) => `<li>${f}</li>`).join('')}</ul>${training}${report}</main>`,
  );
}

export function closedPage(): string {
  return page('Page not available', STYLE, '<main><h1>This page is no longer available</h1><p>The link has expired.</p></main>');
}

/**
 * The landing page's script: on the first interaction the browser marks as trusted (a real
 * pointer, key or touch; a program's synthetic events are not), it tells the server once.
 */
export const LANDING_SCRIPT = `(function(){var f=document.querySelector('form[data-beacon]');if(!f)return;var sent=false;
function go(e){if(sent||!e.isTrusted)return;sent=true;try{fetch(f.getAttribute('data-beacon'),{method:'POST',headers:{'content-type':'application/x-www-form-urlencoded'},body:'trusted=1&event='+encodeURIComponent(e.type),keepalive:true,credentials:'omit'})}catch(x){}}
['pointerdown','keydown','touchstart'].forEach(function(t){document.addEventListener(t,go,{capture:true,passive:true})});})();`;
