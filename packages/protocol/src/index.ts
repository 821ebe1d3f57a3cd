export * from './event.js';
export * from './errors.js';
export * from './batch-response.js';
export * from './limits.js';
export * from './consent.js';
export * from './cart-abandoned-id.js';
export * from './admin-api.js';
