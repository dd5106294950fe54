import type { Signal } from '../analyzers/analyzer.ts';
import type { Directory } from '../directory/directory.ts';
import { displayName } from '../directory/model.ts';
import { describeImage, embeddedImages } from '../faces/photo-matcher.ts';
import type { ParsedMessage } from '../parse/message.ts';

const PHOTO_SIGNALS = new Set(['DIRECTORY_PHOTO_FAKE_NAME', 'DIRECTORY_PHOTO_UNVERIFIED_SENDER', 'DIRECTORY_PHOTO_VERIFIED']);
const SHOWN_TYPE = /^image\/(png|jpeg|gif|webp)$/i;
const MAX_SHOWN_BYTES = 3 * 1024 * 1024;

export interface PhotoEvidence {
  signal: string;
  person: { id: string; name: string; organization: string; photoIndex: number };
  mailImage: { description: string; dataUri: string | null };
  evidence: string;
}

/**
 * For the side-by-side view: which directory person a photo signal names and which image
 * of the message it matched. The clinician-photo analyzer writes both into its evidence
 * ("inline image "x.jpg" is the directory photo of Dr. Jane Smith, MD (…)"); they are found
 * again here by the same describeImage() and displayName() that wrote them, so the face
 * models need not run a second time.
 */
export function photoEvidence(signals: Signal[], msg: ParsedMessage, directory: Directory | null): PhotoEvidence[] {
  if (!directory) return [];
  const out: PhotoEvidence[] = [];
  const images = embeddedImages(msg.images);
  const people = directory.persons().filter((p) => p.photos.length > 0).map((p) => ({ p, name: displayName(p) }));
  for (const s of signals) {
    if (!PHOTO_SIGNALS.has(s.id)) continue;
    const who = people.filter((x) => s.evidence.includes(`directory photo of ${x.name}`)).sort((a, b) => b.name.length - a.name.length)[0];
    if (!who) continue;
    const image = images
      .map((img) => ({ img, d: describeImage(img) }))
      .filter((x) => s.evidence.startsWith(x.d))
      .sort((a, b) => b.d.length - a.d.length)[0];
    const type = image?.img.contentType ?? '';
    const dataUri = image && SHOWN_TYPE.test(type) && image.img.content && image.img.content.length <= MAX_SHOWN_BYTES ? `data:${type.toLowerCase()};base64,${image.img.content.toString('base64')}` : null;
    out.push({
      signal: s.id,
      person: { id: who.p.id, name: who.name, organization: who.p.organization, photoIndex: 0 },
      mailImage: { description: image?.d ?? 'an image in the message', dataUri },
      evidence: s.evidence,
    });
  }
  return out;
}
