/** Plain-language pieces shared by the key screens. */
import { userMessage } from '../components/error-message';
import { keyAccessProblem } from './key-access-types';

/** "123456" (or "123 456") as the two groups both devices show. */
export function formatApprovalCode(code: string): string {
  const digits = code.replace(/\D/g, '');
  return digits.length === 6 ? `${digits.slice(0, 3)} ${digits.slice(3)}` : code;
}

/** "in 3 minutes (at 14:05)" for a wait in seconds, from `now`. */
export function waitText(seconds: number, now: number): string {
  const at = new Date(now + seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const minutes = Math.ceil(seconds / 60);
  const span =
    seconds < 60
      ? `${Math.max(1, Math.ceil(seconds))} seconds`
      : minutes === 1
        ? '1 minute'
        : `${minutes} minutes`;
  return `in ${span} (at ${at})`;
}

/** What went wrong with a KeyAccess call, said for the recruiter, with what to do next. */
export function keyErrorText(error: unknown, now: number): string {
  const problem = keyAccessProblem(error);
  switch (problem?.kind) {
    case 'wrong-secret':
      if (problem.attemptsLeft === null)
        return 'That is not a recovery code or passphrase for your account. Check it and try again.';
      return problem.attemptsLeft > 0
        ? `That recovery code or passphrase is not right. Check it and try again: ${problem.attemptsLeft} ${
            problem.attemptsLeft === 1 ? 'attempt' : 'attempts'
          } left before a short wait.`
        : 'That recovery code or passphrase is not right, and that was the last attempt for now. Wait a few minutes, then try again.';
    case 'rate-limited':
      return `Too many wrong attempts, so Candor is pausing this for your safety. Try again ${waitText(
        problem.retryAfterSeconds,
        now,
      )}, or approve this device from another device where Candor is open.`;
    case 'no-backup':
      return 'No recovery code or passphrase is saved for your account. Approve this device from another device where Candor is open instead.';
    case 'network':
      return 'Candor’s service could not be reached. Check your connection, then try again.';
    case 'denied':
      return 'Your other device denied the request, so nothing was shared. Ask again, or go back and use your recovery code.';
    case 'expired':
      return 'The request expired (requests last 10 minutes), so nothing was shared. Ask again with Candor open on your other device, or go back and use your recovery code.';
    default:
      return userMessage(error, 'Something went wrong. Check your connection, then try again.');
  }
}
