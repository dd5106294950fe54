import { z } from 'zod';
import { defineAnalyzer, quote } from '../analyzer.ts';
import { extractClinicianClaims, CLAIM_SOURCE_LABEL, type ClaimSource, type ClinicianClaim } from '../../directory/claims.ts';
import type { Directory, DirectoryPerson } from '../../directory/directory.ts';
import { displayName } from '../../directory/model.ts';
import { foldName } from '../../directory/names.ts';
import { describeSender, senderStanding, sentByPerson, type SenderStanding } from '../../directory/sender.ts';
import { sharedFaceEmbedder } from '../../faces/face-embedder.ts';
import { DEFAULT_FACE_GATE } from '../../faces/face-gate.ts';
import { defaultFaceCacheDir, photoIndexFor } from '../../faces/photo-index.ts';
import { describeImage, embeddedImages, matchImages, type PhotoMatch } from '../../faces/photo-matcher.ts';

/**
 * A real doctor's photo under a fake name. Every image a message carries (inline, attached,
 * data: URI; remote images are never fetched) is compared with the provider directory's
 * photos: by perceptual hash (a copy, resized, re-encoded or cropped a little) and, where
 * the hashes do not recognise it and the picture could hold a face, by face embedding (the
 * portrait set into a flyer or a collage). A directory person P recognised in a message that
 * presents another clinician, or that does not come from P's own authenticated domain, is
 * what campaigns such as MedStealer send; P's photo with P's name from P's domain is how a
 * hospital's own reminders and newsletters look.
 *
 * Without a directory (or one without photos) nothing runs; messages without embedded
 * images cost a list lookup.
 */

const configSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Face detection and embedding; off leaves perceptual-hash matching only (milliseconds per image). */
    faces: z.boolean().default(true),
    /**
     * Hash match: pHash and dHash both within this many bits (of 64) of a directory photo or one
     * of its slight crops. Measured: copies (resized, re-encoded, brightened, greyed, cropped up
     * to 10 %) 0–7 bits, different people's portraits 18 and up.
     */
    hashMaxDistance: z.number().int().min(0).max(24).default(10),
    /** Within this many bits a hash match is certain (full weight); between the two, three quarters. */
    hashStrongDistance: z.number().int().min(0).max(24).default(4),
    /**
     * Face match: similarity (@vladmandic/human match.similarity, 0–1) at least this. Measured:
     * the same photo transformed (including mirrored, set into a flyer, 96 px wide) 0.74–1.00,
     * different people 0.46 at most.
     */
    faceMinSimilarity: z.number().min(0).max(1).default(0.7),
    /** From this similarity a face match is certain (full weight); between the two, three quarters. */
    faceStrongSimilarity: z.number().min(0).max(1).default(0.85),
    /** Images compared per message at most (the largest first). */
    maxImages: z.number().int().positive().default(8),
    /** Wall-clock budget for this analyzer's face work per message, in ms (the scan's own deadline still applies). */
    budgetMs: z.number().int().positive().default(5000),
    /** Pictures smaller than this on either side are not sent to face detection (hash matching still applies). */
    minFaceImageSide: z.number().int().positive().default(DEFAULT_FACE_GATE.minSide),
    /** Directory-photo fingerprints are kept here between runs; default: <MEDSHIELD_DATA_DIR>/cache/faces, else the OS temp folder. */
    cacheDir: z.string().min(1).optional(),
    /** Keep directory-photo fingerprints on disk at all. */
    diskCache: z.boolean().default(true),
    /** Messages seen from the sender's domain (or mail the org sent to it) after which it is an established correspondent. */
    establishedAfterMessages: z.number().int().min(1).default(10),
  })
  .strict();

type Config = z.output<typeof configSchema>;

export const clinicianPhoto = defineAnalyzer({
  id: 'clinician-photo',
  description: "Directory clinicians' photos in mail that names someone else or does not come from them.",
  config: configSchema,
  signals: {
    DIRECTORY_PHOTO_FAKE_NAME: {
      weight: 8,
      description:
        "An image in the message is (by perceptual hash or face) the directory photo of clinician P, but the message presents another clinician's name (display name, signature, \"Dr. X\" in the text) and never names P: a real doctor's photo under a fake name.",
    },
    DIRECTORY_PHOTO_UNVERIFIED_SENDER: {
      weight: 4,
      description:
        "An image in the message is the directory photo of clinician P, but the mail comes neither from P's own address nor DMARC/DKIM-aligned from P's organisation's domain.",
    },
    DIRECTORY_PHOTO_VERIFIED: {
      weight: -2,
      description: "Benign: the directory photo of clinician P, with P's name, in mail authenticated from P's own organisation's domain.",
    },
    DIRECTORY_PHOTO_CHECK_INCOMPLETE: {
      weight: 0,
      description: 'Informational: some images could not be compared with directory photos in time (face models loading or busy); the scan went on without them.',
    },
  },

  async analyze(msg, ctx, config, emit) {
    const dir = ctx.directory;
    if (!dir || !config.enabled) return;
    const images = embeddedImages(msg.images);
    if (images.length === 0) return;
    const index = photoIndexFor(dir, { embedder: sharedFaceEmbedder(), cacheDir: config.diskCache ? (config.cacheDir ?? defaultFaceCacheDir()) : null });
    if (index.photoCount === 0) return;

    const report = await matchImages(images, index, sharedFaceEmbedder(), {
      faces: config.faces,
      hashMaxDistance: config.hashMaxDistance,
      hashStrongDistance: Math.min(config.hashStrongDistance, config.hashMaxDistance),
      faceMinSimilarity: config.faceMinSimilarity,
      faceStrongSimilarity: Math.max(config.faceStrongSimilarity, config.faceMinSimilarity),
      maxImages: config.maxImages,
      gate: { ...DEFAULT_FACE_GATE, minSide: config.minFaceImageSide },
      deadline: Math.min(ctx.deadline, Date.now() + config.budgetMs),
    });
    if (report.incomplete.length > 0) emit('DIRECTORY_PHOTO_CHECK_INCOMPLETE', report.incomplete.slice(0, 3).join('; '));
    if (report.matches.length === 0) return;

    const sender = senderStanding(msg, ctx.auth, ctx.org, dir, ctx.senderProfile, config.establishedAfterMessages);
    const claims = extractClinicianClaims({ fromName: msg.from?.name ?? '', subject: msg.subject, text: msg.text, imageText: ctx.imageText })
      .filter((c) => !c.addressee)
      .map((claim) => ({ claim, ids: personIdsNamed(dir, claim) }));
    const everything = [msg.from?.name ?? '', msg.subject, msg.text, ctx.imageText].join('\n');

    let fake: Finding | null = null;
    let unverified: Finding | null = null;
    let verified: Finding | null = null;
    for (const match of bestPerPerson(report.matches)) {
      const p = match.person;
      const named = claims.some((c) => c.ids.has(p.id)) || mentionsFamilyName(everything, p.family);
      const fromP = sentByPerson(sender, p, dir);
      const strength = match.strong ? 1 : 0.75;
      const photo = `${describeImage(match.image)} is the directory photo of ${displayName(p)}${p.organization ? ` (${p.organization})` : ''}, ${match.measure}`;

      if (fromP && sender.auth === 'aligned') {
        // P's own organisation, authenticated, shows P: reminders, newsletters, signatures, reply threads.
        if (named) verified = pick(verified, { factor: 1, evidence: `${photo}; the message names them and is authenticated from ${sender.domain}` });
        continue;
      }
      const conflicting = named ? null : presentedName(claims, p);
      if (conflicting) {
        let factor = strength * (conflicting.claim.clinical ? 1 : 0.75);
        if (sender.auth === 'aligned' && (sender.org || sender.partner)) factor *= 0.5;
        else if (sender.established) factor *= 0.6;
        if (sender.imitates) factor *= 1.25;
        const evidence = `${photo}, but the message presents it as ${quote(conflicting.claim.raw ?? conflicting.claim.text, 50)} (${CLAIM_SOURCE_LABEL[conflicting.claim.source]}) and never names ${p.given || 'Dr.'} ${p.family}; sender ${describeSender(sender)}`;
        fake = pick(fake, { factor, evidence });
        continue;
      }
      const unverifiedFactor = unverifiedSenderFactor(sender, fromP, p);
      if (unverifiedFactor > 0) {
        const theirs = dir.domainsOf(p);
        const why = fromP
          ? `claims ${sender.domain} but fails DMARC/DKIM alignment`
          : `is neither their address nor authenticated from ${theirs.length ? theirs.join(', ') : 'a domain of theirs'}`;
        unverified = pick(unverified, { factor: unverifiedFactor * strength, evidence: `${photo}; the mail, from ${describeSender(sender)}, ${why}` });
      }
    }
    if (fake) emit('DIRECTORY_PHOTO_FAKE_NAME', fake.evidence, round(fake.factor));
    if (unverified) emit('DIRECTORY_PHOTO_UNVERIFIED_SENDER', unverified.evidence, round(unverified.factor));
    if (verified && !fake && !unverified) emit('DIRECTORY_PHOTO_VERIFIED', verified.evidence);
  },
});

interface Finding {
  factor: number;
  evidence: string;
}

function pick(a: Finding | null, b: Finding): Finding {
  return !a || b.factor > a.factor ? b : a;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The strongest match for each person (several images may show the same one). */
function bestPerPerson(matches: PhotoMatch[]): PhotoMatch[] {
  const byPerson = new Map<string, PhotoMatch>();
  for (const m of matches) {
    const prev = byPerson.get(m.person.id);
    if (!prev || (m.strong && !prev.strong) || (m.strong === prev.strong && m.method === 'hash' && prev.method === 'face')) byPerson.set(m.person.id, m);
  }
  return [...byPerson.values()];
}

/** Directory people a claim may refer to, under any of its readings ("Dr. Carter" included: it names Dr. Carter if anyone). */
function personIdsNamed(dir: Directory, claim: ClinicianClaim): Set<string> {
  const ids = new Set<string>();
  for (const reading of claim.readings) {
    const written = claim.parsed.doctorTitle && !reading.includes(' ') ? `Dr. ${reading}` : reading;
    for (const m of dir.findPersonsByName(written)) ids.add(m.person.id);
  }
  return ids;
}

const letters = (s: string) => ` ${foldName(s).toLowerCase().replace(/[^a-z]+/g, ' ').trim()} `;

/** The family name appears anywhere (a quoted signature, a caption): the message does not hide whose photo it is. */
function mentionsFamilyName(text: string, family: string): boolean {
  const f = letters(family);
  return f.trim().length >= 2 && letters(text.length > 200_000 ? text.slice(0, 200_000) : text).includes(f);
}

/**
 * The name the message presents instead of P's: a clinician claim anywhere (title or
 * credential) or the person the display name or signature says is writing. The sender's
 * own identity goes first.
 */
function presentedName(claims: { claim: ClinicianClaim; ids: Set<string> }[], p: DirectoryPerson): { claim: ClinicianClaim } | null {
  const rank: Record<ClaimSource, number> = { 'display-name': 0, signature: 1, subject: 2, body: 3, image: 4 };
  const others = claims
    .filter((c) => !c.ids.has(p.id) && (c.claim.clinical || c.claim.source === 'display-name' || c.claim.source === 'signature'))
    .sort((a, b) => Number(b.claim.clinical) - Number(a.claim.clinical) || rank[a.claim.source] - rank[b.claim.source]);
  return others[0] ?? null;
}

/**
 * How much P's photo in this mail says about a sender who is not P's authenticated self:
 * full for strangers and free-mail, more for look-alike domains and forged alignment, less
 * for established correspondents, nothing for the organisation's or its partners' own
 * authenticated mail (colleagues share each other's photos) or when authentication could
 * not tell.
 */
function unverifiedSenderFactor(sender: SenderStanding, fromP: boolean, p: DirectoryPerson): number {
  if (fromP) return sender.auth === 'failed' ? 1.25 : 0;
  if ((sender.org || sender.partner) && sender.auth === 'aligned') return 0;
  if ((sender.org || sender.partner) && sender.auth === 'unknown') return 0;
  if (sender.org || sender.partner) return 1.25;
  let factor = 1;
  if (sender.imitates) factor = 1.25;
  else if (sender.established) factor = 0.5;
  // A partner clinician's photo is less sensitive to the protected organisation than its own staff's.
  if (p.kind === 'partner') factor *= 0.75;
  return factor;
}

export type { Config as ClinicianPhotoConfig };
