/** The one response body every pixel request gets: a 1×1 transparent GIF (byte-identical to nginx's empty_gif). */
export const PIXEL_GIF = Buffer.from(
  '47494638396101000100800100000000ffffff21f90401000001002c00000000010001000002024c01003b',
  'hex',
);

/** Same headers whatever happened, so the answer reveals nothing about the token. */
export const PIXEL_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'image/gif',
  'content-length': String(PIXEL_GIF.length),
  'cache-control': 'no-store, no-cache, must-revalidate, max-age=0',
  pragma: 'no-cache',
  expires: '0',
  'referrer-policy': 'no-referrer',
  // Webmail embeds the pixel cross-site; helmet's default same-origin would block it.
  'cross-origin-resource-policy': 'cross-origin',
  'x-content-type-options': 'nosniff',
};
