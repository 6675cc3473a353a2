/**
 * What answers look like in the languages the emulator speaks: reply prefixes, out-of-office subjects
 * and bodies, and non-delivery report subjects. Prefixes are those Outlook and other clients write;
 * see docs/emulator.md for which are verified and which are guesses.
 */

export const LANGUAGES = ['en', 'de', 'fr', 'sv', 'fi', 'nl', 'it', 'zh', 'ru', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

interface Locale {
  /** Prefixes a reply's subject may carry in this language (the first is the most common). */
  replyPrefixes: readonly string[];
  /** Out-of-office subject prefixes (Outlook's first; others from other clients or older versions). */
  oooPrefixes: readonly string[];
  /** Exchange Online's NDR subject prefix in this language. */
  ndrPrefix: string;
  replyText: string;
  oooText: string;
}

export const LOCALES: Record<Language, Locale> = {
  en: {
    replyPrefixes: ['RE: ', 'Re: '],
    oooPrefixes: ['Automatic reply: ', 'Out of Office: '],
    ndrPrefix: 'Undeliverable: ',
    replyText: "Hi, thanks for reaching out. I'd be happy to talk this week.",
    oooText: 'I am out of the office with limited access to email and will reply when I return.',
  },
  de: {
    replyPrefixes: ['AW: ', 'Antw: '],
    oooPrefixes: ['Automatische Antwort: ', 'Abwesend: '],
    ndrPrefix: 'Unzustellbar: ',
    replyText: 'Hallo, danke für Ihre Nachricht. Gerne können wir diese Woche sprechen.',
    oooText: 'Ich bin bis auf Weiteres nicht im Büro und habe nur eingeschränkt Zugriff auf meine E-Mails.',
  },
  fr: {
    replyPrefixes: ['RE : ', 'Réf. : '],
    oooPrefixes: ['Réponse automatique : '],
    ndrPrefix: 'Non remis : ',
    replyText: 'Bonjour, merci pour votre message. Je suis disponible cette semaine.',
    oooText: 'Je suis absent du bureau et je répondrai à votre message à mon retour.',
  },
  sv: {
    replyPrefixes: ['SV: '],
    oooPrefixes: ['Automatiskt svar: '],
    ndrPrefix: 'Olevererbart: ',
    replyText: 'Hej, tack för ditt meddelande. Jag pratar gärna den här veckan.',
    oooText: 'Jag är inte på kontoret och svarar när jag är tillbaka.',
  },
  fi: {
    replyPrefixes: ['VS: '],
    oooPrefixes: ['Automaattinen vastaus: '],
    ndrPrefix: 'Ei voitu toimittaa: ',
    replyText: 'Hei, kiitos viestistä. Voimme jutella tällä viikolla.',
    oooText: 'Olen poissa toimistolta ja vastaan palattuani.',
  },
  nl: {
    replyPrefixes: ['Antw: ', 'RE: '],
    oooPrefixes: ['Automatisch antwoord: '],
    ndrPrefix: 'Onbestelbaar: ',
    replyText: 'Hallo, bedankt voor uw bericht. Ik praat graag deze week.',
    oooText: 'Ik ben afwezig en beantwoord uw bericht na mijn terugkeer.',
  },
  it: {
    replyPrefixes: ['R: ', 'RIF: '],
    oooPrefixes: ['Risposta automatica: '],
    ndrPrefix: 'Non recapitabile: ',
    replyText: 'Buongiorno, grazie per il messaggio. Possiamo sentirci questa settimana.',
    oooText: 'Sono fuori ufficio e risponderò al mio rientro.',
  },
  zh: {
    replyPrefixes: ['答复: ', '回复: '],
    oooPrefixes: ['自动答复: '],
    ndrPrefix: '无法传递: ',
    replyText: '您好，感谢来信。本周可以聊一聊。',
    oooText: '我目前不在办公室，回来后会回复您。',
  },
  ru: {
    replyPrefixes: ['Ответ: ', 'RE: '],
    oooPrefixes: ['Автоматический ответ: '],
    ndrPrefix: 'Не доставлено: ',
    replyText: 'Здравствуйте, спасибо за письмо. Готов(а) созвониться на этой неделе.',
    oooText: 'Меня нет в офисе, я отвечу, когда вернусь.',
  },
  es: {
    replyPrefixes: ['RE: ', 'RV: '],
    oooPrefixes: ['Respuesta automática: '],
    ndrPrefix: 'No se puede entregar: ',
    replyText: 'Hola, gracias por escribir. Podemos hablar esta semana.',
    oooText: 'Estoy fuera de la oficina y responderé a mi regreso.',
  },
};

/** Subjects a prospect writes when replying with a new subject (a new conversation in Exchange). */
export const NEW_SUBJECTS: Record<Language, string> = {
  en: 'Question about the role',
  de: 'Frage zur Stelle',
  fr: 'Question sur le poste',
  sv: 'Fråga om tjänsten',
  fi: 'Kysymys tehtävästä',
  nl: 'Vraag over de functie',
  it: 'Domanda sulla posizione',
  zh: '关于职位的问题',
  ru: 'Вопрос о вакансии',
  es: 'Pregunta sobre el puesto',
};
