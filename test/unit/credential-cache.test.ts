import { describe, expect, it, vi } from 'vitest';
import type { AccountService, Actor } from '../../server/accounts/accounts.ts';
import { withCredentialCache } from '../../server/accounts/credential-cache.ts';

const actor: Actor = { kind: 'token', id: 't1', username: 'token:desk', role: 'agent' };

function fakeAccounts() {
  let revoked = false;
  const service = {
    actorForToken: vi.fn(async (secret: string) => (secret === 'good' && !revoked ? actor : null)),
    actorForSession: vi.fn(async () => null),
    revokeToken: vi.fn(async () => {
      revoked = true;
      return true;
    }),
    issueToken: vi.fn(async () => ({ id: 't2', name: 'n', token: 'new' })),
    endSession: vi.fn(async () => {}),
  };
  return service;
}

describe('the credential cache', () => {
  it('asks the database once per credential, known or not', async () => {
    const inner = fakeAccounts();
    const cache = withCredentialCache(inner as unknown as AccountService, () => {});
    for (let i = 0; i < 3; i++) {
      expect(await cache.actorForToken('good')).toEqual(actor);
      expect(await cache.actorForToken('bad')).toBeNull();
    }
    expect(inner.actorForToken).toHaveBeenCalledTimes(2);
  });

  it('drops everything and tells the other processes when a token is revoked here', async () => {
    const inner = fakeAccounts();
    const told = vi.fn();
    const cache = withCredentialCache(inner as unknown as AccountService, told);
    expect(await cache.actorForToken('good')).toEqual(actor);
    await cache.revokeToken('t1');
    expect(told).toHaveBeenCalledTimes(1);
    expect(await cache.actorForToken('good')).toBeNull();
  });

  it('drops everything on a notice from another process, without telling anyone', async () => {
    const inner = fakeAccounts();
    const told = vi.fn();
    const cache = withCredentialCache(inner as unknown as AccountService, told);
    await cache.actorForToken('good');
    cache.forgetCache();
    await cache.actorForToken('good');
    expect(inner.actorForToken).toHaveBeenCalledTimes(2);
    expect(told).not.toHaveBeenCalled();
  });

  it('does not remember a lookup that failed (a database outage is no answer)', async () => {
    const inner = fakeAccounts();
    inner.actorForToken.mockRejectedValueOnce(new Error('connection lost'));
    const cache = withCredentialCache(inner as unknown as AccountService, () => {});
    await expect(cache.actorForToken('good')).rejects.toThrow('connection lost');
    expect(await cache.actorForToken('good')).toEqual(actor);
  });
});
