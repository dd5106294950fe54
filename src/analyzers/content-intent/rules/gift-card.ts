import { ruleGroup, type IntentRule } from './types.ts';

/**
 * The gift-card scam: a "manager" asks staff to buy cards and send the codes. Shops
 * advertise gift cards too, so the rules look for the request and the codes, not the card.
 */

const en = ruleGroup('GIFT_CARD', 'en', 'gift', true);
const de = ruleGroup('GIFT_CARD', 'de', 'gift', true);
const pt = ruleGroup('GIFT_CARD', 'pt', 'gift', true);
const es = ruleGroup('GIFT_CARD', 'es', 'gift', true);
const fr = ruleGroup('GIFT_CARD', 'fr', 'gift', true);

const CARD = String.raw`(?:gift ?cards?|itunes cards?|apple cards?|google play cards?|steam cards?|amazon cards?|vanilla cards?|visa gift cards?|prepaid cards?|ebay cards?)`;

export const GIFT_CARD_RULES: IntentRule[] = [
  ...en([
    {
      name: 'buy-cards-for-me',
      strength: 'strong',
      anchors: ['gift', 'itunes', 'apple', 'google', 'steam', 'amazon', 'vanilla', 'visa', 'prepaid', 'ebay'],
      pattern: String.raw`\b(?:i need you to|can you|could you|would you|will you|please) (?:help me )?(?:buy|purchase|get|pick up) (?:some |a few |\d+ |(?:two|three|four|five|six|ten) )?(?:[\w$-]+ ){0,3}?${CARD}`,
      positives: ['I need you to purchase some Apple gift cards for the staff.', 'Can you get 5 Google Play cards for me?'],
      negatives: ['Staff can buy cafeteria gift cards at the front desk.'],
    },
    {
      name: 'send-codes',
      strength: 'strong',
      anchors: ['scratch', 'card', 'code', 'receipt', 'pin'],
      pattern: String.raw`\bscratch (?:off )?(?:the )?(?:back|cards?|codes?|silver)\b|\bsend (?:me )?(?:the )?(?:pictures?|photos?|images?|pics?|snapshots?) of (?:the )?(?:back of )?(?:the )?(?:cards?|codes?|receipts?)\b|\b(?:card|cards|redemption|claim) (?:codes?|numbers?) (?:and|&) (?:the )?(?:pins?|receipts?)\b`,
      positives: ['Scratch off the back and send me pictures of the cards.', 'Send the card codes and PINs by email.'],
      negatives: ['Scratch-off lottery tickets are not allowed in the break room.'],
    },
    {
      name: 'discreet-errand',
      strength: 'weak',
      anchors: ['available', 'free', 'favor', 'favour', 'confidential', 'between', 'discreet', 'surprise'],
      pattern: String.raw`\b(?:are you (?:available|free|at your desk)|i need a (?:quick |small )?favou?r|keep (?:it|this) (?:confidential|between us|discreet)|surprise (?:for )?the staff)\b`,
      positives: ['Are you available? I need a quick favor.'],
      negatives: ['Let me know when you are free to discuss the schedule.'],
    },
  ]),
  ...de([
    {
      name: 'gutscheinkarten-kaufen',
      strength: 'strong',
      anchors: ['geschenkkarten', 'gutscheinkarten', 'guthabenkarten', 'itunes-karten', 'google-play-karten', 'amazon-gutscheine', 'codes', 'code'],
      pattern: String.raw`\b(?:kaufen|besorgen) sie (?:bitte )?(?:\w+ ){0,3}?(?:geschenkkarten|gutscheinkarten|guthabenkarten|itunes-karten|google-play-karten|amazon-gutscheine)\b|\bcodes? (?:der|auf den) karten\b`,
      positives: ['Kaufen Sie bitte fünf Google-Play-Karten und schicken Sie mir die Codes der Karten.'],
      negatives: ['Gutscheinkarten gibt es an der Cafeteria-Kasse.'],
    },
  ]),
  ...pt([
    {
      name: 'comprar-cartoes',
      strength: 'strong',
      anchors: ['cartao', 'cartoes', 'gift'],
      pattern: String.raw`\b(?:compre|comprar|adquira) (?:\w+ ){0,3}?(?:cartoes?[ -](?:presente|de presente)|gift ?cards?|cartoes? (?:google play|itunes|steam))\b`,
      positives: ['Preciso que você compre cinco cartões-presente para mim.'],
      negatives: ['O cartão do estacionamento está na recepção.'],
    },
  ]),
  ...es([
    {
      name: 'comprar-tarjetas',
      strength: 'strong',
      anchors: ['tarjeta', 'gift'],
      pattern: String.raw`\b(?:compre|comprar|compra|adquiera) (?:\w+ ){0,3}?(?:tarjetas? de regalo|gift ?cards?|tarjetas? (?:google play|itunes|steam))\b`,
      positives: ['Necesito que compre cinco tarjetas de regalo.'],
      negatives: ['La tarjeta del aparcamiento está en recepción.'],
    },
  ]),
  ...fr([
    {
      name: 'acheter-cartes',
      strength: 'strong',
      anchors: ['carte', 'cartes', 'gift'],
      pattern: String.raw`\b(?:achetez|acheter|achete|procurez-vous) (?:\w+ ){0,3}?(?:cartes?[ -]cadeaux?|gift ?cards?|cartes? (?:google play|itunes|steam|prepayees?))\b`,
      positives: ['Pouvez-vous acheter cinq cartes cadeaux pour moi ?'],
      negatives: ['La carte du parking est à l’accueil.'],
    },
  ]),
];
