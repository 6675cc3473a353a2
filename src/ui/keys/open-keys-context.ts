import { createContext } from 'react';

/**
 * The way from a "sealed to a key this device does not have" message to the key screens (provided by
 * KeyGate; null when the pane has no key screens).
 */
export const OpenKeysContext = createContext<(() => void) | null>(null);
