import { ruleGroup, type IntentRule } from './types.ts';

/**
 * The bulk-spam trades: casino bonuses, crypto riches, pills without a prescription, sex
 * and dating, instant loans, stock tips, cheap software and replicas. A hospital's own mail
 * talks about medication, weight and money every day, so the rules ask for the sales
 * pitch (a price, "no prescription", a deposit bonus), never for the topic alone.
 */

const en = ruleGroup('SPAM_OFFER', 'en', 'offer', false);
const de = ruleGroup('SPAM_OFFER', 'de', 'offer', false);
const pt = ruleGroup('SPAM_OFFER', 'pt', 'offer', false);
const es = ruleGroup('SPAM_OFFER', 'es', 'offer', false);
const fr = ruleGroup('SPAM_OFFER', 'fr', 'offer', false);

export const SPAM_OFFER_RULES: IntentRule[] = [
  ...en([
    {
      name: 'casino-bonus',
      strength: 'strong',
      anchors: ['casino', 'deposit', 'spins', 'bonus', 'bet', 'jackpot', 'slots'],
      pattern: String.raw`\b(?:online )?casino (?:bonus|welcome|offer|games?|vip)\b|\b(?:first|1st) deposit\b|\b\d+ ?% (?:match |welcome )?(?:deposit )?bonus\b|\bdeposit bonus\b|\bfree spins\b|\bwelcome bonus (?:of|up to)\b|\b(?:free|risk-free) bets?\b|\bprogressive jackpots?\b|\bplay (?:slots|roulette|blackjack|poker) (?:online|now)\b`,
      positives: ['Get a 300% deposit bonus today', 'Claim 150 free spins on your first deposit', 'Welcome bonus of up to $1,000 at our online casino', 'Play slots now and win big'],
      negatives: ['The deposit for the staff locker is $5, refundable.', 'Casino night fundraiser for the children’s ward raised $12,000.'],
    },
    {
      name: 'crypto-riches',
      strength: 'strong',
      anchors: ['bitcoin', 'crypto', 'btc', 'usdt', 'airdrop', 'trading', 'returns', 'profit', 'passive', 'earn', 'double', 'wallet', 'token'],
      pattern: String.raw`\b(?:claim|get|receive) (?:your |free )?(?:\d[\d,.]* )?(?:btc|bitcoin|eth|usdt|xrp|tokens?|crypto|airdrop)\b|\bairdrop\b|\b(?:guaranteed|daily|weekly) (?:returns?|profits?|income)\b|\b(?:trading|crypto|bitcoin) (?:bot|robot|signals?|profit system)\b|\bpassive income\b|\bearn (?:up to )?\$? ?\d[\d,.]* ?(?:\$|usd|usdt|dollars)? (?:per|a|every) (?:day|week|hour)\b|\bdouble your (?:bitcoin|btc|crypto|money|investment)\b|\b(?:bitcoin|crypto) (?:giveaway|investment opportunity)\b`,
      positives: ['Claim your 0.5 BTC now', 'Eligible wallets can join the airdrop', 'Our trading bot delivers guaranteed returns', 'Earn $750 per day from home', 'Double your bitcoin in 24 hours'],
      negatives: ['The retirement plan’s returns are reported quarterly.', 'Bitcoin is not an accepted form of payment at the cafeteria.'],
    },
    {
      name: 'pills-no-prescription',
      strength: 'strong',
      anchors: ['prescription', 'no_pres', 'no-pres', 'n0_pres', 'pharmacy', 'pharmacies', 'canadian', 'certified', 'online', 'discount', 'internet', 'web', 'offshore', 'viagra', 'cialis', 'levitra', 'valium', 'xanax', 'phentermine', 'tramadol', 'ambien', 'soma', 'vicodin', 'propecia', 'pills', 'tabs', 'meds', 'enlarge', 'hgh', 'erectile', 'pounds', 'lbs'],
      pattern: String.raw`\bno (?:doctor'?s? )?prescription (?:needed|required|necessary)\b|\bn[o0][_-]pres(?:cripti[o0]n)?[_ -](?:needed|required)\b|\b(?:buy|order|purchase|shop)\b[^.\n]{0,40}\bwithout (?:a |any )?prescription\b|\bwithout (?:a |any )?prescription\b[^.\n]{0,30}\b(?:shipping|delivered|cheap|discount|order)|\b(?:canadian|discount|internet|web|offshore) ?(?:pharmacy|pharmacies|drugstores?|meds)\b|\b(?:certified|cheap|cheapest|best|#1|our new|most complete|discount) (?:online|on-line|internet|web) ?(?:pharmacy|pharmacies|drugstores?)\b|\bonline meds\b|\b(?:generic )?(?:viagra|cialis|levitra)(?: soft| professional| super)?(?: tabs)? (?:[-–:]|at|from|for|only) ?\$ ?\d|\bsoft tabs\b|\b(?:penis|male) enlarge(?:ment)?\b|\benlarge(?:ment)? (?:pills|patch)\b|\bhgh\b|\b(?:lose|drop|shed) (?:up to )?\d+ ?(?:lbs|pounds|kg|kilos) (?:in|within) \d+ (?:days|weeks)\b|\bcheap (?:meds|pills|viagra|cialis)\b|\b(?:viagra|cialis|levitra|valium|xanax|phentermine|tramadol|ambien|soma|vicodin|propecia)\b[^.\n]{0,50}\b(?:cut rates?|per (?:pill|dose|tab(?:let)?)|lowest prices?|bargain prices?|discount|save (?:up to )?\d+ ?%|order (?:now|today|online)|overnight (?:shipping|delivery))|\b(?:cut rates?|lowest prices?|bargain prices?|order (?:now|online)|discount)\b[^.\n]{0,40}\b(?:viagra|cialis|levitra|valium|xanax|phentermine|tramadol|ambien|soma|vicodin|propecia)\b`,
      positives: ['Buy meds online, no prescription needed!', 'Certified OnlinePharmacy, all countries shipping', 'Order Viagra N0_PRES needed with fast shipping!', 'This is the letter from the CanadianPharmacy.', 'Would you like Viagra at cut rates?', 'Xanax, Valium, Ambien - lowest prices, overnight delivery', 'Order now: Cialis only $2.10 per pill', 'Canadian pharmacy - Cialis Soft Tabs - $5.78', 'Generic Viagra from $1.99', 'Lose 20 lbs in 14 days without diet'],
      negatives: ['Your prescription is ready at the pharmacy.', 'Refills are quicker through our online pharmacy service.', 'Our bariatric program helps patients lose weight safely.', 'Do not take pills without a prescription from your doctor.', 'Patients on tramadol should be reviewed before discharge; order a urine screen.', 'The formulary now lists generic Cialis for BPH.'],
    },
    {
      name: 'pharmacy-storefront',
      strength: 'strong',
      anchors: ['buy', 'purchase', 'order', 'viagra', 'cialis', 'levitra', 'valium', 'xanax', 'phentermine', 'tramadol', 'ambien', 'soma', 'vicodin', 'propecia', 'meridia', 'fda', 'anonym', 'discreet', 'visit'],
      // The shop, not the drug: "buy Cialis online", a price list of lifestyle drugs, an
      // "FDA approved online store", anonymous shipping. Clinicians order drugs too, so
      // "order" counts only with the shop's own words ("online", "from us").
      pattern: String.raw`(?<!\b(?:whether to|not|never|don't|do not|why|if you) )\b(?:buy|purchase)\s(?:generic |brand )?(?:viagra|cialis|levitra|valium|xanax|phentermine|tramadol|ambien|soma|vicodin|propecia|meridia)\b(?: soft ?tabs| professional| super)? (?:online|now|here|today|with us|from us|at our)\b|\border (?:generic |brand )?(?:viagra|cialis|levitra|valium|xanax|phentermine|tramadol|ambien|soma|vicodin|propecia|meridia)\b(?: soft ?tabs)? (?:online|with us|from us|at our)\b|\b(?:viagra|cialis|levitra|valium|xanax|phentermine|tramadol|ambien|soma|vicodin|propecia|meridia)\s?: buy\b|(?:\b(?:viagra|cialis|levitra|valium|xanax|phentermine|tramadol|ambien|soma|vicodin|propecia|meridia)(?:\s?(?:soft ?tabs|professional|super|\d+ ?mg))?\s?(?:[-–:]\s?|as low as |only |from |just )?\$ ?\d[\d.,]*[\s\S]{0,80}?){2}|\bfda[- ]approved (?:online )?(?:store|shop|pharmacy|drugstore)\b|\banonym(?:ous|ouse|ously) (?:shipping|delivery|packaging)\b|\bdiscreet(?: \w+)? (?:shipping|packaging)\b|\b(?:viagra|cialis|levitra|valium|xanax|phentermine|tramadol|ambien|soma|vicodin|propecia|meridia)\b[^.?]{0,3}(?:[.?!]\s?)?(?:visit|see) (?:our |the )?(?:online )?(?:store|shop|pharmacy)(?: online)?\b|\b(?:viagra|cialis|levitra|valium|xanax|phentermine|tramadol|ambien|soma|vicodin|propecia|meridia)\b[\s\S]{0,400}?\b(?:visit|see|check out) our (?:site|website|store|shop) ?!`,
      positives: ['Buy Cialis online', 'Buy Viagra Now at our online shop!', 'Viagra: buy with us and you will save your money!', 'ViagraAs low as $69.95 CialisAs low as $99.95 ValiumAs low as $85.45', 'Viagra 100mg Only $2.00 per pill Tramadol 50 mg Only $0.99', 'We are FDA approved online store', 'Fast Worldwide delivery. Anonymouse shipping. Low prices', 'improved their sex lives with VIAGRA!VISIT STORE ONLINE!', 'Viagra improves erections for most men. We provide you 100% results after using our products.See our site!'],
      negatives: ['Please order tramadol 50 mg for bed 4 today.', 'Patients asked whether to buy Viagra online: tell them about counterfeit risks.', 'Generic sildenafil (Viagra) now costs the pharmacy $0.30 a tablet.', 'Discreet: the clinic keeps your records confidential.', 'Buy lunch for the team at our cafeteria.', 'Sildenafil (Viagra) is covered by the plan; for details see our site.'],
    },
    {
      name: 'drugs-online',
      strength: 'weak',
      anchors: ['shop', 'buy', 'drugs', 'meds', 'medications', 'pills'],
      // Safety advice says this too ("buying medications online can be risky"), so weak.
      pattern: String.raw`\b(?:shop(?:ping)?(?: for)?|buy(?:ing)?|purchas(?:e|ing)) (?:your |cheap |generic |quality )?(?:drugs|meds|medications|pills) (?:online|on the (?:web|internet))\b|\b(?:all )?(?:your )?favou?rite (?:rx-?)?meds\b`,
      positives: ['I just wanted to give you some advice on how to shop for drugs online.', 'If you are buying drugs on the Web frequently, read this', 'All of your Favorite RX-Meds are available online!'],
      negatives: ['Refill your prescription online through the patient portal.'],
    },
    {
      name: 'sex-enhancement',
      strength: 'strong',
      anchors: ['penis', 'pnis', 'dick', 'male', 'ejacul', 'orgasm', 'breasts', 'rock', 'vibrat', 'size'],
      // Urology writes about size and ejaculation clinically; the pitch addresses the reader's body.
      pattern: String.raw`\byour (?:penis|pnis|dick|member) size\b|\b(?:penis|pnis|p\*) en[l1]arg\w*|\bmale enhan[c(]ement\b|\bejaculate like a porn ?star\b|\b(?:bigger|fuller),? (?:fuller |firmer |bigger )?(?:and )?(?:firmer |fuller )?breasts naturally\b|\brock her world\b|\bvibrat(?:ing|ion) ring\b|\b(?:lover'?s?|partner'?s?) (?:p\*|penis) size\b|\bejaculate \d+ times more\b|\b(?:bigger|greater|stronger) (?:orgasms?|ejaculations?)\b[^.\n]{0,40}\b(?:bigger|greater|stronger) (?:orgasms?|ejaculations?)\b`,
      positives: ['Do you feel insecure about your penis size?', 'the Most Advanced Solution in Pnis En1argment', 'Millions of men are already applying male enhan(ement patches', 'Have you ever wished you ejaculate like a porn star?', 'You can have bigger, fuller and firmer breasts naturally.', 'Wish you could rock her world all night long?', 'Ever wanted to ejaculate 5 times more?', 'the fight for your bigger orgasm and greater ejaculation'],
      negatives: ['Parents often ask about penis size in the adolescent clinic.', 'Premature ejaculation is treatable; talk to your urologist.', 'Breast reconstruction consultations are on Tuesdays.'],
    },
    {
      name: 'work-at-home',
      strength: 'strong',
      anchors: ['return', 'returning', 'work', 'six', 'weekly', 'daily', 'own'],
      pattern: String.raw`\b(?:simply |just )?return(?:ing)? (?:phone )?calls (?:for us|each day|from home)\b|\bwork (?:from|at) home\b[^.\n]{0,60}\$ ?[\do]{3}|\$ ?[\do]{1,3}[,.]?[\do]{2,3} (?:to \$ ?[\do]{1,3}[,.]?[\do]{2,3} )?(?:weekly|daily|a week|a day|per week|per day)\b[^.\n]{0,30}\b(?:from home|simply|just|returning)\b|\bsix[- ]figure lifestyle\b|\b(?:make|earn|generate) (?:a )?six[- ]figure income (?:from home|in \d|working)`,
      positives: ['$15OO to $3OOO weekly/daily Simply Returning phone calls for us.', 'if you have a phone and can return calls for us we will help you generate up to three k a day', 'create a six-figure lifestyle in the next 6-12 months', 'Work from home and earn $500 a week'],
      negatives: ['Please return calls from patients within one business day.', 'Remote work from home is available for coders two days a week.', 'Nurse practitioners now earn a six-figure income in most states.'],
    },
    {
      name: 'lottery-agent',
      strength: 'strong',
      anchors: ['lottery', 'lotteries', 'lotto', 'lotteryagent'],
      pattern: String.raw`\blotter(?:y|ies)\b[^.\n]{0,50}\b(?:around|from around|all over) the world\b|\b(?:around|from around|all over) the world\b[^.\n]{0,50}\blotter(?:y|ies)\b|\bplay lotto\b|\blotto (?:service|agent)\b|\blotteryagent\b|\b(?:play|buy tickets? (?:for|to)) (?:over )?\d+ lotteries\b`,
      positives: ['Official Lottery tickets from around the world', 'get your ticket to all the leading lotteries from around the world', 'Worldwide Lotto service! Play lotto around the World!', 'Play over 50 lotteries online'],
      negatives: ['The staff raffle for the children’s ward is on Friday.', 'The state lottery funds part of the research grant.'],
    },
    {
      name: 'as-seen-on-network',
      strength: 'strong',
      anchors: ['see', 'seen', 'shown', 'featured', 'told'],
      // The miracle-product pitch borrows a network's name; newsrooms and hospitals say "appeared on".
      pattern: String.raw`\bas (?:(?:was |were |could be |you could |you might have )?(?:seen|shown|featured|told|see)) (?:on|by) (?:oprah|cnn|abc|cbs|nbc|fox|bbc|msnbc|dr\.? oz)\b`,
      positives: ['now readily available – As shown on Oprah.', 'As you could see on CNN.', 'As were told on ABC', 'As could be seen on BBC'],
      negatives: ['Dr. Patel appeared on CNN to discuss the measles outbreak.', 'As seen on TV, the new MRI suite is open.'],
    },
    {
      name: 'weight-loss-product',
      strength: 'weak',
      anchors: ['see', 'shown', 'featured', 'told', 'fat', 'weight', 'diet', 'slimming'],
      pattern: String.raw`\bas (?:seen|shown|featured|were seen|were told|you could see) on (?:tv|television)\b|\b(?:fat|weight)[- ]loss (?:pills?|patch(?:es)?|formula|miracle)\b|\b(?:diet|slimming) pills?\b`,
      positives: ['As seen on TV!', 'The miracle weight-loss pill everyone talks about'],
      negatives: ['Our bariatric team was featured in the local paper.', 'Ask your doctor before starting any weight loss medication.'],
    },
    {
      name: 'dating-adult',
      strength: 'strong',
      anchors: ['singles', 'girls', 'women', 'wives', 'horny', 'lonely', 'hookup', 'sex', 'dating', 'casual', 'discreet', 'adult', 'wants', 'want'],
      pattern: String.raw`\b(?:hot|lonely|horny|naughty|sexy|local|beautiful) (?:singles|girls|women|wives|milfs|ladies) (?:in|near|from) (?:your|you)\b|\b(?:singles|girls|women) (?:are )?(?:waiting|looking) for you\b|\b(?:casual|discreet|adult) (?:hookups?|encounters?|dating)\b|\bsex dating\b|\bwants? to meet you tonight\b`,
      positives: ['Lonely women in your area want to chat', 'Discreet encounters near you', 'Hot singles near you are waiting'],
      negatives: ['Women in your area can book a free mammogram in October.'],
    },
    {
      name: 'loan-credit',
      strength: 'weak',
      anchors: ['approved', 'loan', 'credit', 'refinance', 'mortgage', 'debt', 'cash'],
      pattern: String.raw`\b(?:pre-?)?approved for (?:a |an )?(?:\$?\d[\d,.]* )?(?:['\"]?(?:refinance|home equity)['\"]? )?(?:loan|credit line|cash advance|mortgage)\b|\bbad credit (?:ok|okay|no problem|welcome|accepted)\b|\b(?:instant|fast|same day) (?:cash|loans?|approval)\b|\brefinance (?:now|today)\b|\b(?:lowest|low) (?:mortgage )?rates? (?:ever|guaranteed|in years)\b|\bdebt (?:relief|consolidation) (?:program|offer)\b|\breverse mortgage\b`,
      positives: ['You are pre-approved for a $5,000 loan', "You have been pre-approved for a $402,000 'Refinance' Loan", 'Bad credit OK!', 'Instant cash loans, same day approval', 'Could a reverse mortgage help you retire?'],
      negatives: ['Loan forgiveness applies to nurses after ten years of service.'],
    },
    {
      name: 'stock-tip',
      strength: 'strong',
      anchors: ['stock', 'shares', 'ticker', 'symbol', 'sumbol', 'sumb0l', 'symb0l', 'sym', 'lookup', 'target', 'forecast', 'buy', 'investor', 'current', 'price'],
      pattern: String.raw`\b(?:hot |strong )?(?:stock|penny stock) (?:alert|pick|tip|to watch)\b|\b(?:strong )?buy (?:alert|recommendation|rating)\b|\b(?:ticker|s[uy]mb[o0]l|sym|trading symbol|lookup) ?: ?(?=[a-z0-9]{0,4}[a-z])[a-z0-9]{2,5}(?:\.[a-z]{1,2})?\b|\b\d+[- ](?:day|week) (?:price )?(?:target|forecast)(?: price)?\s?:\s?\$?\s?\.?\d|\b(?:expected|projected|price|short[- ]term|long[- ]term) target(?: price)? ?: ?\$? ?\d|\bcurrent(?: price)? ?: ?\$ ?\d[\d.]*[^\n]{0,40}\btarget(?: price)? ?: ?\$ ?\d`,
      positives: ['HOT STOCK ALERT: this one is about to explode', 'Symbol: ABCD  Price: $0.45  5-day target: $2.10', 'Strong buy recommendation for our pick', 'Promoting sym: QXRT, Price: $0.07, 10 Day Target price: $0.55', 'Current: $0.31 (UP 12%) 5 Day Target: $1.20', 'COMPANY: ORAMED PHARMA SYMBOL: OJU.F PRICE: 0.65', 'Symbol: G7Q.F Firma: COUNTY LINE ENERGY', 'THE ALERT IS ON!! Sumb0l: UTEV Current: $0.008', 'Current: $0.008 3 Day Target price: $.06'],
      negatives: ['The hospital’s stock of flu vaccine is sufficient.', 'Our 90-day target for readmissions is 12%.', 'Current price: $4.20 per unit; our target is to renegotiate by spring.', 'Symbol: 2 means the sample is haemolysed.'],
    },
    {
      name: 'software-replica-diploma',
      strength: 'strong',
      anchors: ['oem', 'software', 'replica', 'watches', 'rolex', 'diploma', 'degree', 'handbags', 'windows', 'office', 'adobe', 'photoshop', 'acrobat', 'exam', 'classes', 'verifiable', 'bachelor', 'master', 'mba', 'phd', 'doctorate', 'cigar'],
      pattern: String.raw`\boem (?:software|versions?)\b|(?:\$ ?\d{1,3}(?:\.\d\d)? (?:ms |microsoft |adobe )?(?:windows|office|photoshop|acrobat|autocad|illustrator)\b[^$\n]{0,40}){2}|(?:\b(?:windows|office|photoshop|acrobat|autocad|illustrator|vista|quickbooks|dreamweaver|creative suite)\b[^$\n]{0,30}\b\d{2,3}(?:\.\d\d)? ?\$[^$\n]{0,20}){2}|\breplica (?:watches|rolex|handbags|bags)\b|\b(?:luxury|swiss) watches (?:at|for|from) \$|\b(?:university |college )?(?:diplomas?|degrees?) (?:in|within) \d+ (?:days|weeks)\b|\b(?:no|without) (?:exams?|classes|study) (?:required|needed)\b|\b(?:fully )?verifiable (?:university |college )?(?:degree|diploma)s?\b|\b(?:degree|diploma)s? based on (?:your )?(?:life|work|professional) experience\b|\b(?:bachelors?|masters?|mba|phd|doctorate)\b[^.\n]{0,40}\bcan be yours\b|\bcheap (?:cigarettes|cigarets|cigaretes|smokes)\b`,
      positives: ['OEM software: pay for software only and save 80%', '$49 Windows XP Pro, $79 MS Office 2007, $79 Adobe Acrobat 8', 'Office 2007 Pro 69$ Photoshop CS3 89$ Vista Ultimate 79$', 'Replica watches from $99', 'Get a university diploma in 2 weeks, no exams required', 'obtain a fully verifiable University Degree', 'Bachelors, Masters, MBA, PhD can be yours in 4 weeks', 'just cheap cigaretes for all Europe'],
      negatives: ['IT installed Office updates on Saturday.', 'The software licence for Epic costs $1.2 million per year.', 'Your degree is verified by the registrar before credentialing.', 'The MSN program accepts experience-based credits.'],
    },
  ]),
  ...de([
    {
      name: 'casino-bonus',
      strength: 'strong',
      anchors: ['freispiele', 'einzahlung', 'casino', 'willkommensbonus', 'bonus'],
      pattern: String.raw`\bfreispiele\b|\b(?:ohne|keine|erste[nr]?) einzahlung\b|\beinzahlungsbonus\b|\bwillkommensbonus\b|\bonline-?casino\b|\bcasino[- ]bonus\b`,
      positives: ['Erhalte deinen Willkommensbonus und 150 Freispiele', 'Keine Einzahlung nötig!', 'Bonus auf Ihre erste Einzahlung'],
      negatives: ['Die Einzahlung der Kaution erfolgt bei der Schlüsselübergabe.'],
    },
    {
      name: 'krypto-aktien',
      strength: 'strong',
      anchors: ['bitcoin', 'krypto', 'rendite', 'airdrop', 'kursziel', 'kurspotenzial', 'garantierte', 'tagliche', 'tages', 'tag', 'prognose', 'kurzel'],
      pattern: String.raw`\b(?:garantierte|tagliche) (?:rendite|gewinne)\b|\bkrypto-?(?:bot|gewinne|millionar)\b|\bairdrop\b|\b(?:kursziel|kurspotenzial|(?:\d+[- ])?tag(?:es)?[- ]?prognose)\s?:\s?\d|\bkurzel ?: ?(?=[a-z0-9]{0,4}[a-z])[a-z0-9]{2,5}(?:\.[a-z]{1,2})?\b`,
      positives: ['Garantierte Rendite jeden Monat', 'Kursziel: 3,00 EUR', 'Jetzt beim Airdrop dabei sein', 'Preis: 0.24 3 Tages Prognose: 1.22', 'Kürzel : BJ5N.F Preis: 1.90 5-Tag Prognose: 3.00'],
      negatives: ['Die Rendite des Pensionsfonds wird jährlich berichtet.'],
    },
    {
      name: 'potenz-dating',
      strength: 'strong',
      anchors: ['rezept', 'potenz', 'frauen', 'madchen', 'singles', 'sex'],
      pattern: String.raw`\b(?:ohne|kein) rezept\b[^.\n]{0,40}\b(?:bestellen|kaufen|potenz|viagra|cialis)\b|\bpotenzmittel\b|\b(?:geile|einsame|heisse) (?:frauen|madchen|singles)\b|\bsex-?(?:treffen|kontakte)\b`,
      positives: ['Potenzmittel ohne Rezept bestellen', 'Geile Mädchen warten auf dich', 'Einsame Frauen in deiner Nähe'],
      negatives: ['Ohne Rezept erhalten Sie das Medikament nicht.'],
    },
  ]),
  ...pt([
    {
      name: 'cassino-cripto',
      strength: 'strong',
      anchors: ['giros', 'rodadas', 'deposito', 'cassino', 'apostas', 'bonus', 'bitcoin', 'cripto', 'renda'],
      pattern: String.raw`\b(?:giros|rodadas) (?:gratis|gratuitos|gratuitas)\b|\b(?:primeiro|sem) deposito\b|\bbonus de (?:boas-vindas|deposito)\b|\bcassino (?:online|bonus)\b|\bapostas? (?:gratis|online)\b|\brenda (?:extra|passiva) (?:garantida|diaria)\b|\b(?:robo|bot) de (?:trading|cripto|bitcoin)\b`,
      positives: ['Ganhe 100 giros grátis no seu primeiro depósito', 'Bônus de boas-vindas no cassino online', 'Renda extra garantida com nosso robô de trading'],
      negatives: ['O depósito da caução deve ser feito até sexta-feira.'],
    },
  ]),
  ...es([
    {
      name: 'casino-cripto',
      strength: 'strong',
      anchors: ['tiradas', 'giros', 'deposito', 'casino', 'bono', 'bitcoin', 'cripto'],
      pattern: String.raw`\b(?:tiradas|giros) (?:gratis|gratuitas|gratuitos)\b|\b(?:primer|sin) deposito\b|\bbono de (?:bienvenida|deposito)\b|\bcasinos? (?:en linea|online|vip)\b|\bganancias (?:garantizadas|diarias)\b`,
      positives: ['300% en su primer depósito', 'Bono de bienvenida y 50 tiradas gratis', 'Los casinos en línea ofrecen bonos'],
      negatives: ['El depósito de la fianza se devuelve al salir.'],
    },
  ]),
  ...fr([
    {
      name: 'casino-crypto',
      strength: 'strong',
      anchors: ['tours', 'depot', 'casino', 'bonus', 'bitcoin', 'crypto', 'revenus'],
      pattern: String.raw`\btours (?:gratuits|gratis)\b|\b(?:premier|sans) depot\b|\bbonus de bienvenue\b|\bcasino en ligne\b|\brevenus? (?:passifs?|garantis?)\b|\b(?:robot|bot) de trading\b`,
      positives: ['Bonus de bienvenue et 100 tours gratuits', 'Casino en ligne : 200 % sur votre premier dépôt', 'Des revenus passifs garantis'],
      negatives: ['Le dépôt de garantie est rendu en fin de contrat.'],
    },
  ]),
];
