import { ruleGroup, type IntentRule } from './types.ts';

/**
 * Requests to send or confirm identity and health data: SSN, date of birth, insurance
 * member id, Medicare number, medical history, patient records. Only requests count
 * (imperatives and questions); privacy notices that mention the same data are negated.
 */

const en = ruleGroup('PHI_SOLICITATION', 'en', 'phi', true);
const de = ruleGroup('PHI_SOLICITATION', 'de', 'phi', true);
const pt = ruleGroup('PHI_SOLICITATION', 'pt', 'phi', true);
const es = ruleGroup('PHI_SOLICITATION', 'es', 'phi', true);
const fr = ruleGroup('PHI_SOLICITATION', 'fr', 'phi', true);

/** Identity and insurance numbers: what identity thieves and medical-billing fraud need. */
const IDENTITY_EN = String.raw`(?:ssn|social security (?:number|no|#|card)|social security|date of birth|d\.?o\.?b\b|birth ?date|(?:insurance |health plan |subscriber |policy )?member (?:id|number|#)|insurance (?:id|card|policy number|number|details|information)|policy (?:number|#)|medicare (?:number|card|id|beneficiary identifier)|mbi\b|medicaid (?:number|id|card)|driver'?s licen[cs]e|(?:tax|taxpayer) (?:id|identification number)|(?:photo )?id card|passport (?:number|copy)|patient (?:records|data|list|demographics))`;

/*
 * Clinical data. Colleagues rightly ask each other for "the diagnosis" or "the medication
 * list" all day, so only requests aimed at the reader's own ("your") history count.
 */
const CLINICAL_EN = String.raw`(?:medical (?:history|records?|information)|diagnos[ie]s|prescriptions?|medications? list|health records?)`;

const ASK_EN = String.raw`(?:provide|send|email|e-mail|forward|submit|confirm|verify|update|share|fill in|enter|upload|attach|reply with|respond with|give us|tell us|furnish)`;

export const PHI_RULES: IntentRule[] = [
  ...en([
    {
      name: 'provide-identity',
      strength: 'strong',
      anchors: ['ssn', 'social', 'date', 'dob', 'd.o.b', 'birth', 'birthdate', 'member', 'insurance', 'policy', 'medicare', 'mbi', 'medicaid', 'driver', 'tax', 'taxpayer', 'id', 'photo', 'passport', 'patient'],
      pattern: String.raw`\b${ASK_EN} (?:us |me )?(?:with )?(?:a copy of |copies of |the following:? )?(?:your|the patient'?s?|patients'|the|their|his|her|all) (?:full |current |complete |valid )?(?:name,? |full name,? |name and |address,? )?${IDENTITY_EN}`,
      positives: [
        'Please provide your SSN and date of birth.',
        "Reply with the patient's date of birth and member ID.",
        'Confirm your Medicare number to keep your benefits.',
        'Kindly send us a copy of your driver’s license.',
        'Please forward the patient records for the following individuals.',
      ],
      negatives: [
        'Never share your SSN by email.',
        'Bring your insurance card and a photo ID to the appointment.',
        'We will never ask you to confirm your Medicare number by email.',
        'My date of birth is 03/04/1961, in case you need it to find my chart.',
      ],
    },
    {
      name: 'provide-clinical',
      strength: 'weak',
      anchors: ['medical', 'diagnos', 'prescription', 'medication', 'health'],
      pattern: String.raw`\b${ASK_EN} (?:us |me )?(?:with )?(?:a copy of |copies of )?your (?:full |current |complete )?${CLINICAL_EN}`,
      positives: ['Please update your medical history and prescriptions in the form below.'],
      negatives: ['Please include the diagnosis code on the referral.', 'Do not email your medical records; use the portal.'],
    },
    {
      name: 'what-is-your',
      strength: 'strong',
      anchors: ['ssn', 'social', 'date', 'dob', 'd.o.b', 'birth', 'birthdate', 'member', 'insurance', 'policy', 'medicare', 'mbi', 'medicaid', 'driver', 'tax', 'taxpayer', 'id', 'photo', 'passport', 'patient'],
      pattern: String.raw`\b(?:what is|what's|can you (?:send|provide|confirm|give)|could you (?:send|provide|confirm|give)|may i have|i need|we need|we require) (?:me |us )?(?:with )?(?:your|the patient'?s?|their) ${IDENTITY_EN}`,
      positives: ['What is your date of birth and Medicare number?', 'We need your social security number to process the claim.'],
      negatives: ['We need the conference room on Friday.', 'Never tell a caller what your SSN is.'],
    },
  ]),
  ...de([
    {
      name: 'daten-senden',
      strength: 'strong',
      anchors: ['sozialversicherungsnummer', 'geburtsdatum', 'versichertennummer', 'krankenversicherungsnummer', 'versichertenkarte', 'personalausweis', 'ausweis', 'fuhrerschein', 'steuer', 'krankengeschichte', 'diagnose', 'befunde', 'patientenakte'],
      pattern: String.raw`\b(?:senden|schicken|ubermitteln|bestatigen|nennen) sie (?:uns |mir )?(?:bitte )?(?:eine kopie )?(?:ihre[snr]?|des patienten) (?:\w+ )?(?:sozialversicherungsnummer|geburtsdatum|versichertennummer|krankenversicherungsnummer|versichertenkarte|personalausweis|ausweis|fuhrerschein|steuer-?id|krankengeschichte|diagnose|befunde|patientenakte)\b`,
      positives: ['Bitte senden Sie uns Ihre Versichertennummer und Ihr Geburtsdatum.'],
      negatives: ['Bitte geben Sie Ihre Versichertennummer niemals per E-Mail weiter.'],
    },
  ]),
  ...pt([
    {
      name: 'informe-dados',
      strength: 'strong',
      anchors: ['cpf', 'rg', 'nascimento', 'carteirinha', 'cartao', 'cns', 'convenio', 'historico', 'prontuario', 'receita', 'diagnostico', 'cnh'],
      pattern: String.raw`\b(?:informe|envie|confirme|forneca|digite|atualize|encaminhe|mande) (?:\w+ )?(?:o |a |os |as |seu |sua |seus |suas |do paciente )?(?:\w+ )?(?:cpf|rg|data de nascimento|numero da carteirinha|carteirinha|cartao do sus|cns|numero do convenio|historico medico|prontuario|receitas?|diagnostico|cnh)\b`,
      positives: ['Informe seu CPF e data de nascimento para continuar.', 'Envie a carteirinha do convênio.'],
      negatives: ['Nunca informe seu CPF por e-mail.', 'O CPF do paciente já está no sistema.'],
    },
  ]),
  ...es([
    {
      name: 'proporcione-datos',
      strength: 'strong',
      anchors: ['seguro', 'fecha', 'dni', 'afiliado', 'tarjeta', 'historial', 'historia', 'receta', 'diagnostico', 'licencia', 'pasaporte'],
      pattern: String.raw`\b(?:proporcione|envie|envienos|confirme|indique|facilite|actualice) (?:su|sus|el|la|los) (?:\w+ )?(?:numero de seguro social|seguro social|fecha de nacimiento|dni|numero de afiliado|tarjeta sanitaria|historial medico|historia clinica|recetas?|diagnostico|licencia de conducir|pasaporte)\b`,
      positives: ['Proporcione su número de seguro social.', 'Envíe su fecha de nacimiento.'],
      negatives: ['Nunca envíe su número de seguro social por correo.'],
    },
  ]),
  ...fr([
    {
      name: 'envoyez-donnees',
      strength: 'strong',
      anchors: ['securite', 'date', 'carte', 'mutuelle', 'dossier', 'ordonnance', 'diagnostic', 'permis', 'passeport', 'piece'],
      pattern: String.raw`\b(?:envoyez|envoyer|fournissez|fournir|confirmez|confirmer|indiquez|indiquer|communiquez|communiquer|transmettez|transmettre) (?:-nous )?(?:votre|vos|le|la|les) (?:\w+ )?(?:numero de securite sociale|securite sociale|date de naissance|carte vitale|mutuelle|dossier medical|ordonnances?|diagnostic|permis de conduire|passeport|piece d'identite)\b`,
      positives: ['Veuillez confirmer votre numéro de sécurité sociale.', 'Envoyez votre carte Vitale.'],
      negatives: ['Ne communiquez jamais votre numéro de sécurité sociale par e-mail.'],
    },
  ]),
];
