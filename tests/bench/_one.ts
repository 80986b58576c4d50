import { benchBackup } from './backup.bench.js';
for (const line of await benchBackup()) console.log(line);
