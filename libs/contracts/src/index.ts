export * from './queues.js';
export * from './errors.js';
export * from './user.js';
export * from './insforge/fields.js';
export * from './insforge/email.dto.js';
export * from './insforge/auth.dto.js';
export * from './insforge/profile.dto.js';
export * from './gorb/gorb.dto.js';
