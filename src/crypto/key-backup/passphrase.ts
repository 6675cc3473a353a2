/**
 * Passphrase strength, estimated with zxcvbn-ts. The estimator and its word lists are large, so
 * they are loaded on demand (dynamic import: a lazy chunk, never the pane's first load). A
 * passphrase is accepted when it is at least 12 characters and scores 3 or 4.
 */
export const MIN_PASSPHRASE_LENGTH = 12;
export const MIN_PASSPHRASE_SCORE = 3;

export interface PassphraseCheck {
  ok: boolean;
  score: 0 | 1 | 2 | 3 | 4;
  /** One plain sentence on what makes it weak, or null. */
  warning: string | null;
  suggestions: string[];
}

interface Checker {
  check(password: string): {
    score: 0 | 1 | 2 | 3 | 4;
    feedback: { warning: string | null; suggestions: string[] };
  };
}

let checker: Promise<Checker> | undefined;

function loadChecker(): Promise<Checker> {
  checker ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]).then(
    ([core, common]) =>
      new core.ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs }),
  );
  checker.catch(() => (checker = undefined));
  return checker;
}

const WARNINGS: Record<string, string> = {
  straightRow: 'Rows of keys next to each other are easy to guess.',
  keyPattern: 'Short keyboard patterns are easy to guess.',
  simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
  extendedRepeat: 'Repeated patterns like "abcabc" are easy to guess.',
  sequences: 'Sequences like "abc" or "123" are easy to guess.',
  recentYears: 'Recent years are easy to guess.',
  dates: 'Dates are easy to guess.',
  topTen: 'This is one of the most used passwords.',
  topHundred: 'This is a very often used password.',
  common: 'This is a commonly used password.',
  similarToCommon: 'This is close to a commonly used password.',
  wordByItself: 'A single word is easy to guess.',
  namesByThemselves: 'Names on their own are easy to guess.',
  commonNames: 'Common names are easy to guess.',
  userInputs: 'It should not contain your own details.',
  pwned: 'This password has appeared in a data breach.',
};

const SUGGESTIONS: Record<string, string> = {
  l33t: 'Swapping letters for look-alike numbers does not help much.',
  reverseWords: 'Spelling a word backwards does not help much.',
  allUppercase: 'Capitalise some letters, not all.',
  capitalization: 'Capitalise more than the first letter.',
  dates: 'Avoid dates that mean something to you.',
  recentYears: 'Avoid recent years.',
  associatedYears: 'Avoid years that mean something to you.',
  sequences: 'Avoid sequences.',
  repeated: 'Avoid repeated words and characters.',
  longerKeyboardPattern: 'Use longer keyboard patterns with several changes of direction.',
  anotherWord: 'Add more words that are less common.',
  useWords: 'Use several unrelated words.',
  noNeed: 'Symbols, digits or capitals are not required.',
  pwned: 'Use a passphrase you have not used anywhere else.',
};

const GENERIC_SUGGESTION = 'Use four or more unrelated words.';

export async function checkPassphrase(passphrase: string): Promise<PassphraseCheck> {
  const result = (await loadChecker()).check(passphrase);
  const longEnough = passphrase.length >= MIN_PASSPHRASE_LENGTH;
  const ok = longEnough && result.score >= MIN_PASSPHRASE_SCORE;
  const suggestions = result.feedback.suggestions.map((s) => SUGGESTIONS[s] ?? GENERIC_SUGGESTION);
  if (!longEnough) suggestions.unshift(`Use at least ${MIN_PASSPHRASE_LENGTH} characters.`);
  if (!ok && suggestions.length === 0) suggestions.push(GENERIC_SUGGESTION);
  const warning = result.feedback.warning;
  return {
    ok,
    score: result.score,
    warning: warning ? (WARNINGS[warning] ?? 'This passphrase is easy to guess.') : null,
    suggestions: [...new Set(suggestions)],
  };
}
