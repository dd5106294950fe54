/**
 * Host and URL lists the links analyzer matches against. Each list carries samples that
 * must and must not match; links.test.ts iterates over them, so a list edit that breaks
 * its own examples fails the build.
 *
 * Host entries match the host itself and every subdomain ("web.app" matches
 * "foo.web.app"); an entry with a path ("docs.google.com/forms") also requires the URL
 * path to start with that path.
 */
export interface HostList {
  description: string;
  entries: string[];
  matches: string[];
  nonMatches: string[];
}

export const SHORTENERS: HostList = {
  description: 'URL shorteners: the real destination is hidden until clicked.',
  entries: [
    'bit.ly', 'bitly.com', 'j.mp', 'tinyurl.com', 't.co', 'goo.gl', 'ow.ly', 'is.gd', 'v.gd', 'cutt.ly', 'rebrand.ly',
    'shorturl.at', 'rb.gy', 't.ly', 'tiny.cc', 'buff.ly', 'shorte.st', 'adf.ly', 'bl.ink', 'soo.gd', 's.id', 'qrco.de',
    'tiny.one', 'shrtco.de', 'rotf.lol', 'gg.gg', 'x.gd', 'urlz.fr', 'lnkd.in', 'surl.li', 'u.to', 'clck.ru', 'did.li',
    'bitly.ws', '1url.com', 'snip.ly', 'short.io', 'tny.im', 'qr.ae', 'dub.sh', 'shorturl.com',
  ],
  matches: ['https://bit.ly/3xYz', 'http://tinyurl.com/abc123', 'https://t.co/Ab12', 'https://rb.gy/x1y2', 'https://surl.li/qwe'],
  nonMatches: ['https://bitly.example.org/', 'https://www.stmarys-health.org/appointments', 'https://tco.com/'],
};

export const SUSPICIOUS_TLDS = {
  description:
    'Top-level domains that abuse reports (Spamhaus, Interisle) rank as mostly malicious: cheap or free to register, little enforcement. Weak alone.',
  entries: [
    'zip', 'mov', 'top', 'xyz', 'click', 'icu', 'cyou', 'sbs', 'rest', 'cfd', 'buzz', 'bond', 'quest', 'monster', 'lol',
    'cam', 'gdn', 'loan', 'work', 'fit', 'win', 'bid', 'date', 'racing', 'review', 'stream', 'download', 'trade',
    'accountant', 'cricket', 'science', 'party', 'faith', 'men', 'gq', 'ml', 'cf', 'ga', 'tk', 'kim', 'country',
    'support', 'beauty', 'hair', 'skin', 'makeup', 'autos', 'boats', 'homes', 'yachts', 'motorcycles', 'mom', 'pics',
    'surf', 'wang', 'ren', 'xin', 'uno', 'best', 'asia', 'su',
  ],
  matches: ['https://secure-login.top/', 'http://billing.xyz/pay', 'https://docs-share.click/a', 'https://x.icu'],
  nonMatches: ['https://www.example.com/', 'https://mercy.health/', 'https://clinic.care/', 'https://files.example.zip.example.com/'],
};

export const FREE_HOSTING: HostList = {
  description:
    'Free or instant hosting where anyone can publish a page under a shared, reputable-looking domain, favoured for credential phishing kits.',
  entries: [
    'ipfs.io', 'ipfs.dweb.link', 'dweb.link', 'cloudflare-ipfs.com', 'gateway.pinata.cloud', 'nftstorage.link', 'w3s.link', 'fleek.co',
    'web.app', 'firebaseapp.com', 'firebasestorage.googleapis.com', 'pages.dev', 'workers.dev', 'r2.dev', 'glitch.me',
    'ngrok.io', 'ngrok-free.app', 'ngrok.app', 'ngrok-free.dev', 'ngrok.dev', 'trycloudflare.com', 'loca.lt', 'serveo.net',
    'blob.core.windows.net', 'web.core.windows.net', 'azurewebsites.net', 'storage.googleapis.com', 'appspot.com', 'run.app', 'cloudfunctions.net',
    's3.amazonaws.com', 'amplifyapp.com', 'herokuapp.com', 'onrender.com', 'vercel.app', 'netlify.app', 'repl.co', 'replit.app',
    'surge.sh', '000webhostapp.com', 'weebly.com', 'weeblysite.com', 'wixsite.com', 'square.site', 'webflow.io',
    'godaddysites.com', 'yolasite.com', 'jimdosite.com', 'mystrikingly.com', 'carrd.co', 'framer.app', 'framer.website',
    'sites.google.com', 'site123.me', 'start.page', 'typedream.app', 'firebasestorage.app', 'wcomhost.com', 'translate.goog',
  ],
  matches: [
    'https://ipfs.io/ipfs/bafy.../index.html',
    'https://login-micros0ft.web.app/',
    'https://o365-review.pages.dev/',
    'https://pub-1234.r2.dev/doc.html',
    'https://acct.blob.core.windows.net/$web/index.html',
    'https://storage.googleapis.com/bucket/secure.html',
    'https://mysite.wixsite.com/verify',
    'https://sites.google.com/view/docshare',
  ],
  nonMatches: ['https://www.google.com/search?q=x', 'https://docs.stmarys-health.org/', 'https://github.com/org/repo', 'https://app.example.com/'],
};

export const USER_CONTENT_HOSTS: HostList = {
  description:
    'Form, survey, blog and document-sharing services that host legitimate content every day; only suspicious when the link asks to sign in or verify.',
  entries: [
    'docs.google.com/forms', 'forms.gle', 'forms.office.com', 'forms.microsoft.com', 'jotform.com', 'form.jotform.com',
    'typeform.com', 'formstack.com', 'cognitoforms.com', 'zoho.com/forms', 'forms.zohopublic.com', 'wufoo.com',
    '123formbuilder.com', 'formsite.com', 'surveymonkey.com', 'survey.alchemer.com', 'github.io', 'gitlab.io',
    'canva.site', 'my.canva.site', 'docs.google.com/presentation', 'docs.google.com/drawings', 'sway.office.com',
    'sway.cloud.microsoft', 'padlet.com', 'quip.com', 'dropboxusercontent.com', 'box.com/s', 'app.box.com/s',
    'notion.site', 'gitbook.io', 'blogspot.com', 'wordpress.com', 'medium.com', 'wix.com', 'tumblr.com', 'linktr.ee',
    'adobe.ly', 'express.adobe.com', 'acrobat.adobe.com/id', 'documentcloud.adobe.com', 'indd.adobe.com', 'prezi.com',
    'flowpaper.com', 'fliphtml5.com', 'issuu.com', 'evernote.com/shard', 'onenote.com',
  ],
  matches: [
    'https://docs.google.com/forms/d/e/1FAIpQL/viewform',
    'https://forms.office.com/r/AbC123',
    'https://someone.github.io/login',
    'https://form.jotform.com/23123',
    'https://sway.office.com/abc',
  ],
  nonMatches: ['https://docs.google.com/document/d/abc/edit', 'https://github.com/login', 'https://office.com/', 'https://www.typeform.example.org/'],
};

/**
 * Click-tracking and link-protection hosts of e-mail service providers and mail gateways.
 * Their links hide the destination by design, so a tracked link whose text shows the
 * sender's site is ordinary newsletter practice, not deception.
 */
export const CLICK_TRACKERS: HostList = {
  description: 'Click-tracking domains of e-mail service providers (newsletters route every link through them).',
  entries: [
    'list-manage.com', 'mailchi.mp', 'mailchimp.com', 'rs6.net', 'sendgrid.net', 'hubspotlinks.com', 'hubspotemail.net', 'hs-sites.com',
    'exacttarget.com', 'exct.net', 'mktoweb.com', 'mlsend.com', 'sparkpostmail.com', 'spgo.io', 'awstrack.me',
    'createsend.com', 'createsend1.com', 'cmail1.com', 'cmail2.com', 'cmail19.com', 'cmail20.com', 'mandrillapp.com',
    'icptrack.com', 'constantcontact.com', 'ccsend.com', 'campaign-archive.com', 'klclick.com', 'klclick1.com',
    'klclick2.com', 'klclick3.com', 'klaviyomail.com', 'customeriomail.com', 'mjt.lu', 'sendibt2.com', 'sendibt3.com',
    'sendibm1.com', 'en25.com', 'eloqua.com', 'pardot.com', 'rsys2.net', 'rsys5.net', 'mcusercontent.com',
    'doubleclick.net', 'bnc.lt', 'app.link', 'pstmrk.it', 'emltrk.com', 'mailgun.org', 'mailjet.com', 'smore.com',
    'getresponse.com', 'gr8.com', 'aweber.com', 'benchmarkemail.com', 'activehosted.com', 'acemlna.com',
    'acemlnb.com', 'acemlnc.com', 'acemlnd.com', 'sfmc-content.com', 'myemma.com',
    'e2ma.net', 'campaign-view.com', 'zcsend.net', 'mailerlite.com', 'omnisend.com', 'omnisnippet1.com', 'substack.com',
    'beehiiv.com', 'convertkit-mail.com', 'ck.page', 'mailtrack.io', 'bmetrack.com', 'lyris.net', 'imakenews.net', 'netatlantic.com', 'topica.com', 'cheetahmail.com', 'chtah.com', 'atdmt.com', 'dartmail.net', 'bfi0.com',
  ],
  matches: ['https://stmarys.us5.list-manage.com/track/click?u=1', 'https://u123.ct.sendgrid.net/ls/click?upn=x', 'https://r20.rs6.net/tn.jsp?f=1'],
  nonMatches: ['https://www.stmarys-health.org/', 'https://evil.example/list-manage.com/'],
};

/** Security gateways that rewrite links; the original URL is recovered and inspected instead. */
export const LINK_WRAPPERS: HostList = {
  description: 'URL-rewriting security gateways (Microsoft Safe Links, Proofpoint URL Defense, Barracuda, Mimecast).',
  entries: ['safelinks.protection.outlook.com', 'urldefense.proofpoint.com', 'urldefense.com', 'linkprotect.cudasvc.com', 'protect-us.mimecast.com', 'protect-eu.mimecast.com', 'protect-au.mimecast.com', 'secure-web.cisco.com', 'shared.outlook.inky.com', 'clicktime.symantec.com'],
  matches: ['https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.org%2F&data=0', 'https://urldefense.com/v3/__https://example.org/__;!!x'],
  nonMatches: ['https://outlook.office.com/mail/', 'https://www.proofpoint.com/'],
};

/** Splits "host/path" entries once. */
export interface CompiledHostList {
  has(host: string, path: string): string | undefined;
}

export function compileHostList(list: { entries: string[] }, extra: string[] = []): CompiledHostList {
  const rules = [...list.entries, ...extra].map((e) => {
    const slash = e.indexOf('/');
    return slash < 0 ? { host: e.toLowerCase(), path: '' } : { host: e.slice(0, slash).toLowerCase(), path: e.slice(slash).toLowerCase() };
  });
  return {
    has(host, path) {
      const h = host.toLowerCase();
      const p = path.toLowerCase();
      for (const r of rules) {
        if ((h === r.host || h.endsWith(`.${r.host}`)) && (!r.path || p.startsWith(r.path))) return r.path ? r.host + r.path : r.host;
      }
      return undefined;
    },
  };
}

/**
 * Wording in a URL that marks a sign-in or account-verification page. Matched on
 * host+path+query lower-cased; word-ish boundaries keep "blogin" or "catalogue" out.
 */
export const LOGIN_URL_HINTS = {
  pattern: String.raw`(?:^|[^a-z])(?:log-?in|log-?on|sign-?in|signon|verif(?:y|ication)|validat(?:e|ion)|authenticat(?:e|ion)|webmail|owa|office-?365|o365|microsoftonline|outlook-?web|sharepoint|onedrive|wp-admin|account-?(?:update|verify|recovery|suspend)|update-?account|secure-?(?:login|account|update|verify)|password|passwd|reset-?pass|unlock|reactivat|confirm-?(?:account|identity|payment)|billing-?update|(?:payment|billing)/update|kyc|credential|sso|mfa|2fa|auth)(?![a-z])`,
  matches: [
    'evil.example/secure/login.php',
    'x.web.app/office365/index.html',
    'paypal-account-update.example/',
    'mail.example.net/owa/auth.owa',
    'site.example/wp-admin/includes/verify/',
    'docs.pages.dev/sharepoint/signin',
    'billing.example.com/account/payment/update',
    'wallet.example/kyc',
  ],
  nonMatches: ['www.example.com/blog/catalogue', 'news.example.org/2024/03/ownership', 'shop.example/blogin', 'www.example.com/authors/jane'],
};

/** Wording in visible link text that asks the reader to sign in, verify or open a document. */
export const LOGIN_TEXT_HINTS = {
  pattern: String.raw`\b(?:log ?in|log ?on|sign ?in|verify|validate|confirm (?:your |my )?(?:account|identity|e-?mail|password|payment)|update (?:your |my )?(?:account|password|payment|billing|information|details)|reactivate|unlock|restore (?:access|account)|re-?authenticate|access (?:your |the )?(?:document|file|account|mailbox|voicemail)|view (?:the )?(?:document|shared file|secure message|voicemail|invoice)|review (?:the )?(?:document|shared)|open (?:the )?(?:document|shared file|secure message)|keep (?:my |your )?(?:password|account)|password)\b`,
  matches: ['Sign in to your account', 'VERIFY NOW', 'Confirm your account', 'View Document', 'Access your mailbox', 'Keep my password'],
  nonMatches: ['Read more', 'Unsubscribe', 'View in browser', 'Book an appointment', 'Download the PDF agenda', 'Visit our website'],
};

/**
 * Account-action wording that turns a brand name in link text into a lure ("Log in to
 * your Microsoft account", "Netflix: your account will be suspended"). A brand name alone
 * is ordinary in news headlines and social-media footers.
 */
export const BRAND_ACTION_HINTS = {
  pattern: String.raw`\b(?:account|konto|conta|cuenta|subscription|abonnement|membership|suspend(?:ed)?|expire[sd]?|abgelaufen|terminated|(?:re)?activat(?:e|ion)|reaktivieren|renew(?:al)?|payment|billing|invoice|refund|package|parcel|delivery|shipment|storage (?:is )?full|speicher ist voll|mailbox|password|verify|verification|validat(?:e|ion)|log ?in|sign ?in|confirm|unlock|restore|locked|blocked|unusual activity|credit card|card details)\b`,
  matches: ['Log in to your Microsoft account', 'Netflix Your account will be suspended', 'McAfee jetzt reaktivieren', 'UPS Package', 'Ihr Google-Speicher ist voll', 'Update Your Account Netflix'],
  nonMatches: ['Microsoft Office Tips', 'Dell Joins Microsoft, Novell Alliance', 'Follow us on Facebook', 'Love In The Age Of Google', 'Download on the App Store'],
};
