/**
 * A MedStealer-style callback campaign for tests: variants as such campaigns send them —
 * rotating throw-away sender domains and display names, reworded subjects, the patient's and
 * the invented doctor's names changed per message — around the parts that stay, because
 * they are what the scam needs: the number to call and the page that collects the data.
 * Every name, domain and number is invented (555-01xx numbers are reserved for fiction).
 */

export const CAMPAIGN_PHONE_E164 = '+18885550147';
export const CAMPAIGN_LANDING_DOMAIN = 'mychart-confirm-portal.com';
const SENDER_DOMAINS = ['zocdoc-appointments.net', 'patient-notices-center.com', 'careportal-reminders.info', 'visit-confirmations.org'];
const SENDER_NAMES = ['Zocdoc Appointments', 'Patient Services', 'Appointment Desk', 'Care Team Notifications'];
const SUBJECTS = ['Your Appointment is Ready!', 'Appointment confirmation needed', 'Action required: confirm your visit', 'Your doctor has reviewed your records'];
const PATIENTS = ['Maria', 'James', 'Linda', 'Robert', 'Patricia', 'Michael', 'Barbara', 'David', 'Susan', 'Joseph'];
const DOCTORS = ['Dr. Helen Marsh', 'Dr. Alan Whitford', 'Dr. Grace Okafor', 'Dr. Peter Lindqvist'];

export function medstealerVariant(n: number, to: string): Buffer {
  const domain = SENDER_DOMAINS[n % SENDER_DOMAINS.length]!;
  const name = SENDER_NAMES[n % SENDER_NAMES.length]!;
  const subject = SUBJECTS[n % SUBJECTS.length]!;
  const patient = PATIENTS[n % PATIENTS.length]!;
  const doctor = DOCTORS[n % DOCTORS.length]!;
  const day = 10 + (n % 18);
  const token = `a${(n * 7919).toString(36)}`;
  const body = [
    `Dear ${patient},`,
    '',
    `${doctor} has reviewed your medical records and your appointment on November ${day} at 9:30 AM is ready.`,
    'To keep your appointment, please confirm your identity with our patient services team today.',
    `Call our patient line at (888) 555-0147 and have your insurance member ID, your date of birth and your Social Security number ready.`,
    `You can also confirm online at https://${CAMPAIGN_LANDING_DOMAIN}/confirm/${token} before the end of the day.`,
    'If we do not hear from you within 24 hours your appointment will be cancelled and your referral may expire.',
    '',
    'Thank you for choosing our practice.',
    'Patient Services Team',
  ].join('\r\n');
  return Buffer.from(
    [
      `From: ${name} <noreply@${domain}>`,
      `To: ${to}`,
      `Subject: ${subject}`,
      `Message-ID: <ms${n}.${token}@${domain}>`,
      `Date: Tue, 03 Nov 2026 ${String(8 + (n % 10)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}:00 +0000`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '',
    ].join('\r\n'),
  );
}

/** Ordinary hospital mail that must stay where it is while the campaign is purged. */
export function ordinaryMail(n: number, to: string): Buffer {
  const kinds = [
    {
      from: 'Lakeside Cardiology <referrals@lakesidecardio.com>',
      subject: 'Referral letter for your patient',
      body: 'Please find the referral summary in the portal. Call us at (555) 010-4400 if anything is unclear. Kind regards, Lakeside Cardiology front desk.',
    },
    {
      from: 'Facilities <facilities@stmarys-health.org>',
      subject: 'Parking garage closed on Saturday',
      body: 'The east parking garage will be closed on Saturday for resurfacing. Staff can park in the west lot; shuttles run every fifteen minutes from 6 AM.',
    },
    {
      from: 'Zocdoc <no-reply@zocdoc.com>',
      subject: 'New review for your practice',
      body: 'A patient left a new review for your practice. Sign in at https://www.zocdoc.com/provider to read and respond to it. The Zocdoc team.',
    },
  ];
  const k = kinds[n % kinds.length]!;
  return Buffer.from(
    [`From: ${k.from}`, `To: ${to}`, `Subject: ${k.subject}`, `Message-ID: <ord${n}.${Date.now()}@example.org>`, 'Date: Tue, 03 Nov 2026 07:00:00 +0000', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', k.body, ''].join('\r\n'),
  );
}

/** A report as a person makes it: the suspicious mail forwarded as an attachment (message/rfc822). */
export function forwardAsAttachment(o: { from: string; to: string; original: Buffer; note?: string }): Buffer {
  const boundary = `fwd-${Math.random().toString(36).slice(2)}`;
  return Buffer.concat([
    Buffer.from(
      [
        `From: ${o.from}`,
        `To: ${o.to}`,
        'Subject: FW: suspicious message',
        `Message-ID: <fwd.${Math.random().toString(36).slice(2)}@stmarys-health.org>`,
        'Date: Tue, 03 Nov 2026 12:00:00 +0000',
        'MIME-Version: 1.0',
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        o.note ?? 'This looks like phishing, it asks for my SSN.',
        `--${boundary}`,
        'Content-Type: message/rfc822',
        'Content-Disposition: attachment; filename="suspicious.eml"',
        '',
        '',
      ].join('\r\n'),
    ),
    o.original,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

/** A report as a "Report phishing" button sends it: ARF (RFC 5965). */
export function arfReport(o: { from: string; to: string; original: Buffer; userAgent?: string }): Buffer {
  const boundary = `arf-${Math.random().toString(36).slice(2)}`;
  return Buffer.concat([
    Buffer.from(
      [
        `From: ${o.from}`,
        `To: ${o.to}`,
        'Subject: Phishing report',
        `Message-ID: <arf.${Math.random().toString(36).slice(2)}@stmarys-health.org>`,
        'Date: Tue, 03 Nov 2026 12:05:00 +0000',
        'MIME-Version: 1.0',
        `Content-Type: multipart/report; report-type=feedback-report; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'This is a phishing report sent with the Report Phishing button.',
        '',
        `--${boundary}`,
        'Content-Type: message/feedback-report',
        '',
        'Feedback-Type: fraud',
        `User-Agent: ${o.userAgent ?? 'ReportButton/2.1'}`,
        'Version: 1',
        `Original-Rcpt-To: <${o.from.replace(/^.*<|>.*$/g, '')}>`,
        'Arrival-Date: Tue, 03 Nov 2026 10:00:00 +0000',
        '',
        `--${boundary}`,
        'Content-Type: message/rfc822',
        'Content-Disposition: inline',
        '',
        '',
      ].join('\r\n'),
    ),
    o.original,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}
