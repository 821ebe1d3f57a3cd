import type { BatchResponse } from '@cairn/protocol';
import type { ResolvedSource } from '../auth/source-registry.js';

/** Hono environment of the collector app: what handlers share through the context. */
export interface CollectorEnv {
  Variables: {
    /** Set once the write key resolved; the CORS layer answers for this source's origins. */
    source: ResolvedSource | undefined;
    /** Set by the ingest routes once a batch is stored: what the request log and metrics count. */
    ingested: BatchResponse | undefined;
  };
}
