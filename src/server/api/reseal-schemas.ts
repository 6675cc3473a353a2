/** PUT /events/:eventId (re-seal after a key rotation). */
import { z } from 'zod';
import { MIN_SEALED_EVENT_BYTES_V2 } from '../crypto/ciphertext-shape';
import { Base64urlBytes, Id128 } from './schemas';

export const EventParams = z.strictObject({ eventId: Id128 });
export const ResealBody = z.strictObject({
  /** Sealed event v2: 0x02 ‖ key id (16) ‖ enc (a P-256 point) ‖ ciphertext ‖ tag, to the registered key. */
  sealed: Base64urlBytes(MIN_SEALED_EVENT_BYTES_V2, 12_288),
});
export const ResealResponse = z.strictObject({ eventId: Id128 });
