// The simulator's CRM as the CRM CSV (src/sources/crm-csv/world.ts), as a writer beside its others:
// `closedloop simulate` writes it as crm.csv, and the Demo workspace and `closedloop evaluate` import
// it through `closedloop import crm`'s code path.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CrmCsvFile, WORLD_COLUMNS, WorldCrmRows } from '../sources/crm-csv/index.js';
import type { CrmChange, SimWriter } from '../sim/index.js';

/** The file's name in a simulator output directory. */
export const SIM_CRM_CSV = 'crm.csv';

export function crmCsvSimWriter(path: string): SimWriter & { file: CrmCsvFile } {
  mkdirSync(dirname(path), { recursive: true });
  const file = new CrmCsvFile(path, WORLD_COLUMNS);
  const rows = new WorldCrmRows();
  return {
    file,
    event() {},
    crm(c: CrmChange) {
      for (const row of rows.rows(c)) file.write(row);
    },
    async close() {
      file.close();
    },
  };
}
