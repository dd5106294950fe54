/**
 * Registrable domains that contain or resemble a protected name but are ordinary
 * infrastructure or unrelated well-known sites. Hosting and delivery platforms are here
 * because the brand in their name is the platform's own (amazonses.com carries every
 * SES customer's mail); abuse of such platforms is the links analyzer's business, not
 * a look-alike. Each entry must be a registrable domain (tested).
 */
export const LOOKALIKE_ALLOWLIST: readonly string[] = [
  // Amazon Web Services: customers' mail (SES) and sites (EC2, CloudFront) use these.
  'amazonaws.com',
  'amazonses.com',
  'amazontrust.com',
  // Google platforms that serve other people's content or mail.
  'googleusercontent.com',
  'googlegroups.com',
  'googlesyndication.com',
  'googleadservices.com',
  'google-analytics.com',
  'googletagmanager.com',
  'googletagservices.com',
  'googlevideo.com',
  'googledomains.com',
  // Every Microsoft 365 customer gets a <tenant>.onmicrosoft.com mail domain.
  'onmicrosoft.com',
  'microsoftonline-p.com',
  'dropboxusercontent.com',
];
