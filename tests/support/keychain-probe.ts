// Run by tests/credentials/store.test.ts inside a D-Bus session: one credential-store
// operation per process, so the real keychain (or its absence) is what answers.
import { openCredentialStore } from '../../src/credentials/store.js';

const [op, account, token] = process.argv.slice(2);
const store = await openCredentialStore();
if (store.warning) console.error(store.warning);
if (op === 'set') await store.set(account!, token!);
if (op === 'get') console.log(JSON.stringify({ where: store.where, token: await store.get(account!) }));
if (op === 'delete') console.log(JSON.stringify({ removed: await store.delete(account!) }));
