import { ruleGroup, type IntentRule } from './types.ts';

/**
 * Something for nothing: "you have won", a reward for a survey, a gift waiting to be
 * claimed. Retail marketing says "win" and "gift" all the time, so the strong rules are
 * the ones that tell the reader they already won.
 */

const en = ruleGroup('PRIZE_LURE', 'en', 'prize', false);
const de = ruleGroup('PRIZE_LURE', 'de', 'prize', false);
const pt = ruleGroup('PRIZE_LURE', 'pt', 'prize', false);
const es = ruleGroup('PRIZE_LURE', 'es', 'prize', false);
const fr = ruleGroup('PRIZE_LURE', 'fr', 'prize', false);

export const PRIZE_RULES: IntentRule[] = [
  ...en([
    {
      name: 'you-won',
      strength: 'strong',
      anchors: ['won', 'selected', 'chosen', 'winner'],
      pattern: String.raw`\b(?:you(?:'ve| have)?|you've just) (?:just )?(?:been )?(?:won(?!')|selected to (?:receive|participate)|chosen to (?:receive|participate))\b|\b(?:you are|you're) (?:our|a|the) (?:lucky |latest |selected |online )*winner\b|\byour (?:e-?mail|address|number|name) (?:was|has been) (?:selected|chosen)\b`,
      positives: ['You have been chosen to participate in our loyalty program for free!', 'Congratulations, you have won an iPhone 15!', "You're our lucky winner.", 'You are the lucky online winner of a tool set.'],
      negatives: ['Our team won the regional patient-safety award.', "You won't need to bring anything."],
    },
    {
      name: 'claim-reward',
      strength: 'strong',
      anchors: ['claim', 'collect', 'redeem', 'receive', 'prize', 'reward', 'gift', 'bonus', 'name', 'take', 'eligible'],
      pattern: String.raw`\b(?:claim (?:your|the|my)|(?:collect|redeem) (?:your|my)) (?:free |exclusive |special |\$?\d+ |\d+x )?(?:prizes?|rewards?|gifts?|bonus|winnings|free spins|package|voucher|nft|airdrop|tokens?|balance|kit|box|gift card)\b|\byour name came up\b|\btake your (?:reward|prize|gift)\b|\byou(?:'re| are) eligible (?:for|to receive|to claim) (?:the |a |an |your )?(?:[\w-]+ )?(?:airdrop|reward|prize|bonus|gift)\b|\b(?:claim|collect|redeem) (?:your|the) free\b|\bclaim (?:your |the )?(?:airdrop|tokens)\b|\b(?:confirm|claim) and (?:receive|collect|get) your\b|\b(?:your )?(?:prize|reward|gift|bonus) (?:is )?(?:waiting|awaits|pending|reserved)\b|\byour (?:reward|prize|gift)\s?:`,
      positives: ['Claim your reward now!', 'Your prize is waiting for you.', 'Click the button below to confirm and receive your package.', 'Your reward: Stanley tumbler', 'Your name came up for a Samsung TV reward.', "You're eligible for the ASTER airdrop.", 'Claim your rewards:'],
      negatives: ['The reward points program ended last year.', 'Staff can collect the gift bags at reception.'],
    },
    {
      name: 'survey-reward',
      strength: 'strong',
      anchors: ['survey', 'questionnaire', 'question'],
      pattern: String.raw`\b(?:complete|take|answer|fill out|take part in|participate in) (?:our|this|a|the|some|a few) (?:[\w-]+ ){0,3}?(?:survey|questionnaire|questions)\b(?: [\w$-]+){0,8}? (?:to|and) (?:receive|get|claim|win|earn|qualify)\b|\b(?:survey|questionnaire) (?:reward|prize|gift)\b`,
      positives: ['Complete our short survey to receive a $100 gift card.', 'Take part in our marketing survey and get $90 promo reward.'],
      negatives: ['Please complete the staff survey by Friday; it takes ten minutes.'],
    },
    {
      name: 'free-spins',
      strength: 'weak',
      anchors: ['spins', 'deposit', 'lotter', 'sweepstake', 'draw'],
      pattern: String.raw`\bfree spins\b|\bno deposit (?:bonus|required)\b|\b(?:lottery|sweepstakes?) (?:winner|prize|award|draw|notification|entry)\b|\bprize draw\b`,
      positives: ['Claim 300 free spins today.'],
      negatives: ['The spin class is free for staff.', 'The state may sell the lottery to close the budget gap.'],
    },
    {
      name: 'unclaimed-funds',
      strength: 'weak',
      anchors: ['unclaimed', 'next', 'beneficiary', 'sum', 'inheritance', 'consignment', 'compensation', 'relief', 'dear', 'donated', 'million'],
      pattern: String.raw`\bunclaimed (?:prize|reward|inheritance|funds|package)\b|\b(?:next of kin|beneficiary) (?:of|to) (?:the|a|my) (?:late|deceased)\b|\bsum of (?:us ?)?\$?\d[\d,.]* ?(?:million|usd)\b|\b(?:inheritance|consignment|compensation|relief) (?:funds?|package|payment|box(?:es)?)\b|\bdear beneficiary\b|\bdonated (?:the sum of |a sum of )?(?:us ?)?\$ ?\d[\d,.]*|\b\d+(?:[.,]\d+)? million (?:u\.?s\.? )?dollars\b`,
      positives: ['You are named beneficiary to the late Mr. Smith.', 'a sum of $10,500,000 USD', 'your inheritance funds will be released', 'Mr. Bernard has donated $ 3,500,000.00 to you.'],
      negatives: ['Unclaimed lost property is donated after 90 days.'],
    },
  ]),
  ...de([
    {
      name: 'gewonnen',
      strength: 'strong',
      anchors: ['gewonnen', 'gewinner', 'wert', 'sichern', 'finalist', 'belohnung', 'ausgewahlt', 'gutschein'],
      pattern: String.raw`\b(?:ihre|deine) belohnung wartet\b|\bsie wurden (?:[\w-]+ ){0,6}?ausgewahlt\b|\b(?:einen|ein|den) (?:exklusiven |tollen |wertvollen )?(?:preis|gutschein|gewinn) (?:zu )?gewinnen\b|\bbestatigen sie ihren gutschein\b|\bsie haben (?:\w+ )?gewonnen\b|\b(?:sie sind|du bist) (?:unser|ein|der) (?:glucklicher? )?gewinner\b|\b(?:gutschein|geschenk|pramie|bonus) im wert von\b|\bsichern sie sich (?:jetzt )?ihr(?:en)? (?:gutschein|geschenk|pramie|bonus|gewinn)\b|\bfinalisten?\b`,
      positives: ['Sie haben gewonnen!', 'Ihr Gutschein im Wert von 500 €', 'Ihre Belohnung wartet auf Sie!', 'Sie wurden heute für unsere Verlosung ausgewählt!'],
      negatives: ['Unser Team hat den Preis für Pflegequalität erhalten.'],
    },
    {
      name: 'freispiele',
      strength: 'weak',
      anchors: ['freispiele', 'gewinnspiel', 'willkommensbonus', 'verlos', 'umfrage', 'gewinnen', 'exklusiv-gewinner'],
      pattern: String.raw`\bfreispiele\b|\bgewinnspiel\b|\bwillkommensbonus\b|\bverlos(?:en|ung)\b|\bumfrage (?:teil|aus)\b|\bgewinnen sie (?:einen|ein|eine)\b|\bexklusiv-gewinner\b`,
      positives: ['Hol dir 200 Freispiele.', 'Wir verlosen einen Gutschein.', 'Nehmen Sie an unserer Umfrage teil.'],
      negatives: ['Das Sommerfest findet im Park statt.'],
    },
  ]),
  ...pt([
    {
      name: 'voce-ganhou',
      strength: 'strong',
      anchors: ['voce', 'resgate', 'retire', 'receba'],
      pattern: String.raw`\bvoce (?:foi )?(?:ganhou|sorteado|sorteada|selecionad[oa] para receber|contemplad[oa])\b|\b(?:resgate|retire|receba) (?:ja |agora )?(?:o |a |seu |sua )?(?:premio|brinde|bonus|pontos|recompensa|cashback)\b`,
      positives: ['Parabéns, você foi sorteado!', 'Resgate seu prêmio agora.'],
      negatives: ['O hospital recebeu o prêmio de qualidade.'],
    },
    {
      name: 'pontos-expiram',
      strength: 'weak',
      anchors: ['pontos'],
      pattern: String.raw`\bpontos (?:[\w-]+ ){0,6}?(?:vao |irao |podem |prestes a )?(?:expirar|expiram|vencer|vencem)\b`,
      positives: ['Seus pontos vão expirar amanhã.'],
      negatives: ['Os pontos de coleta estão sinalizados.'],
    },
  ]),
  ...es([
    {
      name: 'usted-gano',
      strength: 'strong',
      anchors: ['ganado', 'reclam', 'cobre', 'ganador'],
      pattern: String.raw`\b(?:usted ha|has|ha) ganado\b|\b(?:reclame|reclama|cobre) (?:su|tu) (?:premio|regalo|recompensa|bono)\b|\bes (?:el|la|nuestro) (?:afortunad[oa] )?ganador\b`,
      positives: ['¡Usted ha ganado un premio!', 'Reclame su premio hoy.'],
      negatives: ['El hospital ha recibido un premio de calidad.'],
    },
  ]),
  ...fr([
    {
      name: 'vous-avez-gagne',
      strength: 'strong',
      anchors: ['gagne', 'selectionne', 'tire', 'reclamez', 'recuperez', 'obtenez', 'sondage', 'questionnaire'],
      pattern: String.raw`\bvous (?:avez ete|avez|etes) (?:gagne|selectionnee?|tiree? au sort)\b|\b(?:completez|remplissez|repondez a) (?:notre|ce|un|le) (?:\w+ ){0,2}?(?:sondage|questionnaire)\b(?: [\w'-]+){0,8}? (?:et|pour) (?:recevez|recevoir|gagnez|gagner|obtenez|obtenir)\b|\b(?:reclamez|recuperez|obtenez) (?:votre|vos) (?:cadeau|prix|recompense|gain|lot)s?\b`,
      positives: ['Félicitations, vous avez gagné !', 'Réclamez votre cadeau.', 'Complétez notre rapide sondage et recevez un kit gratuit !'],
      negatives: ['Le service a gagné en efficacité.'],
    },
  ]),
];
