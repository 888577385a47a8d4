/**
 * The storage contract: every backend runs this one suite. Each describe block opens and
 * migrates its own storage; tests inside a block keep apart by using fresh tenant ids.
 */
import { describe } from 'node:test';
import { adminCases } from './cases/admin.ts';
import { codeCases } from './cases/codes.ts';
import { consentAndReplayCases } from './cases/consents.ts';
import { deviceCibaCases } from './cases/device-ciba.ts';
import { grantCases } from './cases/grants.ts';
import { identityCases } from './cases/identity.ts';
import { keyCases } from './cases/keys.ts';
import { keyScheduleCases } from './cases/key-schedule.ts';
import { lifecycleCases } from './cases/lifecycle.ts';
import { outboxCases } from './cases/outbox.ts';
import { parCases } from './cases/par.ts';
import { sessionCases } from './cases/sessions.ts';
import { tenantDeletionCases } from './cases/tenant-deletion.ts';
import type { Storage } from '../types.ts';

/**
 * Registers the contract suite for one backend. `open` must return a new, unmigrated
 * storage on an empty database each time it is called.
 */
export function storageContract(name: string, open: () => Promise<Storage>): void {
  describe(`storage contract: ${name}`, () => {
    lifecycleCases(open);
    identityCases(open);
    keyCases(open);
    keyScheduleCases(open);
    grantCases(open);
    codeCases(open);
    sessionCases(open);
    consentAndReplayCases(open);
    adminCases(open);
    outboxCases(open);
    deviceCibaCases(open);
    parCases(open);
    tenantDeletionCases(open);
  });
}
