export { createTracker } from './create-tracker.js';
export { createTrackerCore } from './core/tracker.js';
export { CairnError, type CairnErrorCode } from './core/cairn-error.js';
export { createMemoryQueue } from './core/memory-queue.js';
export { createMemoryStorage } from './core/memory-storage.js';
export { systemClock } from './core/clock.js';
export { createIdbQueue } from './browser/idb-queue.js';
export { fetchTransport } from './browser/fetch-transport.js';
export { createUlid } from './browser/ulid.js';
export { autoPage } from './context/auto-page.js';
export { createSession } from './context/session.js';
export { deviceType, type DeviceType } from './context/device-type.js';
export { parseCampaign } from './context/campaign.js';
export { COMMERCE_EVENTS, type CommerceEvent } from './commerce/commerce-events.js';
export { addCommerce, type CommerceDeps } from './commerce/add-commerce.js';
export { withCommerce, type CommerceOptions } from './commerce/with-commerce.js';
export {
  createConsent,
  type ApplyConsent,
  type Consent,
  type ConsentListener,
  type ConsentOptions,
  type ConsentPreferences,
  type ConsentSignal,
} from './consent/consent.js';
export { gpcSignal } from './consent/gpc.js';
export { holdIn, type HoldDeps, type UndecidedHold } from './consent/hold-in.js';
export { tcfSignal, TCF_PURPOSES, type TcData, type TcfApi } from './consent/tcf.js';
export { consentModeSignal, CONSENT_MODE_STATES } from './consent/consent-mode.js';
export type {
  CartAbandonedProperties,
  CartProperties,
  CommerceHelpers,
  CommerceProperties,
  CouponProperties,
  OrderProperties,
  Product,
  ProductEventProperties,
  ProductListProperties,
  PromotionProperties,
} from './commerce/types.js';
export type {
  CallOptions,
  Clock,
  KeyValueStorage,
  Lock,
  Properties,
  Queue,
  QueuedEvent,
  StubEntry,
  Tracker,
  TrackerDeps,
  TrackerOptions,
  Transport,
  TransportResponse,
} from './core/types.js';
