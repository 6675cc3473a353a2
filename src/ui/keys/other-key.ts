import { StateOpenError } from '../../crypto/state-cipher';

/** Whether a failure means "sealed to a key this device does not have" (the way forward is the key screens). */
export function isOtherKey(error: unknown): boolean {
  return error instanceof StateOpenError && error.reason === 'other-key';
}
