import Database from 'better-sqlite3';

/** The `events` columns end-to-end tests rely on (the contract); extra columns are ignored. */
export interface EventRow {
  source: string;
  message_id: string;
  type: string;
  event: string | null;
  name: string | null;
  anonymous_id: string | null;
  user_id: string | null;
  timestamp: string;
  original_timestamp: string | null;
  sent_at: string | null;
  received_at: string;
  raw: string;
}

export interface QuarantineRow {
  id: number;
  source: string | null;
  message_id: string | null;
  code: string;
  reason: string;
  raw: string;
}

export interface EventsDb {
  events(): EventRow[];
  quarantine(): QuarantineRow[];
  close(): void;
}

/**
 * Opens the collector's SQLite file read-only (it runs in WAL mode, so this never blocks
 * its writes) to assert what was durably stored.
 *
 * @example
 * const db = openEventsDb(collector.dbPath);
 * db.events();
 */
export function openEventsDb(file: string): EventsDb {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const events = db.prepare<[], EventRow>(
    `SELECT source, message_id, type, event, name, anonymous_id, user_id, timestamp,
            original_timestamp, sent_at, received_at, raw
       FROM events ORDER BY timestamp, message_id`,
  );
  const quarantine = db.prepare<[], QuarantineRow>(
    'SELECT id, source, message_id, code, reason, raw FROM quarantine ORDER BY id',
  );
  return {
    events: () => events.all(),
    quarantine: () => quarantine.all(),
    close: () => {
      if (db.open) db.close();
    },
  };
}

/**
 * Re-reads `read()` every 100 ms until `done` holds or `timeoutMs` passes; on timeout the
 * error carries the last value and `diagnose()`, so a failure says what was on the wire.
 */
export async function waitFor<T>(
  what: string,
  read: () => T,
  done: (value: T) => boolean,
  diagnose: () => string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}\nlast value: ${JSON.stringify(value, null, 2)}\n${diagnose()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
