/**
 * First start: an `admin` account and one telephony API token, from ADMIN_PASSWORD / CTI_TOKEN or
 * generated and shown once. Only their hashes are stored, so a lost secret is replaced, never recovered.
 */
import type { AccountService } from './accounts.ts';
import { newPassword } from './secrets.ts';

export type FirstStartNotice = { adminPassword?: string; ctiToken?: string };

export async function ensureFirstAccounts(
  accounts: AccountService,
  given: { adminPassword: string | undefined; ctiToken: string | undefined },
): Promise<FirstStartNotice> {
  const notice: FirstStartNotice = {};
  if ((await accounts.count()) === 0) {
    const password = given.adminPassword ?? newPassword();
    await accounts.create('admin', password, 'admin');
    if (!given.adminPassword) notice.adminPassword = password;
  }
  if ((await accounts.tokenCount()) === 0) {
    const token = await accounts.issueToken('telephony', 'system', given.ctiToken);
    if (!given.ctiToken) notice.ctiToken = token.token;
  }
  return notice;
}
