export * from './queues.js';
export * from './errors.js';
export * from './user.js';
export * from './insforge/fields.js';
export * from './insforge/email.dto.js';
