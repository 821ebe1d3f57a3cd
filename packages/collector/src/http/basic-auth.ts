import { ERROR_CODES } from '@cairn/protocol';
import { httpError } from './http-error.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Write key from `Authorization: Basic base64(key + ":")` (Segment's scheme: the key is the
 * username, the password empty). `undefined` when there is no header or the username is
 * empty (the key may then be in the body); 401 when the header is not readable Basic auth.
 *
 * @example
 * readBasicAuthKey('Basic ' + btoa('wk_123:')) // 'wk_123'
 */
export function readBasicAuthKey(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) {
    throw httpError(401, ERROR_CODES.unauthorized, 'Authorization must be HTTP Basic auth with the write key as username');
  }
  let credentials: string;
  try {
    const binary = atob((match[1] as string).replace(/-/g, '+').replace(/_/g, '/'));
    credentials = decoder.decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  } catch {
    throw httpError(401, ERROR_CODES.unauthorized, 'Authorization Basic credentials are not valid base64 UTF-8');
  }
  const colon = credentials.indexOf(':');
  const username = colon === -1 ? credentials : credentials.slice(0, colon);
  return username === '' ? undefined : username;
}
