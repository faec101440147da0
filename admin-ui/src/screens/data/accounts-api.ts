/** The account and session shapes (server/api/accounts, server/api/auth). */
import { api } from '../../api.ts';

export type Role = 'agent' | 'admin';
export type Account = {
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  lastLoginAt?: string | null;
};
export type AccountChange = { password?: string; role?: Role; disabled?: boolean };

export const listAccounts = () => api<{ accounts: Account[] }>('GET', '/api/accounts');
export const createAccount = (input: { username: string; password: string; role: Role }) =>
  api<Account>('POST', '/api/accounts', input);
export const changeAccount = (username: string, change: AccountChange) =>
  api<Account>('PATCH', `/api/accounts/${encodeURIComponent(username)}`, change);
export const deleteAccount = (username: string) =>
  api<unknown>('DELETE', `/api/accounts/${encodeURIComponent(username)}`);
export const currentSession = () => api<{ username: string; role: Role }>('GET', '/api/session');

/** Same as the server's minimum (server/api/accounts/schemas.ts); the server still decides. */
export const MIN_PASSWORD_LENGTH = 12;

/** A strong password to hand over (20 characters from an unambiguous alphabet, from the browser's CSPRNG). */
export function generatePassword(length = 20): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  // 256 % 56 leaves a slight bias; at 20 characters from 56 it still gives well over 100 bits.
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}
