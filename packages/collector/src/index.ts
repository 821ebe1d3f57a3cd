export { createCollector, type CollectorOptions } from './collector.js';
export { CollectorError, type CollectorErrorCode } from './collector-error.js';
export type { SourceConfig } from './source-config.js';
export { createJsonLogger, type Logger, type LogFields, type JsonLoggerOptions } from './logger.js';
export type { Store, EventRow, QuarantineRow, WriteBatch, WriteResult } from './store/store.js';
export { createSqliteStore, type SqliteStoreOptions } from './store/sqlite-store.js';
export { DEFAULT_STAGES } from './ingest/default-stages.js';
export { reject, type Stage, type Draft, type IngestContext, type Rejection } from './ingest/stage.js';
export { runPipeline, type PipelineOutcome } from './ingest/run-pipeline.js';
